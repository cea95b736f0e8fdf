import { gateRun, type RunOutcome } from "../run/gate.js";
import type { Evaluation, FailOn } from "../policy/types.js";
import type { ScanReport } from "../scan-report/types.js";
import { RESULT_SCHEMA_ID } from "./result-schema.js";
import { toolVersion } from "./format-options.js";
import { byTarget, reportsByTarget } from "./outcomes.js";
import type { FormatOptions } from "./format-options.js";

/** The document `formatJson` writes (see `resultSchema`). */
export interface JsonResult {
  $schema: typeof RESULT_SCHEMA_ID;
  tool: { name: "tlsgate"; version: string };
  gate: {
    verdict: "pass" | "fail";
    /** What decided the verdict; the CLI's exit code follows it. */
    outcome: RunOutcome;
    /** Why the gate failed, one sentence each. */
    reasons: string[];
    failOn: FailOn;
    inconclusive: "fail" | "pass";
    blocking: number;
  } | null;
  results: { target: string; report: ScanReport | null; evaluations: Evaluation[] }[];
}

export interface JsonOptions extends FormatOptions {
  /** Indentation; default 2, 0 for one line. */
  indent?: number;
}

/** The result as a value: each target's report and evaluations, and the gate when given. */
export function toJsonResult(
  evaluations: readonly Evaluation[],
  reports: readonly ScanReport[],
  options: FormatOptions = {},
): JsonResult {
  const reportOf = reportsByTarget(reports);
  let gate: JsonResult["gate"] = null;
  if (options.gate !== undefined) {
    // The run's own gate, so the JSON says what the exit code says (an unscanned target too).
    const result = gateRun(evaluations, reports, options.gate);
    gate = {
      verdict: result.verdict,
      outcome: result.outcome,
      reasons: result.reasons,
      failOn: options.gate.failOn ?? "error",
      inconclusive: options.gate.inconclusive ?? "fail",
      blocking: result.blocking.length,
    };
  }
  const targets = byTarget(evaluations);
  for (const report of reports) {
    if (!targets.has(report.target.input)) targets.set(report.target.input, []);
  }
  return {
    $schema: RESULT_SCHEMA_ID,
    tool: { name: "tlsgate", version: toolVersion(reports, options) },
    gate,
    results: [...targets].map(([target, list]) => ({
      target,
      report: reportOf.get(target) ?? null,
      evaluations: list,
    })),
  };
}

/** JSON: each target's ScanReport with its evaluations, and the gate; see `resultSchema`. */
export function formatJson(
  evaluations: readonly Evaluation[],
  reports: readonly ScanReport[],
  options: JsonOptions = {},
): string {
  return `${JSON.stringify(toJsonResult(evaluations, reports, options), null, options.indent ?? 2)}\n`;
}
