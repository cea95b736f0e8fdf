import { createServer } from "node:net";
import type { Socket } from "node:net";

import type { LoopbackHost } from "../tls-versions.js";
import type { TestServer } from "./test-server.js";

/**
 * A script for one connection. It is called with the client's first chunk (typically its
 * ClientHello; it may hold less or more than one record). Later chunks arrive as 'data' events on
 * the socket, which is in flowing mode: attach a listener before yielding if you need them. A
 * thrown error or rejected promise is recorded in `errors` and the socket destroyed.
 */
export type RawHandler = (socket: Socket, firstChunk: Buffer) => void | Promise<void>;

export interface RawServerOptions {
  /** Default 127.0.0.1. */
  readonly host?: LoopbackHost;
  /**
   * Default true. When false the handler runs as soon as the connection is accepted, with an
   * empty first chunk (for scripts that act before the client speaks: close, reset, banner).
   */
  readonly waitForData?: boolean;
}

export interface RawServer extends TestServer {
  readonly kind: "raw";
  /** Connections accepted so far. */
  readonly connections: number;
  /** Errors thrown by the handler, in order. */
  readonly errors: readonly unknown[];
}

/**
 * A scripted TCP server for what no real TLS stack sends: SSLv2 SERVER-HELLO, post-quantum HRR,
 * absurd lengths, trickled or endless records, plain HTTP, instant close, resets. `stop()`
 * destroys every open socket (ending scripts that never finish) and closes the listener.
 */
export async function startRawServer(
  handler: RawHandler,
  options: RawServerOptions = {},
): Promise<RawServer> {
  const host = options.host ?? "127.0.0.1";
  const waitForData = options.waitForData ?? true;
  const sockets = new Set<Socket>();
  const errors: unknown[] = [];
  let connections = 0;

  const run = (socket: Socket, firstChunk: Buffer): void => {
    const fail = (error: unknown): void => {
      errors.push(error);
      socket.destroy();
    };
    try {
      Promise.resolve(handler(socket, firstChunk)).catch(fail);
    } catch (error) {
      fail(error);
    }
  };

  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    // Resets and writes after the peer left are expected here, not failures of the test process.
    socket.on("error", () => undefined);
    if (waitForData) socket.once("data", (chunk: Buffer) => run(socket, chunk));
    else run(socket, Buffer.alloc(0));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port: 0 }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;

  let stopping: Promise<void> | null = null;
  return {
    kind: "raw",
    host,
    port,
    get connections() {
      return connections;
    },
    errors,
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return stopping;
    },
  };
}
