/**
 * The scanner against real TLS servers on loopback: node:tls, `openssl s_server` and `gnutls-serv`.
 * For every configuration the scan's protocols, suites (per protocol, both directions),
 * preference (with the order where enforced), groups and DH size equal the truth derived from the
 * server's own configuration — the groups and DH sizes also confirmed by `openssl s_client`.
 */
import { X509Certificate } from "node:crypto";
import { DEFAULT_CIPHERS, connect as tlsConnect, type ConnectionOptions } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cipherSuiteByCode, groupByName } from "../registry/index.js";
import type { ScanReport } from "../scan-report/types.js";
import {
  confirmWithOpenSslClient,
  dhParams,
  getCredential,
  gnutlsServerTruth,
  opensslCipherCodes,
  opensslServerTruth,
  startGnutlsServer,
  startNodeTlsServer,
  startOpenSslServer,
} from "@tlsgate/testing";
import type {
  KeyType,
  NodeTlsServerOptions,
  ServerTruth,
  TestServer,
  TlsVersion,
} from "@tlsgate/testing";
import { scanDetailed } from "./scan.js";
import {
  confirmFfdheGroups,
  confirmGroups,
  expectMatchesTruth,
  expectValidReport,
  groupCodes,
  OPENSSL_CLIENT_GROUPS,
  groupsOf,
  targetOf,
} from "../../test/support/scan-truth.js";

/** OpenSSL 3.0's default groups (ssl/t1_lib.c): the EC ones also serve TLS 1.2. */
const OPENSSL_DEFAULT_CURVES = ["X25519", "P-256", "X448", "P-521", "P-384"];
const OPENSSL_DEFAULT_GROUPS = [
  ...OPENSSL_DEFAULT_CURVES,
  "ffdhe2048",
  "ffdhe3072",
  "ffdhe4096",
  "ffdhe6144",
  "ffdhe8192",
];
/**
 * Node's own OpenSSL (3.0 in Node 20, 3.5 in Node 24) decides a node:tls server's defaults, not
 * the openssl CLI's: the groups a default server negotiates are read at runtime by a node:tls
 * client of this process offering one group at a time (Node 24 adds X25519MLKEM768 and drops
 * ffdhe4096 and above from the defaults).
 */
const NODE_GROUP_CANDIDATES = [
  "X25519MLKEM768",
  "SecP256r1MLKEM768",
  "SecP384r1MLKEM1024",
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
];

/** One handshake by an in-process node:tls client; resolves whether it completed and its ephemeral key. */
function nodeClientHandshake(
  port: number,
  options: ConnectionOptions,
): Promise<{ ok: boolean; key: { type?: string; name?: string } | null }> {
  return new Promise((resolve) => {
    let socket;
    try {
      socket = tlsConnect({ host: "127.0.0.1", port, rejectUnauthorized: false, ...options });
    } catch {
      resolve({ ok: false, key: null }); // this OpenSSL cannot even offer it
      return;
    }
    const timer = setTimeout(() => socket.destroy(), 10_000);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const key = socket.getEphemeralKeyInfo() as { type?: string; name?: string } | null;
      resolve({ ok: true, key });
      socket.destroy();
    });
    socket.once("error", () => {
      clearTimeout(timer);
      resolve({ ok: false, key: null });
    });
    socket.once("close", () => {
      clearTimeout(timer);
      resolve({ ok: false, key: null });
    });
  });
}

async function nodeDefaultGroups(): Promise<{ "TLSv1.3": string[]; "TLSv1.2": string[] }> {
  const server = await startNodeTlsServer({});
  try {
    const negotiated = async (maxVersion: "TLSv1.2" | "TLSv1.3"): Promise<string[]> => {
      const results = await Promise.all(
        NODE_GROUP_CANDIDATES.map(async (group) => {
          const handshake = await nodeClientHandshake(server.port, {
            ecdhCurve: group,
            maxVersion,
            minVersion: maxVersion,
          });
          // TLS 1.3: the server can only pick the one group offered (Node names no FFDHE group).
          // TLS 1.2: an ECDHE key on that curve (else the server fell back to another exchange).
          const same =
            maxVersion === "TLSv1.3"
              ? handshake.ok
              : handshake.key?.type === "ECDH" &&
                groupByName(handshake.key.name ?? "")?.code === groupByName(group)?.code;
          return same ? group : null;
        }),
      );
      return results.filter((group): group is string => group !== null);
    };
    return { "TLSv1.3": await negotiated("TLSv1.3"), "TLSv1.2": await negotiated("TLSv1.2") };
  } finally {
    await server.stop();
  }
}

