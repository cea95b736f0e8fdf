import { findingMessage } from "./certificates.js";
import { gateRun } from "../run/gate.js";
import type { Evaluation, FindingStatus, RuleInfo } from "../policy/types.js";
import type { ScanReport } from "../scan-report/types.js";
import { clientFamilies, clientMatrix, matrixSummary } from "./clients.js";
import { fleetOverview, showDetails, worstLabel } from "./overview.js";
import type { OverviewRow } from "./overview.js";
import { htmlText, markdownCode, markdownFence, markdownText } from "./markdown-escape.js";
import type { ClientResult } from "./clients.js";
import { shortHash, toolVersion } from "./format-options.js";
import { notScannedReason } from "../scan-report/not-scanned.js";
import { outcomes, reportsByTarget, targetVerdict, type TargetVerdict } from "./outcomes.js";
import { remediationSteps } from "./remediation.js";
import { waivedRows, waivedUntil } from "./waived.js";
import type { FormatOptions } from "./format-options.js";

export interface MarkdownOptions extends FormatOptions {
  /** Findings listed per rule before "and N more"; default 5. */
  maxFindings?: number;
  /** Per-target details; default: only for a few targets (the overview says the rest). */
  details?: boolean;
}

const ICON: Record<FindingStatus | "gate-pass" | "gate-fail", string> = {
  pass: "✅ pass",
  fail: "❌ fail",
  inconclusive: "⚠️ inconclusive",
  waived: "⏸️ waived",
  "gate-pass": "✅ pass",
  "gate-fail": "❌ fail",
};

const VERDICT_ICON: Record<TargetVerdict, string> = {
  pass: "✅ pass",
  warn: "⚠️ warn",
  fail: "❌ fail",
};

const CLIENT_ICON: Record<ClientResult, string> = {
  fail: "❌",
  inconclusive: "⚠️",
  ok: "✅",
};

function remediation(rule: RuleInfo): string[] {
  const lines: string[] = [];
  for (const step of remediationSteps(rule.remediation)) {
    lines.push(`**${step.label}**`, "", markdownFence(step.text, step.language), "");
  }
  if (rule.references !== undefined && rule.references.length > 0) {
    lines.push(`References: ${rule.references.map((r) => `<${r}>`).join(", ")}`, "");
  }
  return lines;
}

/**
 * Markdown for job summaries and PR comments: the verdict per target, then per target a table of
 * the failing and inconclusive rules, with remediation in collapsible sections.
 */
