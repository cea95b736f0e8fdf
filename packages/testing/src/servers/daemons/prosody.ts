import { chownSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { daemonDir, freePort, installed, startDaemon, type Daemon } from "./daemon.js";

export interface ProsodyOptions {
  /** `ssl.ciphers` (TLS <= 1.2). */
  readonly ciphers: string;
  /** The VirtualHost, the XMPP domain a client names. */
  readonly domain: string;
}

export const prosodyInstalled = (): boolean => installed("prosody");

function prosodyUser(): { uid: number; gid: number } {
  const match = /^prosody:x:(\d+):(\d+):/m.exec(readFileSync("/etc/passwd", "utf8"));
  return { uid: Number(match?.[1] ?? 0), gid: Number(match?.[2] ?? 0) };
}

/**
 * Prosody in the foreground (`-F`, a configuration of its own, mod_posix off: it refuses root
 * at random otherwise), XMPP client and server ports with STARTTLS and the RSA certificate.
 */
export async function startProsody(options: ProsodyOptions): Promise<Daemon> {
  const { dir, certPath, keyPath } = await daemonDir("prosody");
  const data = join(dir, "data");
  mkdirSync(data, { recursive: true });
  const user = prosodyUser();
  for (const path of [data, certPath, keyPath]) chownSync(path, user.uid, user.gid);
  const ports = { xmpp: await freePort(), "xmpp-server": await freePort() };
  const config = join(dir, "prosody.cfg.lua");
  writeFileSync(
    config,
    `pidfile = "${dir}/prosody.pid"
data_path = "${data}"
daemonize = false
interfaces = { "127.0.0.1" }
c2s_ports = { ${ports.xmpp} }
s2s_ports = { ${ports["xmpp-server"]} }
c2s_direct_tls_ports = {}
s2s_direct_tls_ports = {}
http_ports = {}
https_ports = {}
log = { { levels = { min = "error" }, to = "console" } }
modules_enabled = { "tls", "saslauth", "disco", "ping", "dialback" }
modules_disabled = { "posix" }
ssl = { certificate = "${certPath}", key = "${keyPath}", ciphers = "${options.ciphers}", protocol = "tlsv1_2+" }
VirtualHost "${options.domain}"
`,
  );
  return startDaemon({ command: "prosody", args: ["--config", config, "-F"], ports });
}
