/**
 * Ground truth for a daemon's TLS service behind its STARTTLS preamble: the suites its configured
 * cipher string allows (openssl ciphers, RSA certificate), each confirmed by an `openssl s_client
 * -starttls` handshake, and the versions confirmed the same way.
 */
import { expect } from "vitest";
import {
  confirmWithOpenSslClient,
  opensslCipherCodes,
  type OpenSslClientOptions,
  type ServerTruth,
  type TlsVersion,
} from "@tlsgate/testing";
import type { ScanReport } from "../../src/scan-report/types.js";
import { expectMatchesTruth, expectValidReport } from "../support/scan-truth.js";

/** OpenSSL's default TLS 1.3 suites, in its order (the daemons leave them as they are). */
export const DEFAULT_TLS13 = ["0x1302", "0x1303", "0x1301"];

export interface DaemonTlsConfig {
  readonly port: number;
  /** The s_client -starttls name ("smtp", "postgres", …); null for implicit TLS. */
  readonly starttls: string | null;
  readonly cipherString: string;
  readonly minProtocol: "TLSv1.2" | "TLSv1.3";
  readonly serverPreference: boolean;
  /** s_client's -name (XMPP's to domain, the EHLO name). */
  readonly name?: string;
  /** s_client's -alpn (PostgreSQL direct TLS requires "postgresql"). */
  readonly alpn?: string;
  /**
   * false: confirm the versions only (another service of the same daemon and TLS configuration
   * had every suite confirmed). Default true.
   */
  readonly confirmSuites?: boolean;
  /** The suites per version when not openssl's reading of `cipherString` (a GnuTLS daemon). */
  readonly suites?: {
    readonly "TLSv1.2": readonly string[];
    readonly "TLSv1.3": readonly string[];
  };
}

const VERSIONS: readonly TlsVersion[] = ["TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

export async function daemonTruth(config: DaemonTlsConfig): Promise<ServerTruth> {
  const minIndex = VERSIONS.indexOf(config.minProtocol);
  const protocols = Object.fromEntries(VERSIONS.map((v, i) => [v, i >= minIndex])) as Record<
    TlsVersion,
    boolean
  >;
  const tls12 =
    config.suites !== undefined
      ? config.suites["TLSv1.2"]
      : protocols["TLSv1.2"] === true
        ? await opensslCipherCodes(config.cipherString, "TLSv1.2", { keyTypes: ["rsa"] })
        : [];
  const cipherSuites = {
    "TLSv1.0": [],
    "TLSv1.1": [],
    "TLSv1.2": tls12,
    "TLSv1.3": config.suites?.["TLSv1.3"] ?? DEFAULT_TLS13,
  };
  const extraArgs = [
    ...(config.starttls === null ? [] : ["-starttls", config.starttls]),
    ...(config.name === undefined ? [] : ["-name", config.name]),
    ...(config.alpn === undefined ? [] : ["-alpn", config.alpn]),
  ];
  const endpoint = { host: "127.0.0.1", port: config.port };
  // A daemon at its connection limit (Exim's "421 Too many concurrent SMTP connections" while the
  // children of an earlier scan exit) fails s_client, which does not retry: a handshake expected
  // to succeed is tried up to three times, a second apart.
  const handshake = async (options: OpenSslClientOptions, expectOk: boolean) => {
    let result = await confirmWithOpenSslClient(endpoint, options);
    for (let attempt = 1; attempt < 3 && expectOk && !result.ok; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      result = await confirmWithOpenSslClient(endpoint, options);
    }
    return result;
  };
  // Every version and every suite the configuration allows, confirmed by s_client (a few at a
  // time: each handshake is one connection through the preamble).
  const checks: (() => Promise<void>)[] = [
    ...VERSIONS.map((protocol) => async () => {
      const result = await handshake(
        { protocol, extraArgs, timeoutMs: 30_000 },
        protocols[protocol],
      );
      expect({ protocol, ok: result.ok }).toEqual({ protocol, ok: protocols[protocol] });
    }),
    ...(config.confirmSuites === false ? [] : (["TLSv1.2", "TLSv1.3"] as const)).flatMap(
      (protocol) =>
        cipherSuites[protocol].map((code) => async () => {
          const result = await handshake(
            { protocol, suites: [code], extraArgs, timeoutMs: 30_000 },
            true,
          );
          expect({ protocol, code, ok: result.ok }).toEqual({ protocol, code, ok: true });
        }),
    ),
  ];
  const queue = [...checks];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let check = queue.shift(); check !== undefined; check = queue.shift()) await check();
    }),
  );
  return { protocols, cipherSuites, serverPreference: config.serverPreference };
}

/** `allowedErrors`: probes a daemon is known to leave unknown (with the reason in the test). */
export function expectScanEqualsTruth(
  report: ScanReport,
  truth: ServerTruth,
  allowedErrors: readonly string[] = [],
): void {
  expect(report.errors.filter((error) => !allowedErrors.includes(error.probe))).toEqual([]);
  expectValidReport(report);
  expectMatchesTruth(report, truth);
}
