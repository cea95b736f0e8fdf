/**
 * runPlan's streaming: every target reaches `onResult` judged, and a run that keeps nothing
 * (`retain: false`) gates exactly like one that keeps everything. Saved reports, no network.
 */
import { afterEach, describe, expect, it } from "vitest";
import { sampleReport } from "../../test/support/sample-report.js";
import { tempDir } from "../../test/support/temp-dir.js";
import { formatNdjson } from "../report/ndjson.js";
import { planRun } from "./plan.js";
import { runPlan, type TargetResult } from "./run.js";

const dirs: { remove(): void }[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

function savedPlan() {
  const unreachable = { ...sampleReport("c.example"), reachable: false };
  const dir = tempDir({
    "many.json": {
      results: [
        { report: sampleReport("a.example") },
        { report: sampleReport("b.example") },
        { report: unreachable },
      ],
    },
  });
  dirs.push(dir);
  const result = planRun({ cwd: dir.dir, reports: ["many.json"], policy: "modern", config: false });
  expect(result.errors).toEqual([]);
  return result.plan!;
}

describe("runPlan streaming", () => {
  it("hands every target to onResult judged, and retain: false gates the same", async () => {
    const kept = await runPlan(savedPlan());
    const streamed: TargetResult[] = [];
    const lean = await runPlan(savedPlan(), {
      retain: false,
      onResult: (result) => void streamed.push(result),
    });
    expect(lean.reports).toEqual([]);
    expect(lean.evaluations).toEqual([]);
    expect(lean.gate).toEqual(kept.gate);
    expect(kept.gate.unscanned).toEqual(["c.example"]);
    expect(streamed.map((r) => [r.index, r.report.target.input, r.evaluation.target])).toEqual([
      [0, "a.example", "a.example"],
      [1, "b.example", "b.example"],
      [2, "c.example", "c.example"],
    ]);
    expect(streamed.map((r) => r.evaluation)).toEqual(kept.evaluations);
  });

  it("ndjson: a line per target with its report and evaluations, then the gate", async () => {
    const { reports, evaluations, gate } = await runPlan(savedPlan());
    const lines = formatNdjson(evaluations, reports, { gate: { failOn: "error" } })
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line.type, line.target ?? null])).toEqual([
      ["result", "a.example"],
      ["result", "b.example"],
      ["result", "c.example"],
      ["gate", null],
    ]);
    expect(lines[0]!.report).toEqual(JSON.parse(JSON.stringify(reports[0])));
    expect(lines[0]!.evaluations).toEqual(JSON.parse(JSON.stringify([evaluations[0]])));
    expect(lines[3]).toMatchObject({ outcome: gate.outcome, verdict: gate.verdict });
  });
});
