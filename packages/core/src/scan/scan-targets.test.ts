import { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNodeTlsServer } from "@tlsgate/testing";
import { scanTargets } from "./scan-targets.js";

let servers: Awaited<ReturnType<typeof startNodeTlsServer>>[] = [];

beforeAll(async () => {
  servers = await Promise.all([
    startNodeTlsServer({ minVersion: "TLSv1.2", maxVersion: "TLSv1.2" }),
    startNodeTlsServer({ minVersion: "TLSv1.3" }),
    startNodeTlsServer({ minVersion: "TLSv1.2" }),
  ]);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

describe("scanTargets", () => {
  it("returns one report per target in the targets' order, at most N at a time", async () => {
    const targets = servers.map((server) => `127.0.0.1:${server.port}`);
    const completed: string[] = [];
    const reports = await scanTargets(targets, {
      parallelTargets: 2,
      timeoutMs: 3000,
      onReport: (report) => void completed.push(report.target.input),
    });
    expect(reports.map((r) => r.target.input)).toEqual(targets);
    expect([...completed].sort()).toEqual([...targets].sort());
    expect(reports.map((r) => [r.protocols["TLSv1.2"], r.protocols["TLSv1.3"]])).toEqual([
      [true, false],
      [false, true],
      [true, true],
    ]);
  });
});

describe("scanTargets deadlines", () => {
  it("cut before any connection completes: reachable and every fact unknown, nothing refused", async () => {
    // A connection that never completes (the test seam stands in for a host that is slow to answer).
    const [report] = await scanTargets(["127.0.0.1:9"], {
      connect: () => new Socket(),
      timeoutMs: 60_000,
      retries: 0,
      deadlineMs: 300,
    });
    expect(report!.reachable).toBeNull();
    expect(Object.values(report!.protocols)).toEqual([null, null, null, null, null, null]);
    expect(report!.cipherSuites).toBeNull();
    expect(report!.errors.map((e) => e.code)).not.toContain("refused");
    expect(report!.errors).toContainEqual({
      probe: "deadline",
      code: "deadline",
      message:
        "the target's deadline of 300 ms was reached: what was not established by then is null",
    });
  }, 30_000);
});
