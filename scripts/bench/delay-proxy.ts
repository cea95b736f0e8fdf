// A TCP proxy that holds every chunk `delayMs` in each direction, so a loopback server looks like
// one `2 × delayMs` of round trip away. Order is kept (each chunk leaves `delayMs` after it came),
// and an end or a reset follows the data before it. A half-close is passed on as one, as TCP
// would: each side's end reaches the other, which may still answer.
import { connect, createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export interface DelayProxy {
  host: string;
  port: number;
  stop: () => Promise<void>;
}

function delayed(from: Socket, to: Socket, delayMs: number, timers: Set<NodeJS.Timeout>): void {
  const later = (work: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      work();
    }, delayMs);
    timers.add(timer);
  };
  from.on("data", (chunk) => later(() => to.destroyed || to.write(chunk)));
  from.on("end", () => later(() => to.destroyed || to.end()));
  from.on("error", () => later(() => to.destroy()));
  from.on("close", (hadError) => hadError && later(() => to.destroy()));
}

/** Listens on `host` (port 0) and forwards each connection to `upstream`, delayed both ways. */
export async function startDelayProxy(
  upstream: { host: string; port: number },
  options: { host: string; delayMs: number },
): Promise<DelayProxy> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    const server = connect({ port: upstream.port, host: upstream.host, allowHalfOpen: true });
    for (const socket of [client, server]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => undefined);
    }
    delayed(client, server, options.delayMs, timers);
    delayed(server, client, options.delayMs, timers);
  });
  await new Promise<void>((resolve) => server.listen(0, options.host, resolve));
  return {
    host: options.host,
    port: (server.address() as AddressInfo).port,
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
