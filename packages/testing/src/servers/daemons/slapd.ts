import { mkdirSync, chownSync } from "node:fs";
import { join } from "node:path";
import {
  NOBODY,
  daemonDir,
  freePort,
  installed,
  startDaemon,
  writeOwned,
  type Daemon,
} from "./daemon.js";

export interface SlapdOptions {
  /** `TLSCipherSuite`: a GnuTLS priority string (Debian's slapd is built with GnuTLS). */
  readonly priority: string;
  /** false: no certificate, so StartTLS is refused (resultCode 52 unavailable). */
  readonly tls?: boolean;
}

export const slapdInstalled = (): boolean => installed("slapd");

/**
 * OpenLDAP slapd in the foreground (`-d 0`, a slapd.conf of its own, an empty mdb database),
 * run as nobody, StartTLS with the RSA certificate and no DH parameters (so no DHE suites).
 */
export async function startSlapd(options: SlapdOptions): Promise<Daemon> {
  const { dir, certPath, keyPath } = await daemonDir("slapd");
  const db = join(dir, "db");
  mkdirSync(db, { recursive: true });
  chownSync(db, NOBODY.uid, NOBODY.gid);
  const port = await freePort();
  const config = join(dir, "slapd.conf");
  writeOwned(
    config,
    `include /etc/ldap/schema/core.schema
pidfile ${dir}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
${
  options.tls === false
    ? ""
    : `TLSCertificateFile ${certPath}
TLSCertificateKeyFile ${keyPath}
TLSCipherSuite ${options.priority}`
}
database mdb
suffix "dc=test"
directory ${db}
maxsize 10485760
`,
  );
  return startDaemon({
    command: "slapd",
    args: [
      "-d",
      "0",
      "-h",
      `ldap://127.0.0.1:${port}/`,
      "-f",
      config,
      "-u",
      "nobody",
      "-g",
      "nogroup",
    ],
    ports: { ldap: port },
  });
}
