/**
 * The scanner against scripted servers (raw bytes from the wire encoders): what no local TLS stack
 * serves — SSLv2, SSLv3, post-quantum groups — and servers that reset, stall, flood or answer
 * garbage. Every scan ends within its timeouts with typed errors, and no unknown reads as absent.
 */
import type { Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ScanReport } from "../scan-report/types.js";
import {
  startNodeTlsServer,
  startRawServer,
  type NodeTlsServer,
  type RawHandler,
  type RawServer,
} from "@tlsgate/testing";
import {
  ALERT_DESCRIPTION,
  ALERT_LEVEL,
  CONTENT_TYPE,
  HANDSHAKE_TYPE,
  encodeAlert,
  encodeHandshake,
  encodeRecord,
} from "../wire/index.js";
import { scan, type ScanOptions } from "./scan.js";
import { expectValidReport, sorted, suitesOf, targetOf } from "../../test/support/scan-truth.js";
import {
  legacyFlight,
  postQuantumServer,
  receiveHello,
  resettingProxy,
  sslv2Server,
  sslv3Server,
  topSuiteServer,
} from "../../test/support/scripted-servers.js";

const FAST: ScanOptions = { timeoutMs: 1000, retries: 1 };
const NONE = {
  SSLv2: false,
  SSLv3: false,
  "TLSv1.0": false,
  "TLSv1.1": false,
  "TLSv1.2": false,
  "TLSv1.3": false,
};
const UNKNOWN = {
  SSLv2: null,
  SSLv3: null,
  "TLSv1.0": null,
  "TLSv1.1": null,
  "TLSv1.2": null,
  "TLSv1.3": null,
};