const NODE_DEFAULT_GROUPS = await nodeDefaultGroups();
const FFDHE_GROUP_NAMES = ["ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192"];

/** gnutls-serv's NORMAL groups (`gnutls-cli --priority NORMAL --list`). */
const GNUTLS_NORMAL_CURVES = ["P-256", "P-384", "P-521", "X25519", "X448"];
const GNUTLS_NORMAL_GROUPS = [
  ...GNUTLS_NORMAL_CURVES,
  "ffdhe2048",
  "ffdhe3072",
  "ffdhe4096",
  "ffdhe6144",
  "ffdhe8192",
];

const LEGACY = "ALL:@SECLEVEL=0";
const LEGACY_PRIORITY = "NORMAL:+3DES-CBC:+ARCFOUR-128:+VERS-TLS1.0:+VERS-TLS1.1";

interface Case {
  name: string;
  start: () => Promise<TestServer>;
  truth: (server: TestServer) => Promise<ServerTruth>;
  /** Group names per protocol; TLS ≤ 1.2 curves are reported at the highest legacy version. */
  groups: Partial<Record<"TLSv1.2" | "TLSv1.3", readonly string[]>>;
  /** Confirm the groups with `openssl s_client`, one handshake per group and version. */
  confirmGroups?: { certificateCurve?: string; cipher?: string };
  dh: { supported: boolean; bits: number | null };
  /** A suite whose DH prime `openssl s_client` should see at `bits` (the smallest). */
  confirmDh?: { cipher: string; protocol: TlsVersion };
  /** Key types of the distinct TLS ≤ 1.2 chains the server serves (none for TLS 1.3 only). */
  chains: readonly KeyType[];
}

/**
 * The truth of a node:tls server: the cipher string's TLS 1.3 names are its TLS 1.3 suites, the
 * rest its TLS 1.2 string; without `dhparam` node enables no DHE suite. Trap: a tls.Server
 * honours its cipher order unless told otherwise (`honorCipherOrder` defaults to true there, not
 * false as for tls.createSecureContext; s_client offering 0xC030,0xC02F then 0xC02F,0xC030 gets
 * 0xC02F both times from a default server).
 */
async function nodeTruth(
  server: TestServer,
  ciphers: string,
  options: { honorCipherOrder: boolean; dhparam: boolean; tls13Only: boolean },
): Promise<ServerTruth> {
  const names = ciphers.split(":");
  const tls13 = names.filter((name) => name.startsWith("TLS_")).join(":");
  const legacy = names.filter((name) => !name.startsWith("TLS_")).join(":");
  const keyTypes: KeyType[] = ["rsa"];
  const cliTls12 = options.tls13Only
    ? []
    : (await opensslCipherCodes(legacy, "TLSv1.2", { keyTypes })).filter(
        (code) => options.dhparam || cipherSuiteByCode(Number(code))?.kex !== "DHE",
      );
  // The CLI's OpenSSL expands the string; Node's own may enable fewer (Node 24 has no CCM_8 in
  // TLS 1.2): keep the suites a node:tls client of this process negotiates one at a time.
  const confirmed = await Promise.all(
    cliTls12.map(async (code) => {
      const name = cipherSuiteByCode(Number(code))?.openssl;
      if (name == null) return null;
      const handshake = await nodeClientHandshake(server.port, {
        ciphers: `${name}:@SECLEVEL=0`,
        minVersion: "TLSv1.2",
        maxVersion: "TLSv1.2",
      });
      return handshake.ok ? code : null;
    }),
  );
  const tls12 = confirmed.filter((code): code is string => code !== null);
  const tls13Codes = await opensslCipherCodes(legacy, "TLSv1.3", {
    keyTypes,
    ciphersuites: tls13,
  });
  return {
    protocols: {
      "TLSv1.0": false,
      "TLSv1.1": false,
      "TLSv1.2": !options.tls13Only,
      "TLSv1.3": true,
    },
    cipherSuites: { "TLSv1.0": [], "TLSv1.1": [], "TLSv1.2": tls12, "TLSv1.3": tls13Codes },
    serverPreference: options.honorCipherOrder,
  };
}

function nodeCase(
  name: string,
  options: NodeTlsServerOptions & { ciphers?: string },
  expected: Pick<Case, "groups" | "confirmGroups" | "dh" | "chains">,
): Case {
  return {
    name,
    start: () => startNodeTlsServer(options),
    truth: (server) =>
      nodeTruth(server, options.ciphers ?? DEFAULT_CIPHERS, {
        honorCipherOrder: options.honorCipherOrder ?? true,
        dhparam: options.dhparam !== undefined,
        tls13Only: options.minVersion === "TLSv1.3",
      }),
    ...expected,
  };
}

