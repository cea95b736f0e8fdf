/**
 * Client simulation against real servers, checked against truth that does not come from the
 * simulation: each profile is also handed to `openssl s_client` configured like that client (its
 * versions, its suites in its order, its groups), and the group the server must pick follows
 * from the server's configuration and OpenSSL's documented choice (the first of the client's key
 * shares the server supports, else the first of the client's groups it supports: -serverpref is
 * off). A version range that does not meet the server's needs no second client: it must fail
 * with no-shared-protocol.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { isGrease } from "../probe/profile-hello.js";
import {
  CLIENT_PROFILES,
  CURRENT_CLIENT_PROFILES,
  cipherSuiteByCode,
  cipherSuiteByName,
  clientProfileByName,
  groupByCode,
  groupByName,
} from "../registry/index.js";
import type { ClientProfile } from "../registry/index.js";
import type { scanReportSchema } from "../scan-report/schema.js";
import type { ClientSimulation, ScanReport } from "../scan-report/types.js";
import { validateScanReport } from "../scan-report/validate.js";
import {
  hostPort,
  opensslCatalog,
  parseOpenSslHandshake,
  runCommand,
  startOpenSslServer,
} from "@tlsgate/testing";
import type { Handshake, OpenSslServer, OpenSslServerOptions } from "@tlsgate/testing";
import { scanTarget } from "./scan-target.js";

const LOCAL_VERSIONS = ["TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"] as const;
type LocalVersion = (typeof LOCAL_VERSIONS)[number];
const SSL_CONF_VERSION: Record<LocalVersion, string> = {
  "TLSv1.0": "TLSv1",
  "TLSv1.1": "TLSv1.1",
  "TLSv1.2": "TLSv1.2",
  "TLSv1.3": "TLSv1.3",
};

interface ServerCase {
  name: string;
  options: OpenSslServerOptions;
  /** The versions the configuration enables. */
  versions: readonly LocalVersion[];
  /** The groups it enables (its -groups), by registry name. */
  groups: readonly string[];
  clients: "default" | "all";
}

const CASES: readonly ServerCase[] = [
  {
    name: "a TLS 1.3-only server",
    // No X25519: clients whose only share is X25519 go through a HelloRetryRequest.
    options: { protocol: "TLSv1.3", groups: "P-256:P-384" },
    versions: ["TLSv1.3"],
    groups: ["secp256r1", "secp384r1"],
    clients: "default",
  },
  {
    name: "a TLS 1.2 ECDHE-only server",
    options: { protocol: "TLSv1.2", cipher: "ECDHE+AESGCM", groups: "X25519:P-256" },
    versions: ["TLSv1.2"],
    groups: ["x25519", "secp256r1"],
    clients: "default",
  },
  {
    name: "a legacy server (ALL:@SECLEVEL=0, TLS 1.0–1.2)",
    options: {
      cipher: "ALL:@SECLEVEL=0",
      minProtocol: "TLSv1.0",
      maxProtocol: "TLSv1.2",
      groups: "X25519:P-256:P-384:P-521",
    },
    versions: ["TLSv1.0", "TLSv1.1", "TLSv1.2"],
    groups: ["x25519", "secp256r1", "secp384r1", "secp521r1"],
    clients: "all",
  },
];

const profileOf = (name: string): ClientProfile => {
  const profile = clientProfileByName(name);
  if (profile === undefined) throw new Error(`no profile ${name}`);
  return profile;
};

const hex4 = (code: number): string => `0x${code.toString(16).toUpperCase().padStart(4, "0")}`;

/** Which names this openssl takes in -groups (it refuses names it does not know). */
const accepted = new Map<string, Promise<boolean>>();
function opensslTakesGroup(name: string): Promise<boolean> {
  let known = accepted.get(name);
  if (known === undefined) {
    known = runCommand("openssl", ["s_client", "-groups", name, "-connect", "127.0.0.1:1"], {
      timeoutMs: 5000,
    }).then((r) => !/SSL_CONF_cmd/.test(r.stdout + r.stderr));
    accepted.set(name, known);
  }
  return known;
}