const servers: RawServer[] = [];
async function scanScripted(
  handler: RawHandler,
  options: ScanOptions = FAST,
  waitForData = true,
): Promise<{ report: ScanReport; server: RawServer }> {
  const server = await startRawServer(handler, { waitForData });
  servers.push(server);
  const report = await scan(targetOf(server), options);
  expectValidReport(report);
  expect(report.errors.filter((e) => e.code === "internal")).toEqual([]);
  return { report, server };
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

describe("scripted servers only the wire can be", { timeout: 20_000 }, () => {
  it("an SSLv2-only server: SSLv2 and its cipher specs, every other version refused", async () => {
    const specs = [0x0700c0, 0x010080, 0x020080];
    const { report } = await scanScripted(sslv2Server(specs));
    expect(report.protocols).toEqual({ ...NONE, SSLv2: true });
    expect(report.reachable).toBe(true);
    expect(suitesOf(report, "SSLv2")).toEqual(["0x0700C0", "0x010080", "0x020080"]);
    expect(report.cipherSuites?.map((s) => [s.iana, s.strength])).toEqual([
      ["SSL_CK_DES_192_EDE3_CBC_WITH_MD5", "insecure"],
      ["SSL_CK_RC4_128_WITH_MD5", "insecure"],
      ["SSL_CK_RC4_128_EXPORT40_WITH_MD5", "insecure"],
    ]);
    expect(report.serverPreference).toEqual([]);
    expect(report.groups).toEqual([]);
    expect(report.dh).toEqual({ supported: false, bits: null, primes: [] });
  });

  it("an SSLv3-only server: SSLv3 and its suites, protocol_version for every TLS hello", async () => {
    const { report } = await scanScripted(sslv3Server([0x000a, 0x0005, 0x0004]));
    expect(report.protocols).toEqual({ ...NONE, SSLv3: true });
    expect(suitesOf(report, "SSLv3")).toEqual(["0x0004", "0x0005", "0x000A"]);
    expect(report.serverPreference).toEqual([{ protocol: "SSLv3", enforced: false, order: null }]);
    expect(report.groups).toEqual([]);
    expect(report.dh).toEqual({ supported: false, bits: null, primes: [] });
    expect(report.features).toMatchObject({
      secureRenegotiation: false,
      extendedMasterSecret: false,
      compression: false,
      heartbeat: false,
      fallbackScsv: null,
    });
  });

  it("a post-quantum TLS 1.3 server: X25519MLKEM768 through a HelloRetryRequest", async () => {
    const { report } = await scanScripted(postQuantumServer());
    expect(report.protocols).toEqual({ ...NONE, "TLSv1.3": true });
    expect(suitesOf(report, "TLSv1.3")).toEqual(["0x1301", "0x1302", "0x1303"]);
    expect(report.groups).toEqual([
      expect.objectContaining({ protocol: "TLSv1.3", code: "0x001D", postQuantum: false }),
      expect.objectContaining({
        protocol: "TLSv1.3",
        name: "X25519MLKEM768",
        code: "0x11EC",
        postQuantum: true,
      }),
    ]);
    expect(report.serverPreference).toEqual([
      { protocol: "TLSv1.3", enforced: false, order: null },
    ]);
    // One version leaves no downgrade to test TLS_FALLBACK_SCSV against: not applicable, no error.
    expect(report.errors).toEqual([]);
    expect(report.features.fallbackScsv).toBeNull();
  });
});

describe("server preference that holds only for the top suite", { timeout: 20_000 }, () => {
  it("reads as enforced, with no order and the suites by code", async () => {
    const { report } = await scanScripted(topSuiteServer([0x009d, 0x002f, 0x0035, 0x003c]));
    expect(report.protocols).toEqual({ ...NONE, "TLSv1.2": true });
    expect(suitesOf(report, "TLSv1.2")).toEqual(["0x002F", "0x0035", "0x003C", "0x009D"]);
    expect(report.serverPreference).toEqual([{ protocol: "TLSv1.2", enforced: true, order: null }]);
    expect(report.errors.map((e) => [e.probe, e.code])).toEqual([
      ["serverPreference/TLSv1.2", "protocol"],
    ]);
    expect(report.features.secureRenegotiation).toBe(true);
  });
});

describe("a server that resets every Nth connection", { timeout: 30_000 }, () => {
  let backend: NodeTlsServer;
  let reference: ScanReport;
  beforeAll(async () => {
    backend = await startNodeTlsServer({ minVersion: "TLSv1.2", ecdhCurve: "X25519:P-256" });
    reference = await scan(targetOf(backend));
  });
  afterAll(async () => {
    await backend?.stop();
  });

  /** Each fact is the reference's or null (with an error saying why), never something else. */
  function expectCorrectOrUnknown(report: ScanReport): void {
    for (const [protocol, supported] of Object.entries(report.protocols)) {
      expect([null, reference.protocols[protocol as keyof ScanReport["protocols"]]]).toContain(
        supported,
      );
    }
    const known = {
      cipherSuites: report.cipherSuites === null ? null : reference.cipherSuites,
      groups: report.groups === null ? null : reference.groups,
      serverPreference: report.serverPreference === null ? null : reference.serverPreference,
    };
    expect({
      cipherSuites: report.cipherSuites,
      groups: report.groups,
      serverPreference: report.serverPreference,
    }).toEqual(known);
    const unknown =
      Object.values(report.protocols).includes(null) ||
      report.cipherSuites === null ||
      report.groups === null;
    if (unknown) expect(report.errors.length).toBeGreaterThan(0);
  }

  it.each([
    ["before any reply", "before", 4],
    ["in the middle of the reply", "during", 5],
  ] as const)("resetting %s: the report is right or says unknown", async (_, when, every) => {
    const proxy = resettingProxy(backend.port, every, when);
    const { report } = await scanScripted(proxy, { timeoutMs: 2000, retries: 2 });
    expect(proxy.resets()).toBeGreaterThan(5);
    expect(report.reachable).toBe(true);
    expectCorrectOrUnknown(report);
  });

  it("with no retries left, the affected facts are null and errors say reset", async () => {
    const proxy = resettingProxy(backend.port, 3, "before");
    const { report } = await scanScripted(proxy, { timeoutMs: 2000, retries: 0 });
    expectCorrectOrUnknown(report);
    expect(report.errors.some((e) => e.code === "reset")).toBe(true);
    expect(report.cipherSuites).toBeNull();
  });
});

/** Writes `chunk` as fast as the socket drains until the client leaves. */
function flood(socket: Socket, chunk: Uint8Array): void {
  const pump = (): void => {
    while (!socket.destroyed && socket.write(chunk));
    if (!socket.destroyed) socket.once("drain", pump);
  };
  pump();
}

const TLS12 = 0x0303;
const SERVER_HELLO_HEAD = legacyFlight(TLS12, 0x002f).subarray(0, 60);

/** Hostile and broken replies: each must end within the timeouts with typed errors. */
const HOSTILE: readonly {
  name: string;
  handler: RawHandler;
  waitForData?: boolean;
  protocols: typeof NONE | typeof UNKNOWN;
  codes: readonly string[];
  message?: RegExp;
}[] = [
  {
    name: "a handshake message claiming 2^24 - 1 bytes",
    handler: (socket) => {
      socket.write(encodeRecord(CONTENT_TYPE.handshake, TLS12, Uint8Array.of(2, 0xff, 0xff, 0xff)));
    },
    protocols: UNKNOWN,
    codes: ["unparseable"],
  },
  {
    name: "a record claiming 65535 bytes",
    handler: (socket) => {
      socket.write(Uint8Array.of(CONTENT_TYPE.handshake, 3, 3, 0xff, 0xff, 2, 0, 0));
    },
    protocols: UNKNOWN,
    codes: ["unparseable"],
  },
  {
    name: "one byte every second",
    handler: (socket) => {
      let at = 0;
      const timer = setInterval(() => {
        if (socket.destroyed || at >= SERVER_HELLO_HEAD.length) clearInterval(timer);
        else socket.write(SERVER_HELLO_HEAD.subarray(at, (at += 1)));
      }, 1000);
      socket.once("close", () => clearInterval(timer));
    },
    protocols: UNKNOWN,
    codes: ["timeout"],
  },
  {
    name: "endless warning alerts",
    handler: (socket) => {
      const warning = encodeAlert(ALERT_LEVEL.warning, ALERT_DESCRIPTION.unrecognized_name);
      const record = encodeRecord(
        CONTENT_TYPE.alert,
        TLS12,
        Buffer.concat(Array(8000).fill(warning)),
      );
      flood(socket, record);
    },
    protocols: UNKNOWN,
    codes: ["protocol"],
    message: /more than 16 warning alerts without a ServerHello/,
  },
  {
    name: "endless HelloRequest records",
    handler: (socket) => {
      const request = encodeHandshake(HANDSHAKE_TYPE.hello_request, new Uint8Array(0));
      const record = encodeRecord(
        CONTENT_TYPE.handshake,
        TLS12,
        Buffer.concat(Array(4000).fill(request)),
      );
      flood(socket, record);
    },
    protocols: UNKNOWN,
    codes: ["protocol"],
    message: /more than 16 HelloRequests without a ServerHello/,
  },
  {
    name: "plain HTTP",
    handler: (socket) => {
      socket.end("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    },
    protocols: UNKNOWN,
    codes: ["plain-http"],
  },
  {
    name: "garbage",
    handler: (socket) => {
      socket.end(Buffer.from("b1a7c0ffee00deadbeef".repeat(40), "hex"));
    },
    protocols: UNKNOWN,
    codes: ["unparseable"],
  },
  {
    name: "a reset as soon as the connection is accepted",
    handler: (socket) => {
      socket.resetAndDestroy();
    },
    waitForData: false,
    protocols: UNKNOWN,
    codes: ["reset"],
  },
  {
    name: "an instant close on accept",
    handler: (socket) => {
      socket.end();
    },
    waitForData: false,
    protocols: NONE,
    codes: [],
  },
  {
    name: "a close as soon as the hello arrives",
    handler: async (socket, firstChunk) => {
      await receiveHello(socket, firstChunk);
      socket.end();
    },
    protocols: NONE,
    codes: [],
  },
];

describe("hostile and broken servers", { timeout: 20_000 }, () => {
  it.each(HOSTILE)("$name: ends with typed errors", async (hostile) => {
    const before = process.memoryUsage().heapUsed;
    const { report } = await scanScripted(hostile.handler, FAST, hostile.waitForData ?? true);
    expect(report.reachable).toBe(true);
    expect(report.protocols).toEqual(hostile.protocols);
    const protocolErrors = report.errors.filter((e) => e.probe.startsWith("protocols/"));
    expect(sorted([...new Set(protocolErrors.map((e) => e.code))])).toEqual(hostile.codes);
    const message = hostile.message;
    if (message !== undefined) {
      for (const error of protocolErrors) expect(error.message).toMatch(message);
    }
    if (hostile.protocols === UNKNOWN) {
      expect(protocolErrors).toHaveLength(6);
      expect(report.cipherSuites).toBeNull();
      expect(report.groups).toBeNull();
      expect(report.serverPreference).toBeNull();
    } else {
      expect(report.cipherSuites).toEqual([]);
      expect(report.groups).toEqual([]);
    }
    // Bounded buffering: a flood is cut at the reply cap, not held.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
  });
});
