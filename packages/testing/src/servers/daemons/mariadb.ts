import { join } from "node:path";
import { daemonDir, freePort, installed, runSetup, startDaemon, type Daemon } from "./daemon.js";

export interface MariaDbOptions {
  /** `--ssl-cipher` (TLS <= 1.2). */
  readonly ciphers: string;
  /** `--tls-version`, e.g. "TLSv1.2,TLSv1.3". */
  readonly tlsVersions: string;
  /** false: no certificate, so the greeting lacks CLIENT_SSL. */
  readonly ssl?: boolean;
}

export const mariadbInstalled = (): boolean =>
  installed("mariadbd") && installed("mariadb-install-db");

/** A MariaDB of its own (mariadb-install-db, then mariadbd as nobody) with the RSA certificate. */
export async function startMariaDb(options: MariaDbOptions): Promise<Daemon> {
  const { dir, certPath, keyPath } = await daemonDir("mariadb");
  const data = join(dir, "data");
  runSetup("mariadb-install-db", [
    "--no-defaults",
    "--user=nobody",
    `--datadir=${data}`,
    "--skip-test-db",
    "--auth-root-authentication-method=normal",
  ]);
  const port = await freePort();
  return startDaemon({
    command: "mariadbd",
    args: [
      "--no-defaults",
      "--user=nobody",
      `--datadir=${data}`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      `--socket=${join(dir, "mysqld.sock")}`,
      `--pid-file=${join(dir, "mysqld.pid")}`,
      "--skip-log-bin",
      "--innodb-buffer-pool-size=8M",
      ...(options.ssl === false
        ? []
        : [
            `--ssl-cert=${certPath}`,
            `--ssl-key=${keyPath}`,
            `--ssl-cipher=${options.ciphers}`,
            `--tls-version=${options.tlsVersions}`,
          ]),
    ],
    ports: { mysql: port },
  });
}
