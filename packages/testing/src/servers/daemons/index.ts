export { daemonDir, freePort, installed, startDaemon } from "./daemon.js";
export type { Daemon, DaemonSpec } from "./daemon.js";
export { postgresInstalled, startPostgres } from "./postgres.js";
export type { PostgresOptions } from "./postgres.js";
