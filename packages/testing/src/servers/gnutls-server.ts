import { getCredential } from "../credentials.js";
import type { CertKeyPair, KeyType } from "../credentials.js";
import { HarnessError } from "../errors.js";
import { startServerProcess } from "../process.js";
import type { Readiness, ServerProcess } from "../process.js";
import type { LoopbackHost } from "../tls-versions.js";
import { pickFreePort } from "./test-server.js";
import type { TestServer } from "./test-server.js";

export interface GnutlsServerOptions {
  /** Default 127.0.0.1. gnutls-serv itself always binds 0.0.0.0 and :: (it has no bind option). */
  readonly host?: LoopbackHost;
  /** `--priority`, e.g. "NORMAL:-VERS-ALL:+VERS-TLS1.2". Default "NORMAL". */
  readonly priority?: string;
  /** `--x509certfile/--x509keyfile` pairs (RSA and ECDSA may be combined). Default: RSA 2048. */
  readonly credentials?: readonly CertKeyPair[];
  /** `--dhparams FILE`; without it GnuTLS uses the RFC 7919 group matching the security level. */
  readonly dhparams?: string;
  /** Send a CertificateRequest (gnutls-serv's default). Default false (`--disable-client-cert`). */
  readonly requestClientCert?: boolean;
  /** "http" (gnutls-serv's default: answers GET with a status page) or "echo". */
  readonly mode?: "http" | "echo";
  /** Appended verbatim, e.g. ["--ocsp-response", "ocsp.der"]. */
  readonly extraArgs?: readonly string[];
  /** Per attempt; default 5000 ms. */
  readonly startTimeoutMs?: number;
  /** Try this port first (for tests of the retry); a free one is picked if it is taken. */
  readonly preferredPort?: number;
}

export interface GnutlsServerConfig {
  readonly host: LoopbackHost;
  readonly priority: string;
  readonly credentials: readonly CertKeyPair[];
  readonly keyTypes: readonly KeyType[];
  readonly dhparams: string | null;
  readonly requestClientCert: boolean;
  readonly mode: "http" | "echo";
  readonly extraArgs: readonly string[];
}

export interface GnutlsServer extends TestServer {
  readonly kind: "gnutls";
  /** The full `gnutls-serv` argument vector of the attempt that listened. */
  readonly args: readonly string[];
  readonly config: GnutlsServerConfig;
  /** The tail of what gnutls-serv printed so far. */
  output(): string;
}

const PORT_ATTEMPTS = 5;

/**
 * gnutls-serv reports each bind on stderr: `HTTP Server listening on IPv4 0.0.0.0 port 41821...done`
 * (after listen()) or `...bind() failed: Address already in use` (and carries on with the other
 * address family, so a failure must be read from the message, not from the exit).
 */
export function gnutlsReadiness(host: LoopbackHost, port: number, stderr: string): Readiness {
  const family = host === "::1" ? "IPv6" : "IPv4";
  const pattern = new RegExp(`listening on ${family} \\S+ port ${port}\\.\\.\\.(.*)$`, "m");
  const match = pattern.exec(stderr);
  if (match === null) return { state: "waiting" };
  const verdict = match[1] ?? "";
  if (verdict.startsWith("done")) return { state: "ready", port };
  if (verdict.trim() === "") return { state: "waiting" };
  return { state: "retry", reason: `gnutls-serv could not listen on port ${port}: ${verdict}` };
}

/**
 * Starts `gnutls-serv` on a free port. gnutls-serv has no "port 0" mode that reports the port
 * (`-p 0` binds two different random ports and prints "port 0"), so a free port is picked by
 * binding and closing it, and another is tried if gnutls-serv then finds it taken.
 */
export async function startGnutlsServer(options: GnutlsServerOptions = {}): Promise<GnutlsServer> {
  const config = await resolveConfig(options);
  let lastError: unknown = null;
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt += 1) {
    const port =
      attempt === 0 && options.preferredPort !== undefined
        ? options.preferredPort
        : await pickFreePort(config.host);
    const args = buildArgs(config, port);
    let child: ServerProcess;
    try {
      child = await startServerProcess({
        command: "gnutls-serv",
        args,
        readiness: (_stdout, stderr) => gnutlsReadiness(config.host, port, stderr),
        startTimeoutMs: options.startTimeoutMs ?? 5_000,
      });
    } catch (error) {
      if (error instanceof HarnessError && error.code === "port-in-use") {
        lastError = error;
        continue;
      }
      throw error;
    }
    return {
      kind: "gnutls",
      host: config.host,
      port: child.port,
      args,
      config,
      output: child.output,
      stop: child.stop,
    };
  }
  throw new HarnessError(
    "port-in-use",
    `gnutls-serv found no free port in ${PORT_ATTEMPTS} tries`,
    {
      cause: lastError,
    },
  );
}

async function resolveConfig(options: GnutlsServerOptions): Promise<GnutlsServerConfig> {
  const credentials = options.credentials ?? [await getCredential("rsa2048")];
  return {
    host: options.host ?? "127.0.0.1",
    priority: options.priority ?? "NORMAL",
    credentials,
    keyTypes: [...new Set(credentials.map((credential) => credential.keyType))],
    dhparams: options.dhparams ?? null,
    requestClientCert: options.requestClientCert ?? false,
    mode: options.mode ?? "http",
    extraArgs: options.extraArgs ?? [],
  };
}

function buildArgs(config: GnutlsServerConfig, port: number): string[] {
  // --quiet drops the per-connection reports but keeps the "listening on" lines.
  const args = ["--quiet", "--port", String(port), "--priority", config.priority];
  for (const credential of config.credentials) {
    args.push("--x509certfile", credential.certPath, "--x509keyfile", credential.keyPath);
  }
  if (config.dhparams !== null) args.push("--dhparams", config.dhparams);
  if (!config.requestClientCert) args.push("--disable-client-cert");
  args.push(config.mode === "echo" ? "--echo" : "--http");
  args.push(...config.extraArgs);
  return args;
}
