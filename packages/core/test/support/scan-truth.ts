/**
 * Helpers for the scanner's tests against real and scripted servers: the target of a loopback
 * server, the report read back per protocol, group truth confirmed by `openssl s_client`, and the
 * schema check every report must pass. Test-only (outside src/, never built).
 */
import { expect } from "vitest";
import { cipherSuiteByCode, groupByCode, groupByName } from "../../src/registry/index.js";
import type { Protocol } from "../../src/registry/index.js";
import type { ScanReport } from "../../src/scan-report/types.js";
import { validateScanReport } from "../../src/scan-report/validate.js";
import { confirmWithGnutlsClient, confirmWithOpenSslClient } from "@tlsgate/testing";
import type { ServerTruth, TestServer, TlsVersion } from "@tlsgate/testing";
import type { TargetSpec } from "../../src/scan/scan.js";

/** The scan target of a loopback test server (an IP target: no SNI). */
export function targetOf(server: Pick<TestServer, "host" | "port">): TargetSpec {
  const input = server.host.includes(":")
    ? `[${server.host}]:${server.port}`
    : `${server.host}:${server.port}`;
  return { input, host: server.host, port: server.port, sni: null, connectAddress: server.host };
}

/** Every report a test produces must be a valid ScanReport. */
export function expectValidReport(report: ScanReport): void {
  const validation = validateScanReport(JSON.parse(JSON.stringify(report)) as unknown);
  expect(validation.issues).toEqual([]);
}

/** The suite codes ("0xC02F") the report lists for one protocol, in the report's order. */
export function suitesOf(report: ScanReport, protocol: Protocol): string[] {
  return (report.cipherSuites ?? []).filter((s) => s.protocol === protocol).map((s) => s.code);
}

export const sorted = (codes: readonly string[]): string[] => [...codes].sort();

/** The group codes ("0x001D") the report lists for one protocol, sorted. */
export function groupsOf(report: ScanReport, protocol: Protocol): string[] {
  return sorted((report.groups ?? []).filter((g) => g.protocol === protocol).map((g) => g.code));
}

/** "X25519", "P-256", "ffdhe2048" → "0x001D", … (throws on a name the registry lacks). */
export function groupCodes(names: readonly string[]): string[] {
  return sorted(
    names.map((name) => {
      const group = groupByName(name);
      if (group === undefined) throw new Error(`registry has no group ${name}`);
      return group.hex;
    }),
  );
}

export function ianaNames(codes: readonly string[]): string[] {
  return codes.map((code) => cipherSuiteByCode(Number(code))?.iana ?? code);
}

/**
 * Protocols, suites (both directions) and preference (with the order when enforced) against
 * the truth of a server's configuration. SSLv2/SSLv3 are never served by local stacks.
 */
export function expectMatchesTruth(report: ScanReport, truth: ServerTruth): void {
  const protocols = Object.fromEntries(
    (Object.keys(truth.protocols) as TlsVersion[]).map((v) => [v, truth.protocols[v]]),
  );
  expect(report.protocols).toEqual({ SSLv2: false, SSLv3: false, ...protocols });
  for (const version of Object.keys(truth.cipherSuites) as TlsVersion[]) {
    expect({ version, suites: sorted(suitesOf(report, version)) }).toEqual({
      version,
      suites: sorted(truth.cipherSuites[version]),
    });
  }
  const supported = (Object.keys(truth.protocols) as TlsVersion[]).filter(
    (v) => truth.protocols[v],
  );
  const expected = supported.map((protocol) =>
    truth.serverPreference
      ? { protocol, enforced: true, order: ianaNames(truth.cipherSuites[protocol]) }
      : { protocol, enforced: false, order: null },
  );
  expect(report.serverPreference).toEqual(expected);
  if (truth.serverPreference) {
    // cipherSuites lists each protocol's suites in the server's order as well.
    for (const protocol of supported) {
      expect(suitesOf(report, protocol)).toEqual(truth.cipherSuites[protocol]);
    }
  }
}

