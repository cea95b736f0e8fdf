/**
 * NDJSON for fleets: one line per target as it is judged (`{"type":"result", target, report,
 * evaluations}`, the shape of a JSON result entry), then one line with the gate. A shell writes
 * each line when its target finishes, so nothing waits for, or holds, the whole run.
 */
import type { RunGate } from "../run/gate.js";
import type { Evaluation, GateOptions } from "../policy/types.js";
import type { ScanReport } from "../scan-report/types.js";
import { gateRun } from "../run/gate.js";
import { toolVersion, type FormatOptions } from "./format-options.js";

/** One target's line: its report and its evaluations, in one line of JSON. */
export function formatNdjsonResult(
  report: ScanReport | null,
  evaluations: readonly Evaluation[],
): string {
  const target = report?.target.input ?? evaluations[0]?.target ?? "";
  return `${JSON.stringify({ type: "result", target, report, evaluations })}\n`;
}

/** The last line: the run's gate as the JSON format writes it. */
export function formatNdjsonGate(
  gate: RunGate,
  options: { gate: GateOptions; toolVersion: string },
): string {
  return `${JSON.stringify({
    type: "gate",
    tool: { name: "tlsgate", version: options.toolVersion },
    verdict: gate.verdict,
    outcome: gate.outcome,
    reasons: gate.reasons,
    failOn: options.gate.failOn ?? "error",
    inconclusive: options.gate.inconclusive ?? "fail",
    blocking: gate.blocking.length,
  })}\n`;
}

/** Every line at once, for a run already finished (the streaming shells write them one by one). */
export function formatNdjson(
  evaluations: readonly Evaluation[],
  reports: readonly ScanReport[],
  options: FormatOptions = {},
): string {
  const byTarget = new Map<string, Evaluation[]>();
  for (const evaluation of evaluations) {
    const list = byTarget.get(evaluation.target) ?? [];
    list.push(evaluation);
    byTarget.set(evaluation.target, list);
  }
  const lines = reports.map((report) =>
    formatNdjsonResult(report, byTarget.get(report.target.input) ?? []),
  );
  const gate = options.gate ?? {};
  lines.push(
    formatNdjsonGate(gateRun(evaluations, reports, gate), {
      gate,
      toolVersion: toolVersion(reports, options),
    }),
  );
  return lines.join("");
}
