/**
 * A fleet over worker threads: the reports equal those of the same fleet scanned in one thread,
 * in the order of the targets; the connection caps hold over all the workers together (each
 * worker logs its own TCP connections on one process-wide clock); a worker that crashes leaves
 * an error report for each target it held (never a pass, never a hang); the target's and the
 * run's deadlines cut scans in workers as they do in one thread. The workers run the built entry
 * (dist/scan/worker.js: `test` builds first), loaded through a small module in a temporary folder
 * that also records each thread's start, so the test knows the scans really ran in workers.
 */
import { getEventListeners } from "node:events";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { untilQuiet } from "@tlsgate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  closeTlsFleet,
  expectConfiguredVersions,
  reportFacts,
  startTlsFleet,
  type FleetEndpoint,
} from "../../test/support/tls-fleet.js";
import { gateRun } from "../run/gate.js";
import { notScannedReason } from "../scan-report/not-scanned.js";
import type { ScanReport } from "../scan-report/types.js";
import { DeadlineReached, scanTargets } from "./scan-targets.js";
import { MIN_TARGETS_FOR_WORKERS, shareOf, workerCountFor } from "./worker-pool.js";

const BUILT_WORKER = new URL("../../dist/scan/worker.js", import.meta.url);
const ADDRESSES = ["127.0.0.1", "127.0.0.2"] as const;
const COUNT = MIN_TARGETS_FOR_WORKERS;

let endpoints: FleetEndpoint[] = [];
let silent: TcpServer;
let silentPort = 0;
const held = new Set<Socket>();
let folder = "";

/** A worker entry that records its start in `folder`, then runs `body` (the real worker by default). */
function workerModule(name: string, body: string): URL {
  const file = join(folder, `${name}.mjs`);
  writeFileSync(
    file,
    [
      'import { writeFileSync } from "node:fs";',
      'import { threadId } from "node:worker_threads";',
      `writeFileSync(${JSON.stringify(join(folder, `${name}-started-`))} + threadId, "");`,
      body,
    ].join("\n"),
  );
  return pathToFileURL(file);
}

function startedThreads(name: string): number {
  return readdirSync(folder).filter((file) => file.startsWith(`${name}-started-`)).length;
}

/**
 * A worker preamble that logs each TCP connection the worker opens: "open <id> <address> <time>"
 * when it connects and "close <id> <time>" when it emits 'close' (the probes remove their own
 * listeners, so the close is seen at emit). Times are process.hrtime, one clock for every thread.
 * Written synchronously, line by line, so a worker ended by the pool loses nothing it logged.
 */
function countingConnect(name: string): string {
  return `
import net from "node:net";
import { appendFileSync as logLine } from "node:fs";
import { threadId as thread } from "node:worker_threads";
const connectionLog = ${JSON.stringify(join(folder, `${name}-connections-`))} + thread;
logLine(connectionLog, "");
let nextId = 0;
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const id = nextId++;
  logLine(connectionLog, "open " + id + " " + first.host + " " + process.hrtime.bigint() + "\\n");
  const emit = this.emit;
  let closed = false;
  this.emit = function (event, ...rest) {
    if (event === "close" && !closed) {
      closed = true;
      logLine(connectionLog, "close " + id + " " + process.hrtime.bigint() + "\\n");
    }
    return emit.call(this, event, ...rest);
  };
  return connect.apply(this, args);
};
`;
}

interface LoggedConnection {
  address: string;
  opened: bigint;
  /** Never closed while logged: counted as open to the end. */
  closed: bigint | null;
}

/** Each worker's logged connections, by the name given to `workerModule`. */
function readConnectionLogs(name: string): LoggedConnection[][] {
  return readdirSync(folder)
    .filter((file) => file.startsWith(`${name}-connections-`))
    .map((file) => {
      const connections = new Map<string, LoggedConnection>();
      for (const line of readFileSync(join(folder, file), "utf8").split("\n")) {
        const [kind, id, ...rest] = line.split(" ");
        if (kind === "open") {
          connections.set(id!, { address: rest[0]!, opened: BigInt(rest[1]!), closed: null });
        } else if (kind === "close") {
          connections.get(id!)!.closed = BigInt(rest[0]!);
        }
      }
      return [...connections.values()];
    });
}

