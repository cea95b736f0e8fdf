/**
 * The full handshake records the server's bytes to read the served chain itself, so it bounds
 * them: a server that sends more than the cap before the handshake completes is cut off with a
 * reason; after it completes (waiting for a ticket), what was recorded is judged.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNodeTlsServer, startOpenSslServer } from "@tlsgate/testing";
import { MAX_HANDSHAKE_BYTES, probeHandshake } from "./full-handshake.js";

type Server = Awaited<ReturnType<typeof startNodeTlsServer>>;
let quiet: Server;
let flood: Server;

beforeAll(async () => {
  quiet = await startNodeTlsServer({ minVersion: "TLSv1.3" });
  // Right after the handshake, 8 MiB of application data the client never asked for.
  flood = await startNodeTlsServer({
    minVersion: "TLSv1.3",
    onSecureConnection: (socket) => {
      socket.on("error", () => {});
      socket.write(Buffer.alloc(8 * 1024 * 1024, 0x41));
    },
  });
});

afterAll(async () => {
  await Promise.all([quiet.stop(), flood.stop()]);
});

const endpoint = (server: Server) => ({ address: "127.0.0.1", port: server.port, sni: null });

describe("the bytes a full handshake records", () => {
  it("cuts off a server that sends more than the cap before the handshake completes", async () => {
    // The server's first flight (certificate included) is over 1000 bytes.
    const outcome = await probeHandshake(endpoint(quiet), { timeoutMs: 5000, maxBytes: 1000 });
    expect(outcome).toEqual({
      ok: false,
      code: "unparseable",
      message: "the server sent more than 1000 bytes without completing the handshake",
      received: expect.any(Number),
    });
    expect(!outcome.ok && outcome.received).toBeGreaterThan(1000);
  });

  it("judges what it recorded when a server floods after the handshake", async () => {
    expect(MAX_HANDSHAKE_BYTES).toBe(2 * 1024 * 1024);
    const outcome = await probeHandshake(endpoint(flood), { timeoutMs: 5000, ticketWaitMs: 2000 });
    if (!outcome.ok) throw new Error(outcome.message);
    expect(outcome.handshake.protocol).toBe("TLSv1.3");
    expect(outcome.handshake.servedChain).toHaveLength(1);
    expect(outcome.handshake.servedChainError).toBeNull();
  });
});

describe("the ticket wait", () => {
  it("ends at the probe's deadline with the completed handshake, not a timeout", async () => {
    // A TLS 1.3 server that issues no ticket: the probe would wait at least 150 ms for one, past
    // its 140 ms deadline, which then judges the handshake it has.
    const server = await startOpenSslServer({ extraArgs: ["-num_tickets", "0", "-tls1_3"] });
    try {
      const outcome = await probeHandshake(
        { address: "127.0.0.1", port: server.port, sni: null },
        { timeoutMs: 140, ticketWaitMs: 5000 },
      );
      if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.message}`);
      expect(outcome.handshake.protocol).toBe("TLSv1.3");
      expect(outcome.handshake.ticketIssued).toBe(false);
      expect(outcome.handshake.servedChain).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });
});
