/**
 * runPlan against a real node:tls server behind a proxy that holds every chunk for a while in
 * both directions: a slow but correct server (no TLS stack offers a per-answer delay, so the
 * delay is the only scripted part). With the default per-probe timeout every probe would
 * succeed and the scan take minutes; the deadlines cut it, keep what was established, and say so.
 */
import { createServer, connect, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNodeTlsServer } from "@tlsgate/testing";
import { planRun } from "./plan.js";
import { runPlan } from "./run.js";

const DELAY_MS = 1500;
let tls: Awaited<ReturnType<typeof startNodeTlsServer>>;
let proxy: Server;
let slowPort = 0;
const sockets = new Set<Socket>();

function delayed(from: Socket, to: Socket): void {
  from.on("data", (chunk) => {
    const timer = setTimeout(() => to.destroyed || to.write(chunk), DELAY_MS);
    to.once("close", () => clearTimeout(timer));
  });
  from.on("end", () => setTimeout(() => to.destroyed || to.end(), DELAY_MS));
  from.on("error", () => to.destroy());
}

beforeAll(async () => {
  tls = await startNodeTlsServer({ minVersion: "TLSv1.2" });
  proxy = createServer((client) => {
    const upstream = connect(tls.port, "127.0.0.1");
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    }
    delayed(client, upstream);
    delayed(upstream, client);
  });
  await new Promise<void>((done) => proxy.listen(0, "127.0.0.1", done));
  slowPort = (proxy.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((done) => proxy.close(done));
  await tls.stop();
});

function plan(input: { deadline?: string; runDeadline?: string; targets: string[] }) {
  const result = planRun({ cwd: process.cwd(), config: false, timeout: "10000", ...input });
  expect(result.errors).toEqual([]);
  return result.plan!;
}

describe("runPlan deadlines", () => {
  it("cuts a slow target at its deadline: a partial report whose errors name the deadline", async () => {
    const { reports, gate } = await runPlan(
      plan({ targets: [`127.0.0.1:${slowPort}`], deadline: "4000" }),
    );
    const [report] = reports;
    expect(report!.errors).toContainEqual({
      probe: "deadline",
      code: "deadline",
      message:
        "the target's deadline of 4000 ms was reached: what was not established by then is null",
    });
    // Something was still being established when the deadline hit: it is null. What was
    // established is true to the server (TLS 1.2 and 1.3 only); a cut probe never reads false.
    const facts = [...Object.values(report!.protocols), report!.cipherSuites, report!.certificate];
    expect(facts).toContain(null);
    const { protocols } = report!;
    expect([protocols["TLSv1.2"], protocols["TLSv1.3"]]).not.toContain(false);
    for (const legacy of ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1"] as const) {
      expect([false, null]).toContain(protocols[legacy]);
    }
    expect(gate.verdict).toBe("fail");
  }, 30_000);

  it("cuts every unfinished target at the run's deadline, and the gate says they are inconclusive", async () => {
    const target = `127.0.0.1:${slowPort}`;
    const { reports, gate } = await runPlan(
      plan({ targets: [target, `localhost:${slowPort}`], runDeadline: "3000" }),
    );
    for (const report of reports) {
      // A probe the deadline cut is not the server refusing.
      expect(report.errors.map((e) => e.code)).not.toContain("refused");
      expect(report.errors.filter((e) => e.probe === "deadline")).toEqual([
        {
          probe: "deadline",
          code: "deadline",
          message:
            "the run's deadline of 3000 ms was reached: what was not established by then is null",
        },
      ]);
    }
    // Both were reached before they were cut: their unknown facts are inconclusive findings.
    expect(gate).toMatchObject({ verdict: "fail", outcome: "inconclusive", unscanned: [] });
    expect(gate.reasons).toEqual([
      expect.stringMatching(/^\d+ rule\(s\) at or above error are inconclusive /),
    ]);
  }, 30_000);
});
