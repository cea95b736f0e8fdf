// Policy diff as text, Markdown and JSON (see policy/diff.ts).
import { escapeControlCharacters } from "../control-characters.js";
import type { PolicyDiff, RuleChange, WaiverChange } from "../policy/diff.js";
import { markdownCode, markdownText } from "./markdown-escape.js";

function describe(change: RuleChange): string {
  switch (change.kind) {
    case "added":
      return `added (${change.severityAfter})`;
    case "removed":
      return `removed (was ${change.severityBefore})`;
    case "changed": {
      const parts = change.fields.map((field) =>
        field === "severity"
          ? `severity ${change.severityBefore} → ${change.severityAfter}`
          : field,
      );
      return `changed: ${parts.join(", ")}`;
    }
  }
}

const title = (diff: PolicyDiff): string =>
  `${diff.before.name} ${diff.before.version} → ${diff.after.name} ${diff.after.version}`;

const waiverLine = (w: WaiverChange): string =>
  `${w.kind === "added" ? "+" : "-"} waiver of ${w.rule} for ${w.targets.join(", ")} until ${w.expires}: ${w.reason}`;

export function formatPolicyDiffText(diff: PolicyDiff): string {
  const inert = escapeControlCharacters;
  const lines = [`policy diff: ${inert(title(diff))}`];
  if (!diff.changed) lines.push("no rule or waiver changes");
  const width = Math.max(0, ...diff.rules.map((r) => r.id.length));
  for (const rule of diff.rules) lines.push(`  ${rule.id.padEnd(width)}  ${describe(rule)}`);
  for (const waiver of diff.waivers) lines.push(`  ${inert(waiverLine(waiver))}`);
  const count = (kind: RuleChange["kind"]): number =>
    diff.rules.filter((r) => r.kind === kind).length;
  lines.push(
    `${count("added")} added, ${count("removed")} removed, ${count("changed")} changed rule(s); ${diff.waivers.length} waiver change(s)`,
  );
  return `${lines.join("\n")}\n`;
}

export function formatPolicyDiffMarkdown(diff: PolicyDiff): string {
  const lines = [`## tlsgate policy diff: ${markdownText(title(diff))}`, ""];
  if (!diff.changed) lines.push("No rule or waiver changes.");
  if (diff.rules.length > 0) {
    lines.push("| Rule | Change |", "|---|---|");
    for (const rule of diff.rules)
      lines.push(`| ${markdownCode(rule.id, "table")} | ${describe(rule)} |`);
    lines.push("");
  }
  for (const waiver of diff.waivers) lines.push(`- ${markdownText(waiverLine(waiver))}`);
  return `${lines.join("\n").trimEnd()}\n`;
}

export function formatPolicyDiffJson(diff: PolicyDiff): string {
  return `${JSON.stringify(diff, null, 2)}\n`;
}