const CHOSEN_CIPHERS = [
  "TLS_CHACHA20_POLY1305_SHA256",
  "TLS_AES_128_GCM_SHA256",
  "ECDHE-RSA-CHACHA20-POLY1305",
  "DHE-RSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "AES256-SHA",
  "ECDHE-RSA-AES256-SHA384",
].join(":");

const CASES: Case[] = [
  nodeCase(
    "node:tls defaults (TLS 1.2 and 1.3)",
    {},
    {
      groups: NODE_DEFAULT_GROUPS,
      confirmGroups: {},
      dh: { supported: false, bits: null },
      chains: ["rsa"],
    },
  ),
  nodeCase(
    "node:tls chosen ciphers, ecdhCurve P-384:X25519, honorCipherOrder",
    {
      ciphers: CHOSEN_CIPHERS,
      ecdhCurve: "P-384:X25519",
      honorCipherOrder: true,
      dhparam: dhParams(2048).pem,
    },
    {
      // The ffdhe2048 prime: a client offering ffdhe2048 in TLS 1.2 gets it (RFC 7919).
      groups: { "TLSv1.3": ["P-384", "X25519"], "TLSv1.2": ["P-384", "X25519", "ffdhe2048"] },
      confirmGroups: {},
      dh: { supported: true, bits: 2048 },
      chains: ["rsa"],
    },
  ),
  nodeCase(
    "node:tls chosen ciphers without honorCipherOrder",
    { ciphers: CHOSEN_CIPHERS, ecdhCurve: "X448:P-521", honorCipherOrder: false },
    {
      groups: { "TLSv1.3": ["X448", "P-521"], "TLSv1.2": ["X448", "P-521"] },
      dh: { supported: false, bits: null },
      chains: ["rsa"],
    },
  ),
  nodeCase(
    "node:tls TLS 1.3 only, on ::1",
    { host: "::1", minVersion: "TLSv1.3", ecdhCurve: "X25519:P-256:ffdhe2048" },
    {
      groups: { "TLSv1.3": ["X25519", "P-256", "ffdhe2048"] },
      dh: { supported: false, bits: null },
      chains: [],
    },
  ),
  {
    name: "openssl s_server legacy TLS 1.0–1.2 ALL:@SECLEVEL=0, RSA, automatic DH",
    start: () =>
      startOpenSslServer({ cipher: LEGACY, minProtocol: "TLSv1.0", maxProtocol: "TLSv1.2" }),
    truth: (server) => opensslServerTruth(configOf(server)),
    groups: { "TLSv1.2": OPENSSL_DEFAULT_CURVES },
    confirmGroups: {},
    // Automatic DH: 2048 bits for DHE-RSA (the certificate's strength), 1024 for anonymous DH
    // with a 128-bit cipher.
    dh: { supported: true, bits: 1024 },
    chains: ["rsa"],
    confirmDh: { cipher: "ADH-AES128-SHA", protocol: "TLSv1.2" },
  },
  {
    name: "openssl s_server legacy with -serverpref and DH 1024",
    start: () =>
      startOpenSslServer({
        cipher: LEGACY,
        minProtocol: "TLSv1.0",
        maxProtocol: "TLSv1.2",
        serverPreference: true,
        dhparam: dhParams(1024).path,
      }),
    truth: (server) => opensslServerTruth(configOf(server)),
    groups: { "TLSv1.2": OPENSSL_DEFAULT_CURVES },
    dh: { supported: true, bits: 1024 },
    chains: ["rsa"],
    confirmDh: { cipher: "DHE-RSA-AES256-SHA", protocol: "TLSv1.2" },
  },
  {
    name: "openssl s_server legacy with DH 2048, TLS 1.3 and -serverpref",
    start: () =>
      startOpenSslServer({
        cipher: LEGACY,
        minProtocol: "TLSv1.0",
        serverPreference: true,
        dhparam: dhParams(2048).path,
      }),
    truth: (server) => opensslServerTruth(configOf(server)),
    // -dhparam is the ffdhe2048 prime: a client offering ffdhe2048 in TLS 1.2 gets it.
    groups: {
      "TLSv1.3": OPENSSL_DEFAULT_GROUPS,
      "TLSv1.2": [...OPENSSL_DEFAULT_CURVES, "ffdhe2048"],
    },
    dh: { supported: true, bits: 2048 },
    chains: ["rsa"],
    confirmDh: { cipher: "ADH-AES128-SHA", protocol: "TLSv1.2" },
  },
  {
    name: "openssl s_server legacy with an ECDSA P-256 certificate",
    start: async () =>
      startOpenSslServer({
        cipher: LEGACY,
        minProtocol: "TLSv1.0",
        maxProtocol: "TLSv1.2",
        credentials: [await getCredential("ecdsa-p256")],
      }),
    truth: (server) => opensslServerTruth(configOf(server)),
    groups: { "TLSv1.2": OPENSSL_DEFAULT_CURVES },
    dh: { supported: true, bits: 1024 },
    chains: ["ecdsa"],
  },
  {
    name: "openssl s_server legacy with RSA and ECDSA certificates (-dcert)",
    start: async () =>
      startOpenSslServer({
        cipher: LEGACY,
        minProtocol: "TLSv1.0",
        maxProtocol: "TLSv1.2",
        credentials: [await getCredential("rsa2048"), await getCredential("ecdsa-p256")],
      }),
    truth: (server) => opensslServerTruth(configOf(server)),
    groups: { "TLSv1.2": OPENSSL_DEFAULT_CURVES },
    dh: { supported: true, bits: 1024 },
    chains: ["ecdsa", "rsa"],
  },
  {
    name: "openssl s_server TLS 1.2–1.3 with -groups P-384:X448:ffdhe3072",
    start: () =>
      startOpenSslServer({
        cipher: "DEFAULT:@SECLEVEL=1",
        minProtocol: "TLSv1.2",
        groups: "P-384:X448:ffdhe3072",
      }),
    truth: (server) => opensslServerTruth(configOf(server)),
    groups: { "TLSv1.3": ["P-384", "X448", "ffdhe3072"], "TLSv1.2": ["P-384", "X448"] },
    confirmGroups: {},
    dh: { supported: true, bits: 2048 },
    chains: ["rsa"],
  },
  {
    // Only ECDHE_ECDSA suites and groups without the certificate's curve: in TLS 1.2 a client
    // must offer P-256 for the certificate and one of the groups for the key exchange.
    name: "openssl s_server ECDSA P-256 certificate, ECDHE-ECDSA only, -groups X25519:P-384:X448",
    start: async () =>
      startOpenSslServer({
        cipher:
          "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305",
        minProtocol: "TLSv1.2",
        groups: "X25519:P-384:X448",
        credentials: [await getCredential("ecdsa-p256")],
      }),
    truth: (server) => opensslServerTruth(configOf(server)),
    groups: { "TLSv1.3": ["X25519", "P-384", "X448"], "TLSv1.2": ["X25519", "P-384", "X448"] },
    confirmGroups: { certificateCurve: "P-256" },
    dh: { supported: false, bits: null },
    chains: ["ecdsa"],
  },
  {
    name: `gnutls-serv ${LEGACY_PRIORITY}`,
    start: () => startGnutlsServer({ priority: LEGACY_PRIORITY }),
    truth: (server) => gnutlsServerTruth(gnutlsConfigOf(server)),
    groups: { "TLSv1.3": GNUTLS_NORMAL_GROUPS, "TLSv1.2": GNUTLS_NORMAL_GROUPS },
    confirmGroups: {},
    // No --dhparams: the RFC 7919 ffdhe2048 prime.
    dh: { supported: true, bits: 2048 },
    chains: ["rsa"],
    confirmDh: { cipher: "DHE-RSA-AES128-SHA", protocol: "TLSv1.2" },
  },
  {
    name: "gnutls-serv NORMAL:+3DES-CBC:%SERVER_PRECEDENCE, RSA and ECDSA certificates",
    start: async () =>
      startGnutlsServer({
        priority: "NORMAL:+3DES-CBC:+VERS-TLS1.1:%SERVER_PRECEDENCE",
        credentials: [await getCredential("rsa2048"), await getCredential("ecdsa-p256")],
      }),
    truth: (server) => gnutlsServerTruth(gnutlsConfigOf(server)),
    groups: { "TLSv1.3": GNUTLS_NORMAL_GROUPS, "TLSv1.2": GNUTLS_NORMAL_GROUPS },
    dh: { supported: true, bits: 2048 },
    chains: ["ecdsa", "rsa"],
  },
];

