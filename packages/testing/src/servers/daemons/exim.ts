import { chownSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { daemonDir, freePort, installed, startDaemon, type Daemon } from "./daemon.js";

export interface EximOptions {
  /** `tls_require_ciphers`: a GnuTLS priority string (Debian's exim4 is built with GnuTLS). */
  readonly priority: string;
  /** false: no STARTTLS advertised (`tls_advertise_hosts =`). */
  readonly tls?: boolean;
  /**
   * `smtp_accept_max`: connections served at once (Exim's default 20); one more is answered
   * "421 Too many concurrent SMTP connections; please try again later." and closed.
   */
  readonly acceptMax?: number;
}

export const eximInstalled = (): boolean => installed("exim4");

/**
 * Exim in the foreground (`exim4 -bdf -C`, its own configuration and spool), SMTP and submission
 * on two free loopback ports, STARTTLS advertised to every host; every recipient is refused.
 */
export async function startExim(options: EximOptions): Promise<Daemon> {
  const { dir, certPath, keyPath } = await daemonDir("exim");
  const spool = join(dir, "spool");
  mkdirSync(spool, { recursive: true });
  // Exim's user (Debian-exim) owns its spool and reads the certificate after dropping root.
  const eximUid = Number(/^Debian-exim:x:(\d+):(\d+):/m.exec(readPasswd())?.[1] ?? "0");
  const eximGid = Number(/^Debian-exim:x:(\d+):(\d+):/m.exec(readPasswd())?.[2] ?? "0");
  for (const path of [spool, certPath, keyPath]) chownSync(path, eximUid, eximGid);
  const ports = { smtp: await freePort(), submission: await freePort() };
  const config = join(dir, "exim.conf");
  // Exim refuses a configuration that root does not own.
  writeFileSync(
    config,
    `primary_hostname = localhost
daemon_smtp_ports = ${ports.smtp} : ${ports.submission}
local_interfaces = 127.0.0.1
spool_directory = ${spool}
log_file_path = ${spool}/%slog
pid_file_path = ${spool}/exim.pid
tls_advertise_hosts = ${options.tls === false ? "" : "*"}
smtp_accept_max = ${options.acceptMax ?? 20}
tls_certificate = ${certPath}
tls_privatekey = ${keyPath}
tls_require_ciphers = ${options.priority}
acl_smtp_rcpt = acl_check_rcpt
begin acl
acl_check_rcpt:
  deny
`,
  );
  return startDaemon({ command: "exim4", args: ["-C", config, "-bdf"], ports });
}

function readPasswd(): string {
  return readFileSync("/etc/passwd", "utf8");
}