/** The most connections open at once over every thread's log, in all and per address. */
function peakConnections(logs: readonly LoggedConnection[][]): {
  threads: number;
  inAll: number;
  byAddress: Map<string, number>;
} {
  // A close at the same instant as an open counts first: the slot was free by then.
  const events = logs
    .flat()
    .flatMap((c) => [
      { at: c.opened, step: 1, address: c.address },
      ...(c.closed === null ? [] : [{ at: c.closed, step: -1, address: c.address }]),
    ]);
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.step - b.step));
  let open = 0;
  let inAll = 0;
  const openBy = new Map<string, number>();
  const byAddress = new Map<string, number>();
  for (const event of events) {
    open += event.step;
    inAll = Math.max(inAll, open);
    const here = (openBy.get(event.address) ?? 0) + event.step;
    openBy.set(event.address, here);
    byAddress.set(event.address, Math.max(byAddress.get(event.address) ?? 0, here));
  }
  return { threads: logs.filter((log) => log.length > 0).length, inAll, byAddress };
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "tlsgate-workers-"));
  // Two on, two off TLS 1.3, so that over two addresses a report at the wrong index shows.
  endpoints = await startTlsFleet(COUNT, ADDRESSES, (i) => i % 4 < 2);
  // Accepts and never answers: a real TCP listener standing in for a server that hangs, which
  // no TLS stack offers on purpose.
  silent = createTcpServer((socket) => {
    held.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => held.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  silentPort = (silent.address() as AddressInfo).port;
}, 60_000);

afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
  await closeTlsFleet(endpoints);
  rmSync(folder, { recursive: true, force: true });
});

/** What a report establishes, without timings: the fleet's facts and a few more. */
function facts(report: ScanReport): unknown {
  return {
    ...reportFacts(report),
    input: report.target.input,
    trusted: report.certificate?.trusted ?? null,
    features: report.features,
  };
}

/** Every report was cut by `cut`, and what it did not establish is unknown. */
function expectCut(reports: readonly ScanReport[], cut: DeadlineReached): void {
  expect(reports).toHaveLength(COUNT);
  for (const report of reports) {
    expect(report.errors).toContainEqual({
      probe: "deadline",
      code: "deadline",
      message: cut.message,
    });
    expect(report.protocols["TLSv1.3"]).toBeNull();
    expect(report.cipherSuites).toBeNull();
  }
}

describe("how many workers, and their shares of the budget", () => {
  it("a small fleet, or one worker asked for, stays in this thread", () => {
    const caps = { maxConnections: 256, maxPerAddress: 64, concurrency: 8 };
    expect(workerCountFor(MIN_TARGETS_FOR_WORKERS - 1, 8, caps)).toBe(1);
    expect(workerCountFor(1000, 1, caps)).toBe(1);
    expect(workerCountFor(1000, 4, caps)).toBe(4);
    // Each worker's per-address share keeps a target's own concurrency: 64 / 8 = 8 workers.
    expect(workerCountFor(2048, 64, caps)).toBe(8);
    expect(shareOf(64, 8, 7)).toBeGreaterThanOrEqual(caps.concurrency);
    // ...and its total share too: 20 connections hold two targets' 8 at once.
    expect(workerCountFor(2048, 64, { ...caps, maxConnections: 20 })).toBe(2);
    // A per-address cap below the concurrency is one worker's whole share: no split.
    expect(workerCountFor(1000, 8, { ...caps, maxPerAddress: 3 })).toBe(1);
    expect(workerCountFor(1000, 8, { ...caps, concurrency: 1, maxPerAddress: 3 })).toBe(3);
    expect(workerCountFor(1000, 8, { ...caps, parallelTargets: 2 })).toBe(2);
    // Enough targets apiece to pay for a thread's start.
    expect(workerCountFor(MIN_TARGETS_FOR_WORKERS, 64, caps)).toBe(2);
  });

  it("the shares add up to the caps, so the caps hold over all the workers", () => {
    for (const [total, parts] of [
      [256, 2],
      [64, 3],
      [5, 4],
      [7, 7],
    ] as const) {
      const shares = Array.from({ length: parts }, (_, i) => shareOf(total, parts, i));
      expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
      expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
      expect(Math.min(...shares)).toBeGreaterThanOrEqual(1);
    }
  });
});

