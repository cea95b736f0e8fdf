import { afterEach, describe, expect, it } from "vitest";
import { startRawServer, type RawHandler, type RawServer } from "@tlsgate/testing";
import { exchange, type ExchangeOptions } from "./exchange.js";

const servers: RawServer[] = [];
async function serve(handler: RawHandler, waitForData = true): Promise<RawServer> {
  const server = await startRawServer(handler, { waitForData });
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

const REQUEST = Uint8Array.of(1, 2, 3);

function talk(
  server: RawServer,
  consume: (chunk: Uint8Array) => boolean,
  options: Partial<ExchangeOptions> = {},
) {
  return exchange({ address: "127.0.0.1", port: server.port }, REQUEST, consume, {
    timeoutMs: 1000,
    ...options,
  });
}

describe("exchange", { timeout: 10_000 }, () => {
  it("feeds the reply to consume until it is complete, and says when it connected", async () => {
    const server = await serve((socket, first) => {
      socket.write(Buffer.concat([first, first]));
    });
    const seen: number[] = [];
    let connected = false;
    const result = await talk(
      server,
      (chunk) => {
        seen.push(...chunk);
        return seen.length >= 6;
      },
      { onConnect: () => (connected = true) },
    );
    expect(result).toEqual({ kind: "done" });
    expect(seen).toEqual([1, 2, 3, 1, 2, 3]);
    expect(connected).toBe(true);
  });

  it("reads a close without a byte as closed with nothing received", async () => {
    const server = await serve((socket) => {
      socket.end();
    }, false);
    expect(await talk(server, () => false)).toEqual({ kind: "closed", received: 0 });
  });

  it("reads a reset as a failure, not a close", async () => {
    const server = await serve((socket) => {
      socket.resetAndDestroy();
    }, false);
    const result = await talk(server, () => false);
    expect(result).toMatchObject({ kind: "failed", code: "reset" });
  });

  it("gives up at the deadline", async () => {
    const server = await serve(() => undefined);
    const result = await talk(server, () => false, { timeoutMs: 200 });
    expect(result).toMatchObject({ kind: "failed", code: "timeout", received: 0 });
  });

  it("stops reading once the server sends more than maxBytes", async () => {
    const server = await serve((socket) => {
      const chunk = Buffer.alloc(64 * 1024);
      const pump = (): void => {
        while (!socket.destroyed && socket.write(chunk));
        if (!socket.destroyed) socket.once("drain", pump);
      };
      pump();
    });
    const result = await talk(server, () => false, { maxBytes: 256 * 1024 });
    expect(result).toMatchObject({ kind: "failed", code: "too-large" });
    expect(result.kind === "failed" && result.received).toBeLessThan(256 * 1024 + 64 * 1024 + 1);
  });

  it("reports a refused connection and never calls onConnect", async () => {
    const server = await serve(() => undefined);
    await server.stop();
    let connected = false;
    const result = await talk(server, () => false, { onConnect: () => (connected = true) });
    expect(result).toMatchObject({ kind: "failed", code: "refused" });
    expect(connected).toBe(false);
  });

  it("ends at once when aborted", async () => {
    const server = await serve(() => undefined);
    const controller = new AbortController();
    const pending = talk(server, () => false, { signal: controller.signal, timeoutMs: 5000 });
    controller.abort();
    expect(await pending).toMatchObject({ kind: "failed", code: "aborted" });
  });
});
