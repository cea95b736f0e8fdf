import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { daemonDir, freePort, installed, startDaemon, type Daemon } from "./daemon.js";

export interface VsftpdOptions {
  /** `ssl_ciphers` (TLS <= 1.2). */
  readonly ciphers: string;
  /** false: ssl_enable=NO, so AUTH TLS is refused. */
  readonly tls?: boolean;
}

export const vsftpdInstalled = (): boolean => installed("vsftpd");

/**
 * vsftpd in the foreground (`background=NO`, a configuration of its own), FTP with AUTH TLS and
 * the RSA certificate; Debian's 3.0.3 has no per-version switches beyond ssl_tlsv1 and no DH
 * parameters (so no DHE suites).
 */
export async function startVsftpd(options: VsftpdOptions): Promise<Daemon> {
  const { dir, certPath, keyPath } = await daemonDir("vsftpd");
  const empty = join(dir, "empty");
  mkdirSync(empty, { recursive: true });
  const port = await freePort();
  const config = join(dir, "vsftpd.conf");
  // vsftpd refuses a configuration that root does not own.
  writeFileSync(
    config,
    `listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=${port}
background=NO
anonymous_enable=NO
local_enable=YES
seccomp_sandbox=NO
pasv_enable=NO
secure_chroot_dir=${empty}
ssl_enable=${options.tls === false ? "NO" : "YES"}
rsa_cert_file=${certPath}
rsa_private_key_file=${keyPath}
ssl_ciphers=${options.ciphers}
ssl_sslv2=NO
ssl_sslv3=NO
ssl_tlsv1=YES
`,
  );
  return startDaemon({ command: "vsftpd", args: [config], ports: { ftp: port } });
}
