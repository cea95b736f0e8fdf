import { connect as netConnect } from "node:net";
import { Duplex } from "node:stream";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createChain, pemBundle, type TestChain } from "@tlsgate/testing/pki";
import {
  confirmEarlyDataWithOpenSsl,
  pickFreePort,
  startFirstRecordRelay,
  startNodeTlsServer,
  startOpenSslServer,
  startRawServer,
} from "@tlsgate/testing";
import { probeHandshake } from "./full-handshake.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

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
        expect(outcome.handshake.nodeChain?.map(hex)).toEqual(served());
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

  it("reads only what the caller asks for, and resumes only the session passed", async () => {
    const server = await startNodeTlsServer({
      key: chain.leaf.keyPem,
      cert: pemBundle(chain.leaf, chain.intermediate),
    });
    try {
      const endpoint = { address: "127.0.0.1", port: server.port, sni: "leaf.test" };
      const servedOnly = await probeHandshake(endpoint, { timeoutMs: 3000, reads: "served-chain" });
      if (!servedOnly.ok) throw new Error(servedOnly.message);
      expect(servedOnly.handshake.servedChain?.map(hex)).toEqual(served());
      expect(servedOnly.handshake).toMatchObject({ nodeChain: null, maxEarlyData: null });

      const session = await probeHandshake(endpoint, {
        timeoutMs: 3000,
        ticketWaitMs: 2000,
        reads: "session",
      });
      if (!session.ok) throw new Error(session.message);
      expect(session.handshake).toMatchObject({
        protocol: "TLSv1.3",
        ticketIssued: true,
        reused: false,
        servedChain: null,
        nodeChain: null,
        maxEarlyData: null,
      });
      expect(session.handshake.servedChainError).toMatch(/not read/);
      // The context is shared between handshakes, but a handshake resumes only what it is given.
      const fresh = await probeHandshake(endpoint, { timeoutMs: 3000, reads: "session" });
      if (!fresh.ok) throw new Error(fresh.message);
      expect(fresh.handshake.reused).toBe(false);
      const resumed = await probeHandshake(endpoint, {
        timeoutMs: 3000,
        reads: "session",
        session: session.handshake.session ?? Buffer.alloc(0),
      });
      if (!resumed.ok) throw new Error(resumed.message);
      expect(resumed.handshake.reused).toBe(true);
      // Contexts are kept apart by their options: a TLS 1.2 cap, then none again.
      const capped = await probeHandshake(endpoint, { timeoutMs: 3000, maxVersion: "TLSv1.2" });
      const uncapped = await probeHandshake(endpoint, { timeoutMs: 3000 });
      expect(capped.ok && capped.handshake.protocol).toBe("TLSv1.2");
      expect(uncapped.ok && uncapped.handshake.protocol).toBe("TLSv1.3");
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

  it("tells a close before any reply from a close in the middle of the server's flight", async () => {
    const server = await startNodeTlsServer({
      key: chain.leaf.keyPem,
      cert: pemBundle(chain.leaf, chain.intermediate),
    });
    const relay = await startFirstRecordRelay(server.port);
    // A listener that closes every connection without a byte: the refusal.
    const closer = await startRawServer((socket) => {
      socket.end();
    });
    try {
      const cut = await probeHandshake(
        { address: "127.0.0.1", port: relay.port, sni: "leaf.test" },
        { timeoutMs: 5000 },
      );
      // The relay passed on exactly one record (the ServerHello) before closing.
      expect(relay.forwarded).toHaveLength(1);
      expect(cut).toEqual({
        ok: false,
        code: "closed",
        received: relay.forwarded[0],
        message: `the server closed the connection during the handshake, after sending ${relay.forwarded[0]} bytes`,
      });
      const refused = await probeHandshake(
        { address: "127.0.0.1", port: closer.port, sni: "leaf.test" },
        { timeoutMs: 5000 },
      );
      expect(closer.connections).toBe(1);
      expect(refused).toEqual({
        ok: false,
        code: "closed",
        received: 0,
        message: "the server closed the connection before replying",
      });
    } finally {
      await Promise.all([relay.stop(), closer.stop(), server.stop()]);
    }
  });

  it("counts the bytes of a cut flight when read only for its session, over a socket or a stream", async () => {
    // A session-only handshake runs TLS on a TCP socket directly (no tap), but a STARTTLS
    // connection is a stream of its own: both must say how far the server got.
    const server = await startNodeTlsServer({
      key: chain.leaf.keyPem,
      cert: pemBundle(chain.leaf, chain.intermediate),
    });
    const relay = await startFirstRecordRelay(server.port);
    /** A plain stream over a TCP socket, as the STARTTLS runner hands one over after its exchange. */
    const overStream = (to: { address: string; port: number }): Duplex => {
      const socket = netConnect({ host: to.address, port: to.port });
      const stream: Duplex = new Duplex({
        read() {},
        write(chunk: Buffer, _encoding, callback) {
          socket.write(chunk, callback);
        },
        final(callback) {
          socket.end();
          callback();
        },
        destroy(error, callback) {
          socket.destroy();
          callback(error);
        },
      });
      socket.on("data", (chunk: Buffer) => stream.push(chunk));
      socket.on("end", () => stream.push(null));
      socket.on("error", (error) => stream.destroy(error));
      return stream;
    };
    try {
      for (const connect of [undefined, overStream]) {
        const cut = await probeHandshake(
          { address: "127.0.0.1", port: relay.port, sni: "leaf.test" },
          {
            timeoutMs: 5000,
            reads: "session",
            ...(connect === undefined ? {} : { connect: connect as never }),
          },
        );
        const sent = relay.forwarded.at(-1);
        expect(sent).toBeGreaterThan(0);
        expect(cut).toEqual({
          ok: false,
          code: "closed",
          received: sent,
          message: `the server closed the connection during the handshake, after sending ${sent} bytes`,
        });
      }
    } finally {
      await Promise.all([relay.stop(), server.stop()]);
    }
  });

  it("sees the ticket that arrived while its event loop was busy past the ticket wait", async () => {
    // openssl s_server (its own process) sends its tickets right after our Finished; a second
    // client confirms that it does, and what they allow.
    const server = await startOpenSslServer({ protocol: "TLSv1.3" });
    try {
      const truth = await confirmEarlyDataWithOpenSsl({ host: "127.0.0.1", port: server.port });
      let writes = 0;
      const outcome = await probeHandshake(
        { address: "127.0.0.1", port: server.port, sni: null },
        {
          timeoutMs: 10_000,
          ticketWaitMs: 5000,
          connect: (to) => {
            const socket = netConnect({ host: to.address, port: to.port });
            const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
            // A loaded process: once the client has sent its Finished (its second write), the
            // event loop is held longer than the ticket wait, so the wait's timer falls due
            // while the ticket already sits in the socket's buffer.
            socket.write = ((...args: unknown[]) => {
              writes += 1;
              if (writes === 2) {
                setImmediate(() => {
                  const until = Date.now() + 600;
                  while (Date.now() < until);
                });
              }
              return write(...args);
            }) as typeof socket.write;
            return socket;
          },
        },
      );
      if (!outcome.ok) throw new Error(outcome.message);
      expect(writes).toBeGreaterThanOrEqual(2);
      expect(outcome.handshake).toMatchObject({
        protocol: "TLSv1.3",
        ticketIssued: true,
        maxEarlyData: truth.maxEarlyData,
      });
    } finally {
      await server.stop();
    }
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

  it("leaves no timer behind when the server closes first", async () => {
    // The server ends each connection as soon as the handshake is done, so the socket is
    // closed by the time the probe finishes: a close timer set then would never be cleared.
    const server = await startNodeTlsServer({
      key: chain.leaf.keyPem,
      cert: pemBundle(chain.leaf, chain.intermediate),
      onSecureConnection: (socket) => socket.end(),
    });
    // Every timer the probe sets must have fired or been cleared when it resolves.
    const pending = new Set<unknown>();
    const { setTimeout: realSet, clearTimeout: realClear } = globalThis;
    vi.spyOn(globalThis, "setTimeout").mockImplementation(((callback: () => void, ms?: number) => {
      const handle = realSet(() => {
        pending.delete(handle);
        callback();
      }, ms);
      pending.add(handle);
      return handle;
    }) as typeof setTimeout);
    vi.spyOn(globalThis, "clearTimeout").mockImplementation((handle) => {
      pending.delete(handle);
      realClear(handle);
    });
    try {
      const outcome = await probeHandshake(
        { address: "127.0.0.1", port: server.port, sni: null },
        { timeoutMs: 3000, ticketWaitMs: 2000 },
      );
      if (!outcome.ok) throw new Error(outcome.message);
      expect(outcome.handshake.protocol).toBe("TLSv1.3");
      expect(pending.size).toBe(0);
    } finally {
      vi.restoreAllMocks();
      await server.stop();
    }
  });
});
