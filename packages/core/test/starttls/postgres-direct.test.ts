/**
 * PostgreSQL 17 direct TLS (`sslnegotiation=direct`): no SSLRequest, ALPN "postgresql" in every
 * hello. Debian ships PostgreSQL 15 (no direct TLS), so a node:tls server that requires ALPN
 * "postgresql" (ALPNCallback refusing any other, and dropping a connection without ALPN after the
 * handshake, as PostgreSQL 17 does) stands in for the TLS side: a real TLS stack, its truth from
 * its own configuration confirmed by `openssl s_client -alpn postgresql`. The installed
 * PostgreSQL 15 shows what a pre-17 server does with a direct ClientHello.
 */
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  confirmWithOpenSslClient,
  runCommand,
  startNodeTlsServer,
  startPostgres,
  type Daemon,
  type NodeTlsServer,
} from "@tlsgate/testing";
import { scanTarget } from "../../src/scan/scan-target.js";
import { daemonTruth, expectScanEqualsTruth } from "./daemon-truth.js";

const TLS12_CIPHERS = "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256";
// Node's TLS 1.3 suites in its default order, named so that both versions are configured here.
const TLS13_SUITES = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256";

/** `\x0apostgresql`: the ALPN protocol name with its length byte, as it sits in a ClientHello. */
const ALPN_ENTRY = Buffer.from("\x0apostgresql", "latin1");

/**
 * PostgreSQL 17 drops a direct connection whose ClientHello has no ALPN "postgresql"; node:tls
 * has no ClientHello hook, so a relay in front of it does that: it reads the first record, counts
 * it, and closes when the entry is missing (a byte search, not tlsgate's parser), else relays.
 */
async function startAlpnGate(upstreamPort: number): Promise<{
  server: Server;
  port: number;
  tlsHellos: number;
  withoutAlpn: number;
}> {
  const gate = { server: createServer(), port: 0, tlsHellos: 0, withoutAlpn: 0 };
  gate.server.on("connection", (client: Socket) => {
    client.on("error", () => undefined);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      if (head.length < 5) return;
      const recordEnd = 5 + head.readUInt16BE(3);
      // An SSLv2 hello (high bit set) or an SSLv3 one (no extensions) cannot carry ALPN.
      const legacy =
        (head[0]! & 0x80) !== 0 || (head[0] === 0x16 && head[9] === 3 && head[10] === 0);
      if (!legacy && head.length < recordEnd && head.length < 20_000) return;
      client.off("data", onData);
      if (legacy || !head.subarray(0, recordEnd).includes(ALPN_ENTRY)) {
        if (!legacy) {
          gate.tlsHellos += 1;
          gate.withoutAlpn += 1;
        }
        client.destroy();
        return;
      }
      gate.tlsHellos += 1;
      const upstream = connect({ host: "127.0.0.1", port: upstreamPort });
      upstream.on("error", () => client.destroy());
      client.on("close", () => upstream.destroy());
      upstream.write(head);
      client.pipe(upstream).pipe(client);
    };
    client.on("data", onData);
  });
  await new Promise<void>((resolve) => gate.server.listen(0, "127.0.0.1", resolve));
  const address = gate.server.address();
  gate.port = typeof address === "object" && address !== null ? address.port : 0;
  return gate;
}

/** The ALPN line of a full (not -brief) `openssl s_client -alpn postgresql` handshake. */
async function opensslAlpnLine(port: number): Promise<string | undefined> {
  const result = await runCommand(
    "openssl",
    ["s_client", "-connect", `127.0.0.1:${port}`, "-alpn", "postgresql"],
    { timeoutMs: 30_000 },
  );
  return /^(No ALPN negotiated|ALPN protocol: .*)$/m.exec(result.stdout)?.[1];
}