/** What `openssl s_client` says the server's ephemeral key was, as a registry group code. */
function tempKeyGroup(keyExchange: string | null): string | null {
  if (keyExchange === null) return null;
  const named = /^(X25519|X448)\b/.exec(keyExchange)?.[1];
  if (named !== undefined) return groupByName(named)?.hex ?? null;
  const curve = /^ECDH, ([\w-]+),/.exec(keyExchange)?.[1];
  if (curve !== undefined) return groupByName(curve)?.hex ?? null;
  // TLS 1.3 finite-field groups: "DH, 2048 bits" can only be ffdheN there.
  const dh = /^DH, (\d+) bits/.exec(keyExchange)?.[1];
  return dh === undefined ? null : (groupByName(`ffdhe${dh}`)?.hex ?? null);
}

/** Groups `openssl s_client` can offer one at a time. */
export const OPENSSL_CLIENT_GROUPS = {
  "TLSv1.3": [
    "X25519",
    "P-256",
    "P-384",
    "P-521",
    "X448",
    "ffdhe2048",
    "ffdhe3072",
    "ffdhe4096",
    "ffdhe6144",
    "ffdhe8192",
  ],
  "TLSv1.2": ["X25519", "P-256", "P-384", "P-521", "X448"],
} as const;

/**
 * The groups a second client negotiates with the server, one handshake per group: at TLS 1.3
 * with that group alone; at TLS 1.2 with ECDHE suites only, and — for a server whose only ECDHE
 * suites are ECDSA — its certificate's curve offered after the group (RFC 8422 5.1), counting a
 * group only when the server's temporary key is that group.
 */
export async function confirmGroups(
  server: Pick<TestServer, "host" | "port">,
  protocol: "TLSv1.2" | "TLSv1.3",
  options: { certificateCurve?: string; cipher?: string } = {},
): Promise<string[]> {
  const results = await Promise.all(
    OPENSSL_CLIENT_GROUPS[protocol].map(async (group) => {
      const groups =
        options.certificateCurve === undefined || options.certificateCurve === group
          ? group
          : `${group}:${options.certificateCurve}`;
      const handshake = await confirmWithOpenSslClient(server, {
        protocol,
        groups,
        ...(protocol === "TLSv1.2" ? { cipher: options.cipher ?? "ECDHE:@SECLEVEL=0" } : {}),
      });
      const chosen = handshake.ok ? tempKeyGroup(handshake.keyExchange) : null;
      return chosen === groupByName(group)?.hex ? chosen : null;
    }),
  );
  return sorted(results.filter((code): code is string => code !== null));
}

/**
 * The RFC 7919 groups a TLS 1.2 client negotiates with DHE suites, one `gnutls-cli` handshake per
 * group offered alone: GnuTLS names the group ("DHE-FFDHE3072") only when the server's prime is
 * the offered one, and reports "DHE-CUSTOMnnnn" for any other prime.
 */
export async function confirmFfdheGroups(
  server: Pick<TestServer, "host" | "port">,
): Promise<string[]> {
  const groups = ["FFDHE2048", "FFDHE3072", "FFDHE4096", "FFDHE6144", "FFDHE8192"];
  const results = await Promise.all(
    groups.map(async (group) => {
      const handshake = await confirmWithGnutlsClient(server, {
        protocol: "TLSv1.2",
        priority: `NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+DHE-RSA:+DHE-DSS:-GROUP-ALL:+GROUP-${group}`,
      });
      return handshake.keyExchange === `DHE-${group}` ? (groupByName(group)?.hex ?? null) : null;
    }),
  );
  return sorted(results.filter((code): code is string => code !== null));
}

/** A group code's registry name, for readable failures. */
export function groupName(code: string): string {
  return groupByCode(Number(code))?.name ?? code;
}