/**
 * `openssl s_client` configured like the client: its version range, its suites in its order (the
 * ones this openssl knows, which are all the server can pick), its groups in its order. Null when
 * the client shares no version with what openssl speaks.
 */
async function opensslLike(
  server: OpenSslServer,
  profile: ClientProfile,
): Promise<Handshake | null> {
  const versions = LOCAL_VERSIONS.filter((v) => profile.protocols.includes(v));
  const min = versions[0];
  const max = versions[versions.length - 1];
  if (min === undefined || max === undefined) return null;
  const catalog = await opensslCatalog();
  const known = profile.cipherSuites.flatMap((c) => catalog.byCode.get(hex4(c)) ?? []);
  const tls13 = known.filter((k) => k.minVersion === "TLSv1.3").map((k) => k.name);
  const legacy = known.filter((k) => k.minVersion !== "TLSv1.3").map((k) => k.name);
  const groups: string[] = [];
  for (const code of profile.groups ?? []) {
    const name = groupByCode(code)?.name;
    if (name !== undefined && !isGrease(code) && (await opensslTakesGroup(name))) groups.push(name);
  }
  const args = [
    "s_client",
    "-connect",
    hostPort(server.host, server.port),
    "-brief",
    "-servername",
    "localhost",
    "-min_protocol",
    SSL_CONF_VERSION[min],
    "-max_protocol",
    SSL_CONF_VERSION[max],
    "-cipher",
    `${legacy.length === 0 ? "NULL-SHA" : legacy.join(":")}:@SECLEVEL=0`,
    "-ciphersuites",
    tls13.join(":"),
  ];
  if (groups.length > 0) args.push("-groups", groups.join(":"));
  const result = await runCommand("openssl", args, { timeoutMs: 10_000 });
  return parseOpenSslHandshake(result.stdout + result.stderr, catalog);
}

/** The group OpenSSL must pick (see the file comment); null when no group is negotiated. */
function expectedGroup(
  profile: ClientProfile,
  simulation: ClientSimulation,
  serverGroups: readonly string[],
): string | null | undefined {
  const supported = serverGroups.map((name) => groupByName(name)?.code);
  const offered = (profile.groups ?? []).filter((g) => !isGrease(g));
  const pick = (codes: readonly number[]): string | null =>
    groupByCode(codes.find((g) => supported.includes(g) && offered.includes(g)) ?? -1)?.name ??
    null;
  if (simulation.protocol === "TLSv1.3") {
    const shares = (profile.keyShares ?? []).map(([g]) => g);
    return pick(shares) ?? pick(offered);
  }
  const kex = cipherSuiteByName(simulation.cipher ?? "")?.kex;
  if (kex !== "ECDHE") return null;
  // A client without supported_groups leaves the curve to the server: not checked.
  return profile.groups === null ? undefined : pick(offered);
}

