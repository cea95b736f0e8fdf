/**
 * The impact of a policy change: both versions evaluated over the same reports, per target the
 * rules that newly fail, newly pass or change severity, and whether the target newly fails the
 * gate. Each version's own waivers apply, at `now`, and the config file's (`waivers`) under both,
 * so a target the config waives is not reported as newly failing.
 */
import { evaluate, ruleStatuses, type CompiledPolicy } from "../policy/evaluate.js";
import type {
  Evaluation,
  FindingStatus,
  GateOptions,
  PolicyProvenance,
  Severity,
} from "../policy/types.js";
import type { Waiver } from "../policy/types.js";
import { WaiverSet } from "../policy/waivers.js";
import type { ScanReport } from "../scan-report/types.js";
import { gateRun } from "./gate.js";

export interface RuleImpact {
  ruleId: string;
  kind: "newly-failing" | "newly-passing" | "severity-changed";
  /** null: the rule is not in that version, or is off. */
  statusBefore: FindingStatus | null;
  statusAfter: FindingStatus | null;
  severityBefore: Exclude<Severity, "off"> | null;
  severityAfter: Exclude<Severity, "off"> | null;
  /** The findings' messages under the new version (the old one for a newly passing rule). */
  messages: string[];
}

export interface TargetImpact {
  target: string;
  gateBefore: "pass" | "fail";
  gateAfter: "pass" | "fail";
  newlyFailsGate: boolean;
  rules: RuleImpact[];
}

export interface PolicyImpact {
  before: PolicyProvenance;
  after: PolicyProvenance;
  /** Targets that pass the gate under the old version and fail it under the new one. */
  newlyFailing: number;
  newlyPassing: number;
  targets: TargetImpact[];
}

const OPEN = new Set<FindingStatus>(["fail", "inconclusive"]);

function judge(
  policy: CompiledPolicy,
  report: ScanReport,
  now: Date,
  extra: readonly Waiver[],
): Evaluation {
  const waivers = [...policy.waivers, ...extra];
  return new WaiverSet(waivers, now).apply(evaluate(policy, report), waivers);
}

export function policyImpact(
  before: CompiledPolicy,
  after: CompiledPolicy,
  reports: readonly ScanReport[],
  options: { gate?: GateOptions; now?: Date; waivers?: readonly Waiver[] } = {},
): PolicyImpact {
  const now = options.now ?? new Date();
  const extra = options.waivers ?? [];
  const targets = reports.map((report): TargetImpact => {
    const old = judge(before, report, now, extra);
    const next = judge(after, report, now, extra);
    const gateBefore = gateRun([old], [report], options.gate).verdict;
    const gateAfter = gateRun([next], [report], options.gate).verdict;
    const statusOld = ruleStatuses(old);
    const statusNew = ruleStatuses(next);
    const rules: RuleImpact[] = [];
    for (const ruleId of new Set([...Object.keys(statusOld), ...Object.keys(statusNew)])) {
      const statusBefore = statusOld[ruleId] ?? null;
      const statusAfter = statusNew[ruleId] ?? null;
      const severityBefore = old.rules[ruleId]?.severity ?? null;
      const severityAfter = next.rules[ruleId]?.severity ?? null;
      const wasOpen = statusBefore !== null && OPEN.has(statusBefore);
      const isOpen = statusAfter !== null && OPEN.has(statusAfter);
      const kind: RuleImpact["kind"] | null =
        isOpen && !wasOpen
          ? "newly-failing"
          : wasOpen && !isOpen
            ? "newly-passing"
            : isOpen && severityBefore !== severityAfter
              ? "severity-changed"
              : null;
      if (kind === null) continue;
      const source = kind === "newly-passing" ? old : next;
      rules.push({
        ruleId,
        kind,
        statusBefore,
        statusAfter,
        severityBefore,
        severityAfter,
        messages: source.findings.filter((f) => f.ruleId === ruleId).map((f) => f.message),
      });
    }
    return {
      target: report.target.input,
      gateBefore,
      gateAfter,
      newlyFailsGate: gateBefore === "pass" && gateAfter === "fail",
      rules,
    };
  });
  return {
    before: before.policy,
    after: after.policy,
    newlyFailing: targets.filter((t) => t.newlyFailsGate).length,
    newlyPassing: targets.filter((t) => t.gateBefore === "fail" && t.gateAfter === "pass").length,
    targets,
  };
}
