import { mkdirSync } from "node:fs";
import { dhParams } from "../../credentials.js";
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

export interface DovecotOptions {
  /** `ssl_cipher_list` (TLS <= 1.2). */
  readonly ciphers: string;
  readonly minProtocol: "TLSv1.2" | "TLSv1.3";
  /** false: ssl = no (no STARTTLS offered). */
  readonly ssl?: boolean;
  /**
   * `ssl_dh` (Debian's configuration sets one). false leaves it out: Dovecot then fails every
   * handshake whose chosen suite is DHE, though its cipher list allows them.
   */
  readonly dhParams?: boolean;
}

export const DOVECOT_SERVICES = ["imap", "pop3", "lmtp", "sieve", "submission"] as const;

export const dovecotInstalled = (): boolean =>
  installed("dovecot") && installed("/usr/lib/dovecot/managesieve-login");

/**
 * One Dovecot (`dovecot -F -c`, its own configuration, base_dir and log on stderr) serving IMAP,
 * POP3, LMTP, ManageSieve and submission on free loopback ports, all with STARTTLS.
 */
export async function startDovecot(options: DovecotOptions): Promise<Daemon> {
  const { dir, certPath, keyPath } = await daemonDir("dovecot");
  for (const sub of ["run", "state", "home"]) mkdirSync(join(dir, sub), { recursive: true });
  const ports: Record<string, number> = {};
  for (const service of DOVECOT_SERVICES) ports[service] = await freePort();
  const config = join(dir, "dovecot.conf");
  writeOwned(
    config,
    `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = /dev/stderr
protocols = imap pop3 lmtp sieve submission
listen = 127.0.0.1
ssl = ${options.ssl === false ? "no" : "yes"}
ssl_cert = <${certPath}
ssl_key = <${keyPath}
ssl_cipher_list = ${options.ciphers}
ssl_min_protocol = ${options.minProtocol}
ssl_prefer_server_ciphers = no
${options.dhParams === false ? "" : `ssl_dh = <${dhParams(2048).path}`}
auth_mechanisms = plain
passdb {
  driver = static
  args = password=unused
}
userdb {
  driver = static
  args = uid=${NOBODY.uid} gid=${NOBODY.gid} home=${dir}/home
}
mail_location = maildir:~/Maildir
submission_relay_host = 127.0.0.1
submission_relay_port = 9
hostname = localhost
service imap-login {
  inet_listener imap {
    port = ${ports["imap"]}
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = ${ports["pop3"]}
  }
  inet_listener pop3s {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    port = ${ports["lmtp"]}
  }
  unix_listener lmtp {
    mode = 0600
  }
}
service managesieve-login {
  inet_listener sieve {
    port = ${ports["sieve"]}
  }
}
service submission-login {
  inet_listener submission {
    port = ${ports["submission"]}
  }
}
protocol lmtp {
  ssl = ${options.ssl === false ? "no" : "yes"}
}
`,
  );
  return startDaemon({ command: "dovecot", args: ["-F", "-c", config], ports });
}
