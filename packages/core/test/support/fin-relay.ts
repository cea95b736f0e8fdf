import { createServer, connect as netConnect, type Server, type Socket } from "node:net";

export interface FinRelay {
  port: number;
  halfClosed: boolean[];
  stop(): Promise<void>;
}

/**
 * A scripted relay (no real TLS stack does this, but a proxy may): it forwards both ways until
 * the client ends its side, then forwards nothing more and keeps the connection open, so a
 * half-closed hello never gets its answer. `halfClosed` records, per connection, whether the
 * client ended its side before any answer came.
 */
export async function startRelayStoppingOnFin(upstreamPort: number): Promise<FinRelay> {
  const halfClosed: boolean[] = [];
  const sockets: Socket[] = [];
  const relay: Server = createServer({ allowHalfOpen: true }, (client) => {
    const index = halfClosed.push(false) - 1;
    const upstream = netConnect({ port: upstreamPort, host: "127.0.0.1", allowHalfOpen: true });
    sockets.push(client, upstream);
    let stopped = false;
    client.on("data", (chunk: Buffer) => {
      if (!stopped) upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (!stopped) client.write(chunk);
    });
    let answered = false;
    upstream.once("data", () => (answered = true));
    client.on("end", () => {
      stopped = true;
      if (!answered) halfClosed[index] = true;
    });
    upstream.on("end", () => {
      if (!stopped) client.end();
    });
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  const stop = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => relay.close(() => resolve()));
  };
  const address = relay.address();
  if (address === null || typeof address === "string") throw new Error("relay has no port");
  return { port: address.port, halfClosed, stop };
}
