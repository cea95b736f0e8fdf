/**
 * A slow reader of the reports: a promise `onReport` returns holds back the targets not yet
 * started (the run waits for its reader instead of piling reports up), a rejection fails the
 * run, and the run's cut ends the wait, so a stalled reader never outlives the run's deadline.
 * Real node:tls servers on loopback; the `connect` seam only records when connections start.
 */
import { connect as netConnect, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNodeTlsServer, untilQuiet } from "@tlsgate/testing";
import { DeadlineReached, scanTargets } from "./scan-targets.js";

let servers: Awaited<ReturnType<typeof startNodeTlsServer>>[] = [];

beforeAll(async () => {
  servers = await Promise.all([
    startNodeTlsServer({ minVersion: "TLSv1.2", maxVersion: "TLSv1.2" }),
    startNodeTlsServer({ minVersion: "TLSv1.3" }),
  ]);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

/** Four targets over the two servers, alternating. */
function targets(): string[] {
  return Array.from({ length: 4 }, (_, i) => `127.0.0.1:${servers[i % 2]!.port}`);
}

describe("scanTargets with a slow reader", () => {
  it("starts no target while a report is unread", async () => {
    const events: string[] = [];
    const connect = (to: { address: string; port: number }): Socket => {
      events.push("connect");
      return netConnect({ host: to.address, port: to.port });
    };
    const reports = await scanTargets(targets(), {
      parallelTargets: 1,
      timeoutMs: 10_000,
      connect,
      onReport: async (_report, index) => {
        events.push(`report ${index}`);
        // Time enough for the next target's first hello, were it not held back.
        await sleep(300);
        events.push(`read ${index}`);
      },
    });
    expect(reports.map((report) => report.protocols["TLSv1.3"])).toEqual([
      false,
      true,
      false,
      true,
    ]);
    for (const index of [0, 1, 2, 3]) {
      const from = events.indexOf(`report ${index}`);
      const to = events.indexOf(`read ${index}`);
      expect(to).toBe(from + 1);
    }
    expect(events.at(-1)).toBe("read 3");
    expect(events.filter((event) => event === "connect").length).toBeGreaterThan(4);
  }, 60_000);

  it("holds back every lane, not only the one whose report is unread", async () => {
    const many = Array.from({ length: 12 }, (_, i) => `127.0.0.1:${servers[i % 2]!.port}`);
    let read: () => void = () => undefined;
    const unread = new Promise<void>((resolve) => (read = resolve));
    const delivered: number[] = [];
    const run = scanTargets(many, {
      parallelTargets: 3,
      timeoutMs: 10_000,
      onReport: (_report, index) => {
        delivered.push(index);
        return delivered.length === 1 ? unread : undefined;
      },
    });
    // The targets in flight finish, no more start.
    const whileUnread = await untilQuiet(() => delivered.length);
    read();
    const reports = await run;
    // The unread report and the two other targets that were in flight.
    expect(whileUnread).toBeGreaterThanOrEqual(1);
    expect(whileUnread).toBeLessThanOrEqual(3);
    expect([...delivered].sort((a, b) => a - b)).toEqual(many.map((_, i) => i));
    expect(reports.map((report) => report.protocols["TLSv1.3"])).toEqual(
      many.map((_, i) => i % 2 === 1),
    );
  }, 60_000);

  it("ends once the last report is read", async () => {
    let read: () => void = () => undefined;
    const lastRead = new Promise<void>((resolve) => (read = resolve));
    let delivered = 0;
    let ended = false;
    const run = scanTargets(targets(), {
      parallelTargets: 2,
      timeoutMs: 10_000,
      onReport: () => {
        delivered += 1;
        return delivered === 4 ? lastRead : undefined;
      },
    }).then((reports) => {
      ended = true;
      return reports;
    });
    // Quiet for a second after the fourth report: time enough to end, were it not held.
    expect(await untilQuiet(() => delivered)).toBe(4);
    expect(ended).toBe(false);
    read();
    expect(await run).toHaveLength(4);
  }, 60_000);

  it("fails the run when the reader fails, as a throwing onReport does", async () => {
    await expect(
      scanTargets(targets(), {
        parallelTargets: 2,
        timeoutMs: 10_000,
        onReport: () => Promise.reject(new Error("the reader failed")),
      }),
    ).rejects.toThrow("the reader failed");
  }, 60_000);

  it("a reader that never reads does not hold the run past its cut", async () => {
    const run = new AbortController();
    const delivered: number[] = [];
    const reports = await scanTargets(targets(), {
      parallelTargets: 1,
      timeoutMs: 10_000,
      signal: run.signal,
      onReport: (_report, index) => {
        delivered.push(index);
        // Cut while the run waits on the reader, not before it starts waiting.
        if (index === 0) setTimeout(() => run.abort(new DeadlineReached("run", 1234)), 200);
        return new Promise<void>(() => undefined);
      },
    });
    expect(delivered).toEqual([0, 1, 2, 3]);
    expect(reports[0]!.protocols["TLSv1.3"]).toBe(false);
    for (const report of reports.slice(1)) {
      expect(report.protocols["TLSv1.3"]).toBeNull();
      expect(report.errors).toContainEqual({
        probe: "deadline",
        code: "deadline",
        message: new DeadlineReached("run", 1234).message,
      });
    }
  }, 60_000);
});
