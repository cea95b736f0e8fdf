import { gateRun } from "../run/gate.js";
import type { Evaluation, FindingStatus, RuleInfo } from "../policy/types.js";
import type { ScanReport } from "../scan-report/types.js";
import { clientMatrix, matrixSummary } from "./clients.js";
import { htmlText, markdownCode, markdownText } from "./markdown-escape.js";
import type { ClientResult } from "./clients.js";
import { shortHash, toolVersion } from "./format-options.js";
import { outcomes, reportsByTarget } from "./outcomes.js";
import { waivedRows, waivedUntil } from "./waived.js";
import type { FormatOptions } from "./format-options.js";

export interface MarkdownOptions extends FormatOptions {
  /** Findings listed per rule before "and N more"; default 5. */
  maxFindings?: number;
}

const ICON: Record<FindingStatus | "gate-pass" | "gate-fail", string> = {
  pass: "✅ pass",
  fail: "❌ fail",
  inconclusive: "⚠️ inconclusive",
  waived: "⏸️ waived",
  "gate-pass": "✅ pass",
  "gate-fail": "❌ fail",
};

const CLIENT_ICON: Record<ClientResult, string> = {
  fail: "❌",
  inconclusive: "⚠️",
  ok: "✅",
};

function fence(text: string, language: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  return `${ticks}${language}\n${text}\n${ticks}`;
}

function remediation(rule: RuleInfo): string[] {
  const lines: string[] = [];
  const steps: [keyof NonNullable<RuleInfo["remediation"]>, string, string][] = [
    ["nginx", "nginx", "nginx"],
    ["apache", "Apache", "apache"],
    ["haproxy", "HAProxy", "haproxy"],
    ["generic", "Any server", ""],
  ];
  for (const [key, label, language] of steps) {
    const text = rule.remediation?.[key];
    if (text !== undefined) lines.push(`**${label}**`, "", fence(text, language), "");
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
  const overall =
    options.gate === undefined ? undefined : gateRun(evaluations, reports, options.gate);
  const heading =
    overall === undefined
      ? evaluations.some((e) => e.verdict === "fail")
        ? ICON.fail
        : evaluations.some((e) => e.verdict === "inconclusive")
          ? ICON.inconclusive
          : ICON.pass
      : ICON[`gate-${overall.verdict}`];
  lines.push(`## tlsgate: ${heading}`, "");
  if (options.gate !== undefined && overall !== undefined) {
    const inconclusive = (options.gate.inconclusive ?? "fail") === "fail" ? "fails" : "passes";
    lines.push(
      `Gate: fail-on **${options.gate.failOn ?? "error"}**, inconclusive ${inconclusive} · ${overall.blocking.length} blocking finding(s)`,
      "",
      ...overall.reasons.map((reason) => `- ${markdownText(reason)}`),
      ...(overall.reasons.length > 0 ? [""] : []),
    );
  }
  lines.push(
    "| Target | Policy | Verdict | Failed | Inconclusive | Passed |",
    "|---|---|---|---:|---:|---:|",
  );
  for (const e of evaluations) {
    const address = reportOf.get(e.target)?.target.address;
    lines.push(
      `| ${markdownCode(e.target, "table")}${address ? ` (${markdownText(address)})` : ""} | ${markdownText(e.policy.name)} ${markdownText(e.policy.version)} <sub>${shortHash(e.policy.sha256)}</sub> | ${ICON[e.verdict]} | ${e.counts.fail} | ${e.counts.inconclusive} | ${e.counts.pass} |`,
    );
  }
  lines.push("");
  for (const evaluation of evaluations) {
    const open = outcomes(evaluation).filter((o) => o.status !== "pass" && o.status !== "waived");
    if (open.length === 0) continue;
    lines.push(
      `### ${markdownCode(evaluation.target)} · ${markdownText(evaluation.policy.name)}`,
      "",
    );
    // A target that could not be scanned leaves every rule unknown: say why once, not per rule.
    const report = reportOf.get(evaluation.target);
    if (report !== undefined && report.reachable !== true) {
      const reason = report.errors[0]?.message ?? "unreachable";
      lines.push(
        `Not scanned: ${markdownText(reason)}. All ${open.length} rule(s) are ${ICON.inconclusive}.`,
        "",
      );
      continue;
    }
    lines.push("| Rule | Severity | Status | Findings |", "|---|---|---|---|");
    for (const outcome of open) {
      const rule = evaluation.rules[outcome.ruleId];
      const messages = outcome.findings.map((f) => f.message);
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
  // The client matrix per target: failing clients first, with why.
  for (const target of new Set(evaluations.map((e) => e.target))) {
    const matrix = clientMatrix(reportOf.get(target));
    if (matrix === null) continue;
    lines.push(`### Clients · ${markdownCode(target)}`, "", matrixSummary(matrix.counts), "");
    lines.push("| Client | Result | Protocol | Suite |", "|---|---|---|---|");
    for (const { client, result } of matrix.rows) {
      const outcome = result === "ok" ? "ok" : (client.reason ?? result);
      lines.push(
        `| ${markdownText(client.name)} | ${CLIENT_ICON[result]} ${markdownText(outcome)} | ${client.protocol ?? ""} | ${client.cipher === null ? "" : markdownCode(client.cipher, "table")} |`,
      );
    }
    lines.push("");
  }
  lines.push(`<sub>tlsgate ${markdownText(toolVersion(reports, options))}</sub>`);
  return `${lines.join("\n")}\n`;
}
