/**
 * A run that fails in this thread ends whole: when a lane throws (here the caller's onReport),
 * no lane takes another target, the scans in flight are cut and settled, and only then does the
 * run reject with the first error. A scan in flight is held on a real TCP listener that accepts
 * and never answers (no TLS stack hangs on purpose), so that it would outlive a run that did not
 * cut it; the scanner's sockets are watched through the connect seam, which opens real
 * connections.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeTlsFleet, startTlsFleet, type FleetEndpoint } from "../../test/support/tls-fleet.js";
import { scanTargets } from "./scan-targets.js";

let endpoints: FleetEndpoint[] = [];
let silent: Server;
let silentPort = 0;
let silentConnections = 0;
const held = new Set<Socket>();
const opened: { port: number; socket: Socket }[] = [];

beforeAll(async () => {
  endpoints = await startTlsFleet(6, ["127.0.0.1"], () => true);
  silent = createServer((socket) => {
    silentConnections += 1;
    held.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => held.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  silentPort = (silent.address() as AddressInfo).port;
}, 60_000);

afterAll(async () => {
  for (const { socket } of opened) socket.destroy();
  for (const socket of held) socket.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
  await closeTlsFleet(endpoints);
});

describe("scanTargets in one thread, when the run fails", () => {
  it("stops every lane, cuts the scans in flight and rejects with the first error", async () => {
    const first = endpoints[0]!;
    const targets = [
      `${first.address}:${first.port}`,
      `127.0.0.1:${silentPort}`,
      ...endpoints.slice(1).map((e) => `${e.address}:${e.port}`),
    ];
    const thrown = new Error("the report could not be written");
    const started = new Set<string>();
    const delivered: number[] = [];
    const outcome = await scanTargets(targets, {
      parallelTargets: 2,
      timeoutMs: 60_000,
      retries: 0,
      connect: (to) => {
        const socket = connect({ host: to.address, port: to.port });
        opened.push({ port: to.port, socket });
        return socket;
      },
      onProgress: (event) => started.add(event.target),
      onReport: (_report, index) => {
        delivered.push(index);
        throw thrown;
      },
    }).then(
      () => "resolved",
      (error: unknown) => error,
    );

    expect(outcome).toBe(thrown);
    // The silent target was under way when the first report threw...
    expect(silentConnections).toBeGreaterThanOrEqual(1);
    // ...and was cut before the run rejected: no connection of the run is left open.
    expect(opened.filter(({ socket }) => !socket.destroyed).map(({ port }) => port)).toEqual([]);
    // No lane took another target: only the two the lanes held were ever started.
    expect(started).toEqual(new Set(targets.slice(0, 2)));
    expect(new Set(opened.map(({ port }) => port))).toEqual(new Set([first.port, silentPort]));
    // The report of the cut scan was never delivered.
    expect(delivered).toEqual([0]);
  }, 60_000);
});
