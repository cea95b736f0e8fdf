// Policy impact as text, Markdown and JSON (see run/impact.ts).
import { escapeControlCharacters } from "../control-characters.js";
import type { PolicyImpact, RuleImpact } from "../run/impact.js";
import { markdownCode, markdownText } from "./markdown-escape.js";

/** "this change would newly fail 3 of 40 endpoints". */
export function impactHeadline(impact: PolicyImpact): string {
  const total = impact.targets.length;
  const parts = [`this change would newly fail ${impact.newlyFailing} of ${total} endpoint(s)`];
  if (impact.newlyPassing > 0) parts.push(`and newly pass ${impact.newlyPassing}`);
  return parts.join(" ");
}

function describe(rule: RuleImpact): string {
  const severity =
    rule.kind === "severity-changed"
      ? `${rule.severityBefore ?? "absent"} → ${rule.severityAfter ?? "absent"}`
      : ((rule.kind === "newly-passing" ? rule.severityBefore : rule.severityAfter) ?? "");
  const first = rule.messages[0];
  const more = rule.messages.length > 1 ? ` (+${rule.messages.length - 1} more)` : "";
  return `${rule.kind}  ${rule.ruleId} (${severity})${first === undefined ? "" : `: ${first}${more}`}`;
}

const versions = (impact: PolicyImpact): string =>
  `${impact.before.name} ${impact.before.version} → ${impact.after.name} ${impact.after.version}`;

export function formatImpactText(impact: PolicyImpact): string {
  const inert = escapeControlCharacters;
  const lines = [`policy impact: ${inert(versions(impact))}`, impactHeadline(impact), ""];
  for (const target of impact.targets) {
    lines.push(
      `${inert(target.target)}  ${target.gateBefore.toUpperCase()} → ${target.gateAfter.toUpperCase()}${target.newlyFailsGate ? "  (newly fails)" : ""}`,
    );
    for (const rule of target.rules) lines.push(`  ${inert(describe(rule))}`);
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

export function formatImpactMarkdown(impact: PolicyImpact): string {
  const icon = impact.newlyFailing > 0 ? "❌" : "✅";
  const lines = [
    `### ${icon} Policy change: ${markdownText(impactHeadline(impact))}`,
    "",
    `${markdownText(versions(impact))}`,
    "",
  ];
  const changed = impact.targets.filter((t) => t.rules.length > 0 || t.newlyFailsGate);
  if (changed.length > 0) {
    lines.push("| Target | Gate | Rules |", "|---|---|---|");
    for (const target of changed) {
      const rules = target.rules.map((rule) => markdownText(describe(rule))).join("<br>");
      lines.push(
        `| ${markdownCode(target.target, "table")} | ${target.gateBefore} → ${target.gateAfter} | ${rules} |`,
      );
    }
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

export function formatImpactJson(impact: PolicyImpact): string {
  return `${JSON.stringify(impact, null, 2)}\n`;
}
