import { getCredential } from "../credentials.js";
import type { CertKeyPair, KeyType } from "../credentials.js";
import { HarnessError } from "../errors.js";
import { startServerProcess } from "../process.js";
import type { Readiness } from "../process.js";
import {
  OPENSSL_NO_VERSION_FLAGS,
  OPENSSL_PROTOCOL_NAMES,
  OPENSSL_VERSION_FLAGS,
} from "../tls-versions.js";
import type { LoopbackHost, TlsVersion } from "../tls-versions.js";
import type { TestServer } from "./test-server.js";

export interface OpenSslServerOptions {
  /** Default 127.0.0.1. */
  readonly host?: LoopbackHost;
  /**
   * One or two certificates: the first is `-cert/-key`, the second `-dcert/-dkey` (give one RSA
   * and one ECDSA; openssl picks by the suite). Default: the cached RSA 2048 credential.
   */
  readonly credentials?: readonly CertKeyPair[];
  /** `-cert_chain`: a PEM file of intermediates sent after the first certificate. */
  readonly certChain?: string;
  /** `-cipher`: the TLS <= 1.2 cipher string, e.g. "ALL:@SECLEVEL=0". Default: openssl's. */
  readonly cipher?: string;
  /** `-ciphersuites`: the TLS 1.3 suites, e.g. "TLS_AES_128_GCM_SHA256". Default: openssl's. */
  readonly ciphersuites?: string;
  /** Speak only this version (`-tls1`, `-tls1_1`, `-tls1_2`, `-tls1_3`). */
  readonly protocol?: TlsVersion;
  /** `-min_protocol`. */
  readonly minProtocol?: TlsVersion;
  /** `-max_protocol`. */
  readonly maxProtocol?: TlsVersion;
  /** `-no_tls1` … `-no_tls1_3`. */
  readonly disable?: readonly TlsVersion[];
  /** `-serverpref`: choose by the server's cipher order instead of the client's. */
  readonly serverPreference?: boolean;
  /** `-dhparam FILE` (see `dhParams()`); without it openssl sizes DH automatically. */
  readonly dhparam?: string;
  /** `-groups`, e.g. "X25519:P-256:ffdhe2048". */
  readonly groups?: string;
  /** `-sigalgs`, e.g. "RSA-PSS+SHA256:ECDSA+SHA256". */
  readonly sigalgs?: string;
  /** `-www`: answer an HTTP GET with a status page (else s_server echoes stdin to the peer). */
  readonly www?: boolean;
  /** Appended verbatim, e.g. ["-status_file", "ocsp.der"]. */
  readonly extraArgs?: readonly string[];
  /** Default 5000 ms. */
  readonly startTimeoutMs?: number;
}

/** The options with defaults resolved: what the ground truth reads. */
export interface OpenSslServerConfig {
  readonly host: LoopbackHost;
  readonly credentials: readonly CertKeyPair[];
  readonly keyTypes: readonly KeyType[];
  readonly certChain: string | null;
  /** null: openssl's default list and the build's default security level. */
  readonly cipher: string | null;
  readonly ciphersuites: string | null;
  readonly protocol: TlsVersion | null;
  readonly minProtocol: TlsVersion | null;
  readonly maxProtocol: TlsVersion | null;
  readonly disable: readonly TlsVersion[];
  readonly serverPreference: boolean;
  readonly dhparam: string | null;
  readonly groups: string | null;
  readonly sigalgs: string | null;
  readonly www: boolean;
  readonly extraArgs: readonly string[];
}

export interface OpenSslServer extends TestServer {
  readonly kind: "openssl";
  /** The full `openssl` argument vector. */
  readonly args: readonly string[];
  readonly config: OpenSslServerConfig;
  /** The tail of what s_server printed so far. */
  output(): string;
}

/** Parses s_server's `ACCEPT 127.0.0.1:41821` / `ACCEPT [::1]:41821` line (printed after listen). */
export function parseOpenSslAccept(stdout: string): number | null {
  const match = /^ACCEPT (?:\[[^\]]*\]|[^\s:]+):(\d+)\s*$/m.exec(stdout);
  return match?.[1] === undefined ? null : Number(match[1]);
}

