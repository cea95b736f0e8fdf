import { createCipheriv } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createChain, pemBundle, type TestChain } from "@tlsgate/testing/pki";
import { pickFreePort, startNodeTlsServer } from "@tlsgate/testing";
import { probeHandshake, recoverServedChain, sessionMaxEarlyData } from "./handshake.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const u24 = (n: number) => [n >> 16, (n >> 8) & 0xff, n & 0xff];
const record = (type: number, fragment: number[]) => [
  type,
  3,
  3,
  fragment.length >> 8,
  fragment.length & 0xff,
  ...fragment,
];
const handshakeMessage = (type: number, body: number[]) => [type, ...u24(body.length), ...body];
/** TLS ≤ 1.2 Certificate body: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>. */
const certificateBody12 = (certs: number[][]) => {
  const list = certs.flatMap((cert) => [...u24(cert.length), ...cert]);
  return [...u24(list.length), ...list];
};

describe("recoverServedChain", () => {
  const certs = [
    [0x30, 1, 2, 3],
    [0x30, 4, 5],
  ];

  it("reads a TLS 1.2 Certificate message split across records", () => {
    const flight = [
      ...handshakeMessage(2, [3, 3, 0]), // a (short) ServerHello
      ...handshakeMessage(11, certificateBody12(certs)),
      ...handshakeMessage(14, []), // ServerHelloDone
    ];
    const bytes = new Uint8Array([
      ...record(22, flight.slice(0, 12)),
      ...record(22, flight.slice(12)),
      ...record(20, [1]),
    ]);
    expect(
      recoverServedChain(bytes, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", []),
    ).toEqual({
      chain: certs.map((cert) => new Uint8Array(cert)),
      error: null,
    });
  });

  it.each([
    ["an overlong record", [22, 3, 3, 0xff, 0xff], /record of 65535 bytes/],
    ["no Certificate message", record(22, handshakeMessage(2, [3, 3])), /no Certificate message/],
    [
      "a vector overrunning its message",
      record(22, handshakeMessage(11, [0, 0, 9, 0, 0, 5, 1])),
      /overruns/,
    ],
    [
      "bytes after the list",
      record(22, handshakeMessage(11, [...certificateBody12([[1]]), 0])),
      /bytes after/,
    ],
    [
      "an alert before the Certificate",
      [...record(21, [2, 40]), ...record(22, handshakeMessage(11, certificateBody12([[1]])))],
      /no Certificate/,
    ],
  ])("refuses %s", (_name, bytes, message) => {
    const result = recoverServedChain(new Uint8Array(bytes), "TLSv1.2", "x", []);
    expect(result.chain).toBeNull();
    expect(result.error).toMatch(message);
  });

  it("decrypts TLS 1.3 handshake records with the key log (RFC 8448 keys)", () => {
    // RFC 8448 section 3: server_handshake_traffic_secret and the key and iv derived from it.
    const secret = "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38";
    const key = Buffer.from("3fce516009c21727d0f2e4e86ee403bc", "hex");
    const iv = Buffer.from("5d313eb2671276ee13000b30", "hex");
    const seal = (sequence: number, content: number[]) => {
      const inner = Buffer.from([...content, 22, 0, 0]); // content, type handshake, padding
      const header = Buffer.from([23, 3, 3, (inner.length + 16) >> 8, (inner.length + 16) & 0xff]);
      const nonce = Buffer.from(iv);
      nonce[11] = (nonce[11] ?? 0) ^ sequence;
      const cipher = createCipheriv("aes-128-gcm", key, nonce);
      cipher.setAAD(header);
      const body = Buffer.concat([cipher.update(inner), cipher.final(), cipher.getAuthTag()]);
      return [...header, ...body];
    };
    const entries = certs.flatMap((cert) => [...u24(cert.length), ...cert, 0, 0]);
    const certificate = handshakeMessage(11, [0, ...u24(entries.length), ...entries]);
    const bytes = new Uint8Array([
      ...record(22, handshakeMessage(2, [3, 3])),
      ...record(20, [1]),
      ...seal(0, [...handshakeMessage(8, [0, 0]), ...certificate.slice(0, 7)]),
      ...seal(1, [...certificate.slice(7), ...handshakeMessage(15, [4, 3, 0, 0])]),
      ...seal(2, handshakeMessage(20, new Array<number>(32).fill(0))),
      ...record(23, new Array<number>(40).fill(0)), // application data under other keys: not read
    ]);
    const keylog = [
      `CLIENT_HANDSHAKE_TRAFFIC_SECRET 00 11`,
      `SERVER_HANDSHAKE_TRAFFIC_SECRET ${"00".repeat(32)} ${secret}`,
    ];
    expect(recoverServedChain(bytes, "TLSv1.3", "TLS_AES_128_GCM_SHA256", keylog)).toEqual({
      chain: certs.map((cert) => new Uint8Array(cert)),
      error: null,
    });
    expect(recoverServedChain(bytes, "TLSv1.3", "TLS_AES_128_GCM_SHA256", []).error).toMatch(
      /no server handshake secret/,
    );
    expect(recoverServedChain(bytes, "TLSv1.3", "TLS_SM4_GCM_SM3", keylog).error).toMatch(
      /cannot decrypt/,
    );
    const wrongKey = [`SERVER_HANDSHAKE_TRAFFIC_SECRET 00 ${"11".repeat(32)}`];
    expect(recoverServedChain(bytes, "TLSv1.3", "TLS_AES_128_GCM_SHA256", wrongKey).error).toMatch(
      /unreadable/,
    );
  });
});

describe("sessionMaxEarlyData", () => {
  it("reads [15] of an SSL_SESSION, 0 when absent, null for garbage", () => {
    const session = (fields: number[]) => new Uint8Array([0x30, fields.length, ...fields]);
    expect(
      sessionMaxEarlyData(session([0x02, 0x01, 0x01, 0xaf, 0x04, 0x02, 0x02, 0x40, 0x00])),
    ).toBe(16384);
    expect(sessionMaxEarlyData(session([0x02, 0x01, 0x01]))).toBe(0);
    expect(sessionMaxEarlyData(new Uint8Array([1, 2, 3]))).toBeNull();
  });
});

describe("probeHandshake", () => {
  let chain: TestChain;
  const served = () => [chain.leaf.der, chain.intermediate.der].map(hex);
  beforeAll(async () => {
    chain = await createChain({ name: "handshake" });
  });

  it.each(["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"])(
    "reads the served chain of a TLS 1.3 server using %s, with SNI",
    async (suite) => {
      const server = await startNodeTlsServer({
        key: chain.leaf.keyPem,
        cert: pemBundle(chain.leaf, chain.intermediate),
        ciphers: suite,
      });
      try {
        const outcome = await probeHandshake(
          { address: "127.0.0.1", port: server.port, sni: "leaf.test" },
          { timeoutMs: 3000 },
        );
        if (!outcome.ok) throw new Error(outcome.message);
        expect(outcome.handshake).toMatchObject({
          protocol: "TLSv1.3",
          cipher: suite,
          servedChainError: null,
          reused: false,
        });
        expect(outcome.handshake.servedChain?.map(hex)).toEqual(served());
        // Node's own chain is the same here (in order, nothing missing).
        expect(outcome.handshake.nodeChain.map(hex)).toEqual(served());
        // The in-process server records the handshake once it has read the client's Finished.
        await vi.waitFor(() => expect(server.handshakes[0]?.servername).toBe("leaf.test"));
      } finally {
        await server.stop();
      }
    },
  );

  it("sends no SNI to an IP target, waits for the TLS 1.3 ticket and resumes with it", async () => {
    const server = await startNodeTlsServer({
      key: chain.leaf.keyPem,
      cert: pemBundle(chain.leaf, chain.intermediate),
    });
    try {
      const endpoint = { address: "127.0.0.1", port: server.port, sni: null };
      const first = await probeHandshake(endpoint, { timeoutMs: 3000, ticketWaitMs: 2000 });
      if (!first.ok) throw new Error(first.message);
      await vi.waitFor(() => expect(server.handshakes).toHaveLength(1));
      expect(server.handshakes[0]?.servername).toBeNull();
      expect(first.handshake).toMatchObject({
        ticketIssued: true,
        maxEarlyData: 0,
        ocspResponse: null,
        alpn: null,
      });
      const second = await probeHandshake(endpoint, {
        timeoutMs: 3000,
        session: first.handshake.session ?? Buffer.alloc(0),
      });
      if (!second.ok) throw new Error(second.message);
      expect(second.handshake).toMatchObject({ reused: true, servedChain: null });
      expect(second.handshake.servedChainError).toMatch(/resumed/);
    } finally {
      await server.stop();
    }
  });

  it("turns a protocol refusal and a refused connection into data", async () => {
    const server = await startNodeTlsServer({
      key: chain.leaf.keyPem,
      cert: pemBundle(chain.leaf, chain.intermediate),
      minVersion: "TLSv1.3",
    });
    try {
      const outcome = await probeHandshake(
        { address: "127.0.0.1", port: server.port, sni: "leaf.test" },
        { timeoutMs: 3000, maxVersion: "TLSv1.2" },
      );
      expect(outcome).toMatchObject({ ok: false, code: "tls" });
    } finally {
      await server.stop();
    }
    const port = await pickFreePort("127.0.0.1");
    expect(
      await probeHandshake({ address: "127.0.0.1", port, sni: null }, { timeoutMs: 3000 }),
    ).toMatchObject({
      ok: false,
      code: "refused",
    });
  });

  it("stops at once when the scan is aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const port = await pickFreePort("127.0.0.1");
    expect(
      await probeHandshake(
        { address: "127.0.0.1", port, sni: null },
        { timeoutMs: 3000, signal: controller.signal },
      ),
    ).toMatchObject({ ok: false, code: "internal", message: "scan aborted" });
  });
});
