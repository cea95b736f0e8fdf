/**
 * nginx on loopback, started with a temporary prefix and configuration of its own (no daemon,
 * no master process, logs on stderr): a real web server stack, e.g. with two `ssl_certificate`s
 * (RSA and ECDSA) that it picks between by the client's signature algorithms.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";

import { harnessTempDir, type CertKeyPair } from "../credentials.js";
import { HarnessError } from "../errors.js";
import { startServerProcess, type Readiness, type ServerProcess } from "../process.js";
import type { LoopbackHost } from "../tls-versions.js";
import { pickFreePort, type TestServer } from "./test-server.js";

export interface NginxServerOptions {
  /** Default 127.0.0.1. */
  readonly host?: LoopbackHost;
  /** One `ssl_certificate`/`ssl_certificate_key` pair each, in order. */
  readonly credentials: readonly CertKeyPair[];
  /** `ssl_protocols`; default "TLSv1.2 TLSv1.3". */
  readonly protocols?: string;
  /** Extra directives in the server block, e.g. "ssl_stapling on;". */
  readonly directives?: readonly string[];
  /** Default 10 000 ms. */
  readonly startTimeoutMs?: number;
}

export interface NginxServer extends TestServer {
  readonly kind: "nginx";
  /** The configuration nginx runs with. */
  readonly config: string;
  readonly output: ServerProcess["output"];
}

const PORT_ATTEMPTS = 5;

/** nginx logs its OS status once the configuration is loaded and the sockets are bound. */
export function nginxReadiness(port: number, stderr: string): Readiness {
  if (/bind\(\) to .* failed \(98/.test(stderr)) return { state: "retry", reason: "port in use" };
  // A configuration error ([emerg]) makes nginx exit: the harness reports the exit and its output.
  if (stderr.includes("getrlimit(")) return { state: "ready", port };
  return { state: "waiting" };
}

function nginxConfig(
  prefix: string,
  host: LoopbackHost,
  port: number,
  options: NginxServerOptions,
): string {
  const listen = host === "::1" ? `[::1]:${port}` : `${host}:${port}`;
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(
    (name) => `  ${name}_temp_path ${join(prefix, name)};`,
  );
  return [
    "daemon off;",
    "master_process off;",
    `pid ${join(prefix, "nginx.pid")};`,
    "error_log stderr notice;",
    "events { worker_connections 64; }",
    "http {",
    "  access_log off;",
    ...temp,
    "  server {",
    `    listen ${listen} ssl;`,
    ...options.credentials.flatMap((credential) => [
      `    ssl_certificate ${credential.certPath};`,
      `    ssl_certificate_key ${credential.keyPath};`,
    ]),
    `    ssl_protocols ${options.protocols ?? "TLSv1.2 TLSv1.3"};`,
    ...(options.directives ?? []).map((directive) => `    ${directive}`),
    '    location / { return 200 "ok\\n"; }',
    "  }",
    "}",
    "",
  ].join("\n");
}

export async function startNginxServer(options: NginxServerOptions): Promise<NginxServer> {
  const host = options.host ?? "127.0.0.1";
  let lastError: unknown = null;
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt += 1) {
    const port = await pickFreePort(host);
    const prefix = join(harnessTempDir(), `nginx-${randomUUID()}`);
    mkdirSync(prefix, { recursive: true });
    const config = nginxConfig(prefix, host, port, options);
    const configPath = join(prefix, "nginx.conf");
    writeFileSync(configPath, config);
    let child: ServerProcess;
    try {
      child = await startServerProcess({
        command: "nginx",
        args: ["-p", prefix, "-c", configPath, "-e", "stderr"],
        readiness: (_stdout, stderr) => nginxReadiness(port, stderr),
        startTimeoutMs: options.startTimeoutMs ?? 10_000,
      });
    } catch (error) {
      if (error instanceof HarnessError && error.code === "port-in-use") {
        lastError = error;
        continue;
      }
      throw error;
    }
    return { kind: "nginx", host, port, config, output: child.output, stop: child.stop };
  }
  throw new HarnessError("port-in-use", `nginx found no free port in ${PORT_ATTEMPTS} tries`, {
    cause: lastError,
  });
}