export function formatMarkdown(
  evaluations: readonly Evaluation[],
  reports: readonly ScanReport[],
  options: MarkdownOptions = {},
): string {
  const reportOf = reportsByTarget(reports);
  const maxFindings = options.maxFindings ?? 5;
  const lines: string[] = [];
  // Without a gate option the default gate decides, as it does for the exit code.
  const overall = gateRun(evaluations, reports, options.gate ?? {});
  const heading = ICON[`gate-${overall.verdict}`];
  lines.push(`## tlsgate: ${heading}`, "");
  if (options.gate !== undefined) {
    const inconclusive = (options.gate.inconclusive ?? "fail") === "fail" ? "fails" : "passes";
    lines.push(
      `Gate: fail-on **${options.gate.failOn ?? "error"}**, inconclusive ${inconclusive} · ${overall.blocking.length} blocking finding(s)`,
      "",
      ...overall.reasons.map((reason) => `- ${markdownText(reason)}`),
      ...(overall.reasons.length > 0 ? [""] : []),
    );
  }
  const details = showDetails(evaluations, options.details);
  const fleet = new Set(evaluations.map((e) => e.target)).size > 1;
  if (!details) {
    lines.push(...overviewTable(evaluations, reports, options, details));
    const policies = new Map(evaluations.map((e) => [e.policy.sha256, e.policy]));
    for (const p of policies.values()) {
      lines.push(
        `Policy: ${markdownText(p.name)} ${markdownText(p.version)} <sub>${shortHash(p.sha256)}</sub>`,
        "",
      );
    }
    lines.push(`<sub>tlsgate ${markdownText(toolVersion(reports, options))}</sub>`);
    return `${lines.join("\n")}\n`;
  }
  lines.push(
    "| Target | Policy | Verdict | Failed | Inconclusive | Passed |",
    "|---|---|---|---:|---:|---:|",
  );
  for (const e of evaluations) {
    const report = reportOf.get(e.target);
    const address = report?.target.address;
    lines.push(
      `| ${markdownCode(e.target, "table")}${address ? ` (${markdownText(address)})` : ""} | ${markdownText(e.policy.name)} ${markdownText(e.policy.version)} <sub>${shortHash(e.policy.sha256)}</sub> | ${VERDICT_ICON[targetVerdict(e, report, options.gate)]} | ${e.counts.fail} | ${e.counts.inconclusive} | ${e.counts.pass} |`,
    );
  }
  lines.push("");
  if (fleet) lines.push(...overviewTable(evaluations, reports, options, details));
  for (const evaluation of evaluations) {
    const open = outcomes(evaluation).filter((o) => o.status !== "pass" && o.status !== "waived");
    if (open.length === 0) continue;
    lines.push(
      `### ${markdownCode(evaluation.target)} · ${markdownText(evaluation.policy.name)}`,
      "",
    );
    // A target that could not be scanned leaves every rule unknown: say why once, not per rule.
    const report = reportOf.get(evaluation.target);
    const reason = report === undefined ? null : notScannedReason(report);
    if (reason !== null) {
      lines.push(
        `Not scanned: ${markdownText(reason)}. All ${open.length} rule(s) are ${ICON.inconclusive}.`,
        "",
      );
      continue;
    }
    lines.push("| Rule | Severity | Status | Findings |", "|---|---|---|---|");
    for (const outcome of open) {
      const rule = evaluation.rules[outcome.ruleId];
      const messages = outcome.findings.map((f) => findingMessage(f, report));
      const shown = messages.slice(0, maxFindings).map(markdownText);
      if (messages.length > maxFindings) shown.push(`and ${messages.length - maxFindings} more`);
      lines.push(
        `| ${markdownCode(outcome.ruleId, "table")} ${markdownText(rule?.title ?? "")} | ${rule?.severity ?? ""} | ${ICON[outcome.status]} | ${shown.join("<br>")} |`,
      );
    }
    lines.push("");
    for (const outcome of open) {
      const rule = evaluation.rules[outcome.ruleId];
      if (rule === undefined) continue;
      const body = remediation(rule);
      if (body.length === 0 && rule.description === undefined) continue;
      lines.push(
        "<details>",
        `<summary>How to fix ${htmlText(outcome.ruleId)}: ${htmlText(rule.title)}</summary>`,
        "",
      );
      if (rule.description !== undefined) lines.push(rule.description, "");
      lines.push(...body, "</details>", "");
    }
  }
  const waived = waivedRows(evaluations);
  if (waived.length > 0) {
    lines.push(
      "### ⏸️ Waived",
      "",
      "| Target | Rule | Findings | Waived | Reason |",
      "|---|---|---:|---|---|",
    );
    for (const row of waived) {
      lines.push(
        `| ${markdownCode(row.target, "table")} | ${markdownCode(row.ruleId, "table")} | ${row.findings} | ${waivedUntil(row.waiver)} | ${markdownText(row.waiver.reason)} |`,
      );
    }
    lines.push("");
  }
  // The client matrix per target, by family: how far back each family still connects.
  for (const target of new Set(evaluations.map((e) => e.target))) {
    const report = reportOf.get(target);
    const matrix = clientMatrix(report);
    const families = clientFamilies(report);
    if (matrix === null || families === null) continue;
    lines.push(`### Clients · ${markdownCode(target)}`, "", matrixSummary(matrix.counts), "");
    lines.push(
      "| Family | Result | Connect | Oldest working | Newest failing |",
      "|---|---|---:|---|---|",
    );
    for (const family of families) {
      const result: ClientResult =
        family.counts.fail > 0 ? "fail" : family.counts.inconclusive > 0 ? "inconclusive" : "ok";
      const total = family.counts.ok + family.counts.fail + family.counts.inconclusive;
      const failing = family.newestFailing;
      const failingCell =
        failing === null
          ? ""
          : `${markdownText(failing.name)}${failing.reason === null ? "" : `: ${markdownText(failing.reason)}`}`;
      lines.push(
        `| ${markdownText(family.family)} | ${CLIENT_ICON[result]} | ${family.counts.ok}/${total} | ${family.oldestWorking === null ? "" : markdownText(family.oldestWorking.name)} | ${failingCell} |`,
      );
    }
    lines.push("");
  }
  lines.push(`<sub>tlsgate ${markdownText(toolVersion(reports, options))}</sub>`);
  return `${lines.join("\n")}\n`;
}

function overviewTable(
  evaluations: readonly Evaluation[],
  reports: readonly ScanReport[],
  options: MarkdownOptions,
  details: boolean,
): string[] {
  const rows = fleetOverview(evaluations, reports, options.gate);
  const icon: Record<OverviewRow["verdict"], string> = { ...ICON, unscanned: "⚠️ not scanned" };
  return [
    `### Overview: ${rows.length} target(s), worst first`,
    "",
    ...(details ? [] : ["Per-target details: run with `--details`.", ""]),
    "| Target | Verdict | Blocking | Worst finding | Expires in |",
    "|---|---|---:|---|---:|",
    ...rows.map(
      (row) =>
        `| ${markdownCode(row.target, "table")} | ${icon[row.verdict]} | ${row.blocking} | ${markdownText(worstLabel(row))} | ${row.daysToExpiry === null ? "unknown" : `${row.daysToExpiry} days`} |`,
    ),
    "",
  ];
}