function configOf(server: TestServer) {
  if (!("kind" in server) || server.kind !== "openssl") throw new Error("not an s_server");
  return (server as Awaited<ReturnType<typeof startOpenSslServer>>).config;
}

function gnutlsConfigOf(server: TestServer) {
  if (!("kind" in server) || server.kind !== "gnutls") throw new Error("not a gnutls-serv");
  return (server as Awaited<ReturnType<typeof startGnutlsServer>>).config;
}

describe.each(CASES)("scan of $name", { timeout: 30_000 }, (testCase) => {
  let server: TestServer;
  let truth: ServerTruth;
  let report: ScanReport;
  let chains: Uint8Array[][];

  beforeAll(async () => {
    server = await testCase.start();
    let detailed;
    [truth, detailed] = await Promise.all([testCase.truth(server), scanDetailed(targetOf(server))]);
    ({ report, certificateChains: chains } = detailed);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("produces a valid report without errors", () => {
    expectValidReport(report);
    expect(report.reachable).toBe(true);
    // A single-version server has no fallback to test: not applicable, not an error.
    expect(report.errors).toEqual([]);
  });

  it("finds exactly the protocols, suites and preference of the configuration", () => {
    expectMatchesTruth(report, truth);
  });

  it("finds exactly the configured groups", async () => {
    const tls12Label = (["TLSv1.2", "TLSv1.1", "TLSv1.0"] as const).find((v) => truth.protocols[v]);
    expect({
      tls13: groupsOf(report, "TLSv1.3"),
      tls12: tls12Label === undefined ? [] : groupsOf(report, tls12Label),
      total: report.groups?.length,
    }).toEqual({
      tls13: groupCodes(testCase.groups["TLSv1.3"] ?? []),
      tls12: groupCodes(testCase.groups["TLSv1.2"] ?? []),
      total: (testCase.groups["TLSv1.3"]?.length ?? 0) + (testCase.groups["TLSv1.2"]?.length ?? 0),
    });
    if (testCase.confirmGroups !== undefined) {
      const [tls13, tls12] = await Promise.all([
        truth.protocols["TLSv1.3"]
          ? confirmGroups(server, "TLSv1.3", testCase.confirmGroups)
          : Promise.resolve([]),
        truth.protocols["TLSv1.2"]
          ? Promise.all([
              confirmGroups(server, "TLSv1.2", testCase.confirmGroups),
              confirmFfdheGroups(server),
            ]).then(([curves, ffdhe]) => [...curves, ...ffdhe].sort())
          : Promise.resolve([]),
      ]);
      // The second client confirms what it can offer (the openssl CLI has no ML-KEM hybrids).
      const offerable = (protocol: "TLSv1.2" | "TLSv1.3"): string[] =>
        groupCodes(testCase.groups[protocol] ?? []).filter((code) =>
          groupCodes([...OPENSSL_CLIENT_GROUPS[protocol], ...FFDHE_GROUP_NAMES]).includes(code),
        );
      expect({ tls13, tls12 }).toEqual({
        tls13: offerable("TLSv1.3"),
        tls12: offerable("TLSv1.2"),
      });
    }
  });

  it("reads the connection features every one of these stacks has", () => {
    const legacy = truth.protocols["TLSv1.2"];
    const versions = Object.values(truth.protocols).filter(Boolean).length;
    expect(report.features).toMatchObject({
      // RFC 5746 and RFC 7627 in OpenSSL 3 and GnuTLS 3.7; both refuse TLS compression and
      // answer no heartbeat unless told to.
      secureRenegotiation: legacy ? true : null,
      extendedMasterSecret: legacy ? true : null,
      compression: false,
      heartbeat: legacy ? false : null,
      fallbackScsv: versions > 1 ? true : null,
    });
  });

  it("keeps each raw chain of the TLS ≤ 1.2 Certificate messages", () => {
    const keyTypes = chains.map((chain) => {
      const type = new X509Certificate(chain[0] as Uint8Array).publicKey.asymmetricKeyType;
      return type === "ec" ? "ecdsa" : type;
    });
    expect(keyTypes.sort()).toEqual(testCase.chains);
  });

  it("finds the smallest DH prime", async () => {
    expect({ supported: report.dh.supported, bits: report.dh.bits }).toEqual(testCase.dh);
    // The smallest prime sets the size; none without DHE.
    expect(report.dh.primes?.[0]?.bits ?? null).toBe(testCase.dh.bits);
    if (testCase.confirmDh !== undefined) {
      const handshake = await confirmWithOpenSslClient(server, testCase.confirmDh);
      expect(handshake.keyExchange).toBe(`DH, ${testCase.dh.bits} bits`);
    }
  });
});