describe("scanTargets over worker threads", () => {
  it("the configured versions are what a second client sees", async () => {
    await expectConfiguredVersions(endpoints[0]!, endpoints[2]!);
  }, 60_000);

  it("two workers give the reports one thread gives, in the order of the targets", async () => {
    const targets = endpoints.map((e) => `${e.address}:${e.port}`);
    const limits = { maxConnections: 64, maxPerAddress: 32, concurrency: 4, timeoutMs: 20_000 };
    const progressed = new Set<string>();
    const inOrder: number[] = [];
    const threaded = await scanTargets(targets, {
      ...limits,
      workers: 2,
      workerUrl: workerModule("real", `import ${JSON.stringify(BUILT_WORKER.href)};`),
      onProgress: (event) => progressed.add(event.target),
      onReport: (_report, index) => void inOrder.push(index),
    });
    expect(startedThreads("real")).toBe(2);
    const alone = await scanTargets(targets, { ...limits, workers: 1 });

    expect(threaded.map((report) => report.target.input)).toEqual(targets);
    expect(threaded.map(facts)).toEqual(alone.map(facts));
    expect([...inOrder].sort((a, b) => a - b)).toEqual(targets.map((_, i) => i));
    expect(progressed).toEqual(new Set(targets));
    threaded.forEach((report, i) => {
      expect(report.reachable).toBe(true);
      expect(report.protocols).toMatchObject({
        "TLSv1.1": false,
        "TLSv1.2": true,
        "TLSv1.3": endpoints[i]!.tls13,
      });
    });
  }, 300_000);

  // Each worker gets half of each cap; the first case binds per address, the second in all.
  it.each([
    { maxConnections: 16, maxPerAddress: 6, concurrency: 3 },
    { maxConnections: 8, maxPerAddress: 8, concurrency: 3 },
  ])(
    "the caps hold over both workers together: their connections never add up to more (%o)",
    async (limits) => {
      const targets = endpoints.map((e) => `${e.address}:${e.port}`);
      const name = `count-${limits.maxConnections}`;
      const reports = await scanTargets(targets, {
        ...limits,
        timeoutMs: 20_000,
        workers: 2,
        workerUrl: workerModule(
          name,
          `${countingConnect(name)}\nimport ${JSON.stringify(BUILT_WORKER.href)};`,
        ),
      });
      expect(startedThreads(name)).toBe(2);
      const peaks = peakConnections(readConnectionLogs(name));
      expect(peaks.threads).toBe(2);
      expect(peaks.inAll).toBeLessThanOrEqual(limits.maxConnections);
      for (const address of ADDRESSES) {
        expect(peaks.byAddress.get(address)).toBeLessThanOrEqual(limits.maxPerAddress);
      }
      // Both workers had connections open at once: more than one worker's share of the cap
      // that binds.
      const binding = Math.min(limits.maxConnections, limits.maxPerAddress * ADDRESSES.length);
      const peak =
        binding === limits.maxConnections ? peaks.inAll : Math.max(...peaks.byAddress.values());
      const share =
        binding === limits.maxConnections ? limits.maxConnections : limits.maxPerAddress;
      expect(peak).toBeGreaterThan(share / 2);
      reports.forEach((report, i) => {
        expect(report.reachable).toBe(true);
        expect(report.protocols["TLSv1.3"]).toBe(endpoints[i]!.tls13);
      });
    },
    300_000,
  );

  it("hands out no target while a report is unread: only those already in flight come in", async () => {
    const targets = endpoints.map((e) => `${e.address}:${e.port}`);
    // Two workers of 4 connections each, a target taking 4: 2 targets in flight per worker.
    const limits = { maxConnections: 8, maxPerAddress: 8, concurrency: 4 };
    let read: () => void = () => undefined;
    const unread = new Promise<void>((resolve) => (read = resolve));
    const delivered: number[] = [];
    const run = scanTargets(targets, {
      ...limits,
      timeoutMs: 20_000,
      workers: 2,
      workerUrl: workerModule("reader", `import ${JSON.stringify(BUILT_WORKER.href)};`),
      onReport: (_report, index) => {
        delivered.push(index);
        return delivered.length === 1 ? unread : undefined;
      },
    });
    // The targets in flight finish, no more start.
    const deliveredWhileUnread = await untilQuiet(() => delivered.length);
    read();
    const reports = await run;
    expect(startedThreads("reader")).toBe(2);
    expect(deliveredWhileUnread).toBeGreaterThanOrEqual(1);
    expect(deliveredWhileUnread).toBeLessThanOrEqual(4);
    expect([...delivered].sort((a, b) => a - b)).toEqual(targets.map((_, i) => i));
    reports.forEach((report, i) => {
      expect(report.reachable).toBe(true);
      expect(report.protocols["TLSv1.3"]).toBe(endpoints[i]!.tls13);
    });
  }, 300_000);

  it("a reader that never reads does not hold the run past its cut, and adds no listener per report", async () => {
    const targets = endpoints.map((e) => `${e.address}:${e.port}`);
    const run = new AbortController();
    let delivered = 0;
    const scan = scanTargets(targets, {
      maxConnections: 16,
      maxPerAddress: 16,
      concurrency: 4,
      timeoutMs: 20_000,
      workers: 2,
      signal: run.signal,
      workerUrl: workerModule("stalled-reader", `import ${JSON.stringify(BUILT_WORKER.href)};`),
      onReport: () => {
        delivered += 1;
        return new Promise<void>(() => undefined);
      },
    });
    // Every target in flight has reported.
    const seen = await untilQuiet(() => delivered);
    // Several reports wait on the reader; the run's signal carries the pool's two listeners.
    expect(delivered).toBeGreaterThan(1);
    expect(getEventListeners(run.signal, "abort")).toHaveLength(2);
    run.abort(new DeadlineReached("run", 4321));
    const reports = await scan;
    expect(startedThreads("stalled-reader")).toBe(2);
    expect(delivered).toBe(COUNT);
    const cut = reports.filter((report) =>
      report.errors.some((error) => error.message === new DeadlineReached("run", 4321).message),
    );
    // Every target not yet started when the reader stalled was cut, never scanned.
    expect(cut.length).toBeGreaterThanOrEqual(COUNT - seen);
    expect(getEventListeners(run.signal, "abort")).toHaveLength(0);
  }, 300_000);

  it("a reader that fails fails the run, as a throwing onReport does", async () => {
    const targets = endpoints.map((e) => `${e.address}:${e.port}`);
    await expect(
      scanTargets(targets, {
        timeoutMs: 20_000,
        workers: 2,
        workerUrl: workerModule("failing-reader", `import ${JSON.stringify(BUILT_WORKER.href)};`),
        onReport: () => Promise.reject(new Error("the reader failed")),
      }),
    ).rejects.toThrow("the reader failed");
    expect(startedThreads("failing-reader")).toBe(2);
  }, 300_000);

  it("a worker that crashes leaves an error report for each target it held, and the run ends", async () => {
    const targets = endpoints.map((e) => `${e.address}:${e.port}`);
    const reports = await scanTargets(targets, {
      timeoutMs: 20_000,
      workers: 2,
      workerUrl: workerModule(
        "crash",
        [
          'import { parentPort } from "node:worker_threads";',
          'parentPort.on("message", () => { throw new Error("scanner bug"); });',
        ].join("\n"),
      ),
    });
    expect(startedThreads("crash")).toBe(2);
    expect(reports.map((report) => report.target.input)).toEqual(targets);
    for (const report of reports) {
      expect(report.reachable).toBeNull();
      expect(report.protocols["TLSv1.2"]).toBeNull();
      expect(report.cipherSuites).toBeNull();
      expect(report.errors).toHaveLength(1);
      expect(report.errors[0]).toMatchObject({ probe: "worker", code: "internal" });
      // The targets it held name the crash; those left when no worker was, say so.
      expect(report.errors[0]!.message).toMatch(
        /crashed \(scanner bug\)|no worker thread was left/,
      );
    }
    expect(reports.some((report) => report.errors[0]!.message.includes("scanner bug"))).toBe(true);
    // A lost thread is the run's fault: it blocks even when inconclusive targets may pass, and
    // the reason names the thread, not DNS (these targets are IP literals: the address is known).
    const gate = gateRun([], reports, { inconclusive: "pass" });
    expect(gate.verdict).toBe("fail");
    expect(gate.outcome).toBe("unscannable");
    expect(reports[0]!.target.address).toBe(endpoints[0]!.address);
    expect(notScannedReason(reports[0]!)).toMatch(/^(the worker thread|no worker thread)/);
  }, 120_000);

  it("a scan that throws in a worker rejects the run, as it does in one thread", async () => {
    const targets = endpoints.map((e) => `${e.address}:${e.port}`);
    const options = { timeoutMs: 20_000, ca: ["not a PEM certificate"] };
    const alone = await scanTargets(targets, { ...options, workers: 1 }).then(
      () => "resolved",
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    expect(alone).not.toBe("resolved");
    const threaded = await scanTargets(targets, {
      ...options,
      workers: 2,
      workerUrl: workerModule("bad-ca", `import ${JSON.stringify(BUILT_WORKER.href)};`),
    }).then(
      () => "resolved",
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    // The first throw ends the run and terminates the other thread, which under load may not have
    // started yet: at least one thread ran the scan that threw.
    expect(startedThreads("bad-ca")).toBeGreaterThanOrEqual(1);
    expect(threaded).toBe(alone);
  }, 120_000);

  it("a target's deadline cuts each scan in a worker, and its report names the cut", async () => {
    const targets = Array.from({ length: COUNT }, () => `127.0.0.1:${silentPort}`);
    const threaded = await scanTargets(targets, {
      timeoutMs: 60_000,
      deadlineMs: 1_500,
      workers: 2,
      workerUrl: workerModule("deadline", `import ${JSON.stringify(BUILT_WORKER.href)};`),
    });
    expect(startedThreads("deadline")).toBe(2);
    expectCut(threaded, new DeadlineReached("target", 1_500));
  }, 120_000);

  it("the run's cut reaches every worker: each target still scanning is cut and named so", async () => {
    const targets = Array.from({ length: COUNT }, () => `127.0.0.1:${silentPort}`);
    const run = new AbortController();
    // Cut once the first hello has reached the silent server: the scans are under way.
    const onConnection = (): void => run.abort(new DeadlineReached("run", 4_321));
    silent.once("connection", onConnection);
    const reports = await scanTargets(targets, {
      timeoutMs: 60_000,
      workers: 2,
      signal: run.signal,
      workerUrl: workerModule("cut", `import ${JSON.stringify(BUILT_WORKER.href)};`),
    });
    silent.off("connection", onConnection);
    expect(startedThreads("cut")).toBe(2);
    expectCut(reports, new DeadlineReached("run", 4_321));
  }, 120_000);
});