function openSslReadiness(stdout: string): Readiness {
  const port = parseOpenSslAccept(stdout);
  return port === null ? { state: "waiting" } : { state: "ready", port };
}

/**
 * Starts `openssl s_server` on an OS-chosen port (`-accept 127.0.0.1:0`; the port is read from
 * the ACCEPT line, which s_server prints once it listens).
 *
 * Traps: s_server serves one connection at a time (the accept loop is sequential, also with
 * `-www`): a client that holds its connection open stalls every other client, so probes must
 * close after the first flight. End of stdin shuts it down, so stdin stays an open pipe.
 */
export async function startOpenSslServer(
  options: OpenSslServerOptions = {},
): Promise<OpenSslServer> {
  const config = await resolveConfig(options);
  const args = buildArgs(config);
  const child = await startServerProcess({
    command: "openssl",
    args,
    readiness: openSslReadiness,
    startTimeoutMs: options.startTimeoutMs ?? 5_000,
  });
  return {
    kind: "openssl",
    host: config.host,
    port: child.port,
    args,
    config,
    output: child.output,
    stop: child.stop,
  };
}

async function resolveConfig(options: OpenSslServerOptions): Promise<OpenSslServerConfig> {
  const credentials = options.credentials ?? [await getCredential("rsa2048")];
  if (credentials.length < 1 || credentials.length > 2) {
    throw new HarnessError(
      "bad-input",
      `openssl s_server takes one or two certificates, got ${credentials.length}`,
    );
  }
  return {
    host: options.host ?? "127.0.0.1",
    credentials,
    keyTypes: [...new Set(credentials.map((credential) => credential.keyType))],
    certChain: options.certChain ?? null,
    cipher: options.cipher ?? null,
    ciphersuites: options.ciphersuites ?? null,
    protocol: options.protocol ?? null,
    minProtocol: options.minProtocol ?? null,
    maxProtocol: options.maxProtocol ?? null,
    disable: options.disable ?? [],
    serverPreference: options.serverPreference ?? false,
    dhparam: options.dhparam ?? null,
    groups: options.groups ?? null,
    sigalgs: options.sigalgs ?? null,
    www: options.www ?? false,
    extraArgs: options.extraArgs ?? [],
  };
}

function buildArgs(config: OpenSslServerConfig): string[] {
  const accept = config.host === "::1" ? "[::1]:0" : "127.0.0.1:0";
  const args = ["s_server", "-accept", accept];
  const [first, second] = config.credentials;
  if (first !== undefined) args.push("-cert", first.certPath, "-key", first.keyPath);
  if (second !== undefined) args.push("-dcert", second.certPath, "-dkey", second.keyPath);
  if (config.certChain !== null) args.push("-cert_chain", config.certChain);
  if (config.cipher !== null) args.push("-cipher", config.cipher);
  if (config.ciphersuites !== null) args.push("-ciphersuites", config.ciphersuites);
  if (config.protocol !== null) args.push(OPENSSL_VERSION_FLAGS[config.protocol]);
  if (config.minProtocol !== null) {
    args.push("-min_protocol", OPENSSL_PROTOCOL_NAMES[config.minProtocol]);
  }
  if (config.maxProtocol !== null) {
    args.push("-max_protocol", OPENSSL_PROTOCOL_NAMES[config.maxProtocol]);
  }
  for (const version of config.disable) args.push(OPENSSL_NO_VERSION_FLAGS[version]);
  if (config.serverPreference) args.push("-serverpref");
  if (config.dhparam !== null) args.push("-dhparam", config.dhparam);
  if (config.groups !== null) args.push("-groups", config.groups);
  if (config.sigalgs !== null) args.push("-sigalgs", config.sigalgs);
  if (config.www) args.push("-www");
  args.push(...config.extraArgs);
  return args;
}
