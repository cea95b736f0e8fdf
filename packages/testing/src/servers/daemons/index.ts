export { daemonDir, freePort, installed, startDaemon } from "./daemon.js";
export type { Daemon, DaemonSpec } from "./daemon.js";
export { postgresInstalled, startPostgres } from "./postgres.js";
export type { PostgresOptions } from "./postgres.js";
export { DOVECOT_SERVICES, dovecotInstalled, startDovecot } from "./dovecot.js";
export type { DovecotOptions } from "./dovecot.js";
export { eximInstalled, startExim } from "./exim.js";
export type { EximOptions } from "./exim.js";