describe("PostgreSQL direct TLS", () => {
  let direct: NodeTlsServer;
  let h2Only: NodeTlsServer;
  let noAlpn: NodeTlsServer;
  let pg15: Daemon;
  let gate: Awaited<ReturnType<typeof startAlpnGate>>;
  /** Every ALPN list a ClientHello offered the direct server. */
  const offered: string[][] = [];
  beforeAll(async () => {
    [direct, h2Only, noAlpn, pg15] = await Promise.all([
      startNodeTlsServer({
        minVersion: "TLSv1.2",
        ciphers: `${TLS13_SUITES}:${TLS12_CIPHERS}`,
        honorCipherOrder: true,
        ALPNCallback: ({ protocols }) => {
          offered.push(protocols);
          return protocols.includes("postgresql") ? "postgresql" : undefined;
        },
        // PostgreSQL 17 drops a direct connection that negotiated no ALPN.
        onSecureConnection: (socket) => {
          if (socket.alpnProtocol !== "postgresql") socket.destroy();
          else socket.end();
        },
      }),
      startNodeTlsServer({
        minVersion: "TLSv1.2",
        ALPNCallback: ({ protocols }) => (protocols.includes("h2") ? "h2" : undefined),
      }),
      // A plain TLS server that ignores ALPN: not a PostgreSQL 17 direct endpoint.
      startNodeTlsServer({ minVersion: "TLSv1.2" }),
      startPostgres({ ciphers: "HIGH:!aNULL", minProtocol: "TLSv1.2" }),
    ]);
    gate = await startAlpnGate(direct.port);
  }, 240_000);
  afterAll(async () => {
    gate?.server.close();
    await Promise.all([direct?.stop(), h2Only?.stop(), noAlpn?.stop(), pg15?.stop()]);
  });

  it("a full scan with ALPN postgresql equals the configured truth (s_client -alpn postgresql)", async () => {
    const [report, truth] = await Promise.all([
      scanTarget(`postgres://localhost@127.0.0.1:${gate.port}?sslnegotiation=direct`, {
        timeoutMs: 20_000,
        clients: ["Chrome 101 (Win 10)"],
      }),
      daemonTruth({
        port: gate.port,
        starttls: null,
        alpn: "postgresql",
        cipherString: TLS12_CIPHERS,
        minProtocol: "TLSv1.2",
        serverPreference: true,
      }),
    ]);
    expect(await opensslAlpnLine(gate.port)).toBe("ALPN protocol: postgresql");
    expect(report.target.starttls).toEqual({ protocol: "postgres-direct", banner: null });
    expect(report.target.web).toBe(false);
    expectScanEqualsTruth(report, truth, ["earlyData"]);
    expect(report.features.alpn).toEqual({ offered: ["postgresql"], selected: "postgresql" });
    expect(report.certificate?.chain[0]?.subject).toContain("localhost");
    // Every hello that reached ALPN processing (raw probes, full handshakes, the client) offered
    // only postgresql, and the server's completed handshakes all selected it.
    expect(gate.withoutAlpn).toBe(0);
    expect(gate.tlsHellos).toBeGreaterThan(20);
    expect(offered.length).toBeGreaterThan(20);
    expect(new Set(offered.map((list) => list.join(",")))).toEqual(new Set(["postgresql"]));
    expect(direct.handshakes.length).toBeGreaterThan(0);
    expect(direct.handshakes.every((h) => h.alpnProtocol === "postgresql")).toBe(true);
    expect(report.clients?.[0]).toMatchObject({ ok: true });
  }, 300_000);

  it("a server that speaks only h2 refuses ALPN postgresql: an error naming the ALPN step", async () => {
    const confirmed = await confirmWithOpenSslClient(
      { host: "127.0.0.1", port: h2Only.port },
      { protocol: "TLSv1.3", extraArgs: ["-alpn", "postgresql"] },
    );
    expect(confirmed.ok).toBe(false);
    expect(confirmed.alert).toBe(120);
    const report = await scanTarget(`127.0.0.1:${h2Only.port}`, {
      timeoutMs: 20_000,
      starttls: "postgres-direct",
    });
    expect(report.reachable).toBe(true);
    expect(report.target.starttls).toEqual({ protocol: "postgres-direct", banner: null });
    expect(report.errors).toEqual([
      {
        probe: "starttls/postgres-direct",
        code: "protocol",
        message:
          'starttls/postgres-direct: the server refused ALPN "postgresql" (alert no_application_protocol) (at ALPN)',
      },
    ]);
    expect(report.protocols["TLSv1.3"]).toBeNull();
    expect(report.cipherSuites).toBeNull();
  }, 120_000);

  it("a TLS server that selects no ALPN is scanned, with an error saying libpq would refuse it", async () => {
    expect(await opensslAlpnLine(noAlpn.port)).toBe("No ALPN negotiated");
    const report = await scanTarget(`127.0.0.1:${noAlpn.port}`, {
      timeoutMs: 20_000,
      starttls: "postgres-direct",
    });
    expect(report.errors[0]).toEqual({
      probe: "starttls/postgres-direct",
      code: "protocol",
      message:
        'starttls/postgres-direct: the server completed TLS but selected ALPN none, not "postgresql": a client using direct negotiation refuses it (at ALPN)',
    });
    expect(report.protocols["TLSv1.3"]).toBe(true);
    expect(report.features.alpn).toEqual({ offered: ["postgresql"], selected: null });
  }, 120_000);

  it("PostgreSQL 15 closes on a direct ClientHello: named, not read as no TLS", async () => {
    const port = pg15.ports["postgres"] as number;
    // Second client: s_client's direct hello with ALPN postgresql gets no handshake either.
    const confirmed = await confirmWithOpenSslClient(
      { host: "127.0.0.1", port },
      { protocol: "TLSv1.3", extraArgs: ["-alpn", "postgresql"] },
    );
    expect(confirmed.ok).toBe(false);
    const report = await scanTarget(
      `postgresql://localhost@127.0.0.1:${port}/postgres?sslmode=require&sslnegotiation=direct`,
      { timeoutMs: 20_000 },
    );
    expect(report.reachable).toBe(true);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({ probe: "starttls/postgres-direct" });
    expect(report.errors[0]?.message).toMatch(
      /^starttls\/postgres-direct: the server closed the connection without a TLS reply: .*scan postgres:\/\/ to negotiate with SSLRequest \(at ClientHello\)$/,
    );
    expect(report.protocols["TLSv1.2"]).toBeNull();
    expect(report.protocols["TLSv1.3"]).toBeNull();
  }, 120_000);
});