describe.each(CASES)("simulateClients against $name", (serverCase) => {
  let server: OpenSslServer;
  let report: ScanReport;

  beforeAll(async () => {
    server = await startOpenSslServer(serverCase.options);
    report = await scanTarget(`localhost@127.0.0.1:${server.port}`, {
      clients: serverCase.clients,
    });
  }, 120_000);
  afterAll(() => server.stop());

  it("fills clients[] in a report that matches the schema", () => {
    expect(validateScanReport(report).valid).toBe(true);
    const expected = serverCase.clients === "all" ? CLIENT_PROFILES : CURRENT_CLIENT_PROFILES;
    expect(report.clients?.map((c) => c.name)).toEqual(expected.map((p) => p.name));
    for (const client of report.clients ?? []) {
      const profile = profileOf(client.name);
      expect(client).toMatchObject({
        family: profile.family,
        version: profile.version,
        year: profile.year,
        current: profile.current,
      });
      // Local servers never fail to answer: every result is conclusive.
      expect(client.ok, `${client.name}: ${client.reason}`).not.toBeNull();
      expect(client.reason === null).toBe(client.ok === true);
      expect(client.reasonCode === null).toBe(client.ok === true);
    }
  });

  it("negotiates what the server negotiates with a client configured the same way", async () => {
    let compared = 0;
    for (const simulation of report.clients ?? []) {
      const profile = profileOf(simulation.name);
      const shared = serverCase.versions.filter((v) => profile.protocols.includes(v));
      const label = `${simulation.name}: ${simulation.reason ?? ""}`;
      if (shared.length === 0) {
        // Ground truth from the configuration: no version in common.
        expect(simulation.ok, label).toBe(false);
        expect(simulation.reasonCode, label).toBe("no-shared-protocol");
        continue;
      }
      const truth = await opensslLike(server, profile);
      if (truth === null) throw new Error(`openssl cannot play ${simulation.name}`);
      if (simulation.reasonCode === "client-rejects") {
        // The server chose; the client (not openssl) refuses what it chose.
        expect(truth.ok, label).toBe(true);
      } else {
        expect(simulation.ok, `${label} / openssl: ${truth.output.slice(0, 300)}`).toBe(truth.ok);
      }
      if (truth.ok) {
        expect(simulation.protocol, label).toBe(truth.protocol);
        const code = cipherSuiteByName(simulation.cipher ?? "")?.code;
        expect(code === undefined ? null : hex4(code), label).toBe(truth.code);
        const group = expectedGroup(profile, simulation, serverCase.groups);
        if (group !== undefined) expect(simulation.group, label).toBe(group);
      }
      compared += 1;
    }
    expect(compared).toBeGreaterThan(10);
  }, 120_000);
});

describe("simulateClients on the real servers", () => {
  it("gives the right reason for each failing current client", async () => {
    const server = await startOpenSslServer({ protocol: "TLSv1.2", cipher: "ECDHE+AESGCM" });
    try {
      const report = await scanTarget(`localhost@127.0.0.1:${server.port}`, {
        clients: ["default"],
      });
      const failing = (report.clients ?? []).filter((c) => c.ok !== true);
      // TLS 1.0-only clients, and IE 11 before Windows 10 (no ECDHE-RSA with AES-GCM).
      expect(failing.map((c) => [c.name, c.reasonCode])).toEqual([
        ["IE 8 Win 7", "no-shared-protocol"],
        ["IE 11 Win 7", "no-shared-cipher"],
        ["IE 11 Win 8.1", "no-shared-cipher"],
        ["IE 11 Win Phone 8.1", "no-shared-cipher"],
        ["Java 7u25", "no-shared-protocol"],
      ]);
      expect(failing[0]?.reason).toBe(
        "no shared protocol: the client (SSLv3–TLSv1.0) is older than the server (TLSv1.2) (the server sent alert protocol_version (70))",
      );
      expect(failing[1]?.reason).toMatch(
        /^no shared cipher suite in TLSv1\.2: the server accepts 2 \(TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\), the client offers \d+ others \(the server sent alert handshake_failure \(40\)\)$/,
      );
    } finally {
      await server.stop();
    }
  }, 120_000);

  it("leaves clients null when not asked, and refuses unknown names before connecting", async () => {
    const server = await startOpenSslServer({ protocol: "TLSv1.3" });
    try {
      const report = await scanTarget(`localhost@127.0.0.1:${server.port}`);
      expect(report.clients).toBeNull();
      await expect(
        scanTarget(`localhost@127.0.0.1:${server.port}`, { clients: ["Netscape 4"] }),
      ).rejects.toMatchObject({ name: "ClientProfileError", code: "unknown-client" });
    } finally {
      await server.stop();
    }
  }, 120_000);

  it("keeps the ClientSimulation type and its schema in step", () => {
    type Defs = (typeof scanReportSchema)["$defs"];
    expectTypeOf<ClientSimulation["reasonCode"]>().toEqualTypeOf<
      Defs["client"]["properties"]["reasonCode"]["enum"][number]
    >();
    expect(cipherSuiteByCode(0x1301)?.iana).toBe("TLS_AES_128_GCM_SHA256");
  });
});
