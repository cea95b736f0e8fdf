/**
 * A run that fails in this thread ends whole: when a lane throws (here the caller's onReport),
 * no lane takes another target, the scans in flight are cut and settled, and only then does the
 * run reject with the first error. A scan in flight is held on a real TCP listener that accepts
 * and never answers (no TLS stack hangs on purpose), so that it would outlive a run that did not
 * cut it; the scanner's sockets are watched through the connect seam, which opens real
 * connections. Also: the library's numeric options are checked before anything starts.
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

describe("scanTargets' numeric options", () => {
  const names = [
    "workers",
    "parallelTargets",
    "concurrency",
    "maxConnections",
    "maxPerAddress",
  ] as const;

  for (const name of names) {
    for (const value of [0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      it(`${name}: ${value} is a RangeError naming the option, before any scan`, async () => {
        const connects: unknown[] = [];
        const outcome = await scanTargets([`127.0.0.1:${silentPort}`], {
          [name]: value,
          timeoutMs: 1_000,
          connect: (to) => {
            connects.push(to);
            return connect({ host: to.address, port: to.port });
          },
        }).then(
          () => null,
          (error: unknown) => error,
        );
        expect(outcome).toBeInstanceOf(RangeError);
        expect((outcome as RangeError).message).toBe(
          `scanTargets: ${name} must be a positive safe integer, got ${value}`,
        );
        expect(connects).toEqual([]);
      });
    }
  }

  it("the same values, when whole and positive, are taken", async () => {
    const first = endpoints[0]!;
    const [report] = await scanTargets([`${first.address}:${first.port}`], {
      workers: 3,
      parallelTargets: 1,
      concurrency: 2,
      maxConnections: 4,
      maxPerAddress: 2,
      timeoutMs: 20_000,
    });
    expect(report!.protocols["TLSv1.3"]).toBe(true);
  }, 60_000);
});
