import { createHash } from "node:crypto";
import type { Evaluation, RuleInfo, Severity } from "../policy/types.js";
import type { ScanReport } from "../scan-report/types.js";
import { toolVersion } from "./format-options.js";
import { outcomes } from "./outcomes.js";
import type { FormatOptions } from "./format-options.js";

export interface SarifOptions extends FormatOptions {
  /**
   * A file in the repository to attach results to (code scanning wants a physical location),
   * usually the policy file: `uri` as the repository-relative path; `file` the same file on
   * disk, so that a rule defined in it points at its line.
   */
  artifact?: { uri: string; file?: string };
}

type Level = "error" | "warning" | "note" | "none";

const LEVEL: Record<Exclude<Severity, "off">, Level> = {
  error: "error",
  warning: "warning",
  info: "note",
};

/** GitHub code scanning's security-severity (CVSS-like, 0–10) per severity. */
const SECURITY_SEVERITY: Record<Exclude<Severity, "off">, string> = {
  error: "7.5",
  warning: "5.0",
  info: "2.0",
};

const MAX_MESSAGES = 10;

function pascal(id: string): string {
  return id
    .split("-")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
}

function helpText(rule: RuleInfo): { text: string; markdown: string } {
  const text: string[] = [rule.description ?? rule.title];
  const markdown: string[] = [rule.description ?? rule.title];
  const remediation = rule.remediation ?? {};
  for (const [key, label] of [
    ["nginx", "nginx"],
    ["apache", "Apache"],
    ["haproxy", "HAProxy"],
    ["generic", "Any server"],
  ] as const) {
    const fix = remediation[key];
    if (fix === undefined) continue;
    text.push(`${label}: ${fix}`);
    markdown.push(`**${label}**\n\n\`\`\`\n${fix}\n\`\`\``);
  }
  for (const reference of rule.references ?? []) {
    text.push(reference);
    markdown.push(`<${reference}>`);
  }
  return { text: text.join("\n\n"), markdown: markdown.join("\n\n") };
}

/** Stable across runs: the rule and the target, nothing that changes with the findings. */
function fingerprint(ruleId: string, target: string): string {
  return createHash("sha256").update(`${ruleId}\u0000${target}`).digest("hex");
}

/**
 * SARIF 2.1.0: one run; `tool.driver.rules` describes every evaluated rule (help from its
 * description and remediation, helpUri from its first reference); one result per failing (or
 * inconclusive) rule and target, with a logical location per finding (target + JSON pointer)
 * under the target's logical location, and a partial fingerprint of rule and target.
 * Inconclusive results are `kind: "fail"` when inconclusive gates as failing (the default),
 * else `kind: "open"`, `level: "none"`.
 */
export function formatSarif(
  evaluations: readonly Evaluation[],
  reports: readonly ScanReport[],
  options: SarifOptions = {},
): string {
  const version = toolVersion(reports, options);
  const inconclusiveFails = (options.gate?.inconclusive ?? "fail") === "fail";
  const rules: object[] = [];
  const ruleIndex = new Map<string, number>();
  const logicalLocations: object[] = [];
  const targetIndex = new Map<string, number>();
  const results: object[] = [];

  for (const evaluation of evaluations) {
    for (const [id, rule] of Object.entries(evaluation.rules)) {
      if (ruleIndex.has(id)) continue;
      ruleIndex.set(id, rules.length);
      const descriptor: Record<string, unknown> = {
        id,
        name: pascal(id),
        shortDescription: { text: rule.title },
        fullDescription: { text: rule.description ?? rule.title },
        help: helpText(rule),
        defaultConfiguration: { level: LEVEL[rule.severity] },
        properties: {
          tags: ["security", "tls"],
          "security-severity": SECURITY_SEVERITY[rule.severity],
        },
      };
      const helpUri = rule.references?.[0];
      if (helpUri !== undefined) descriptor.helpUri = helpUri;
      rules.push(descriptor);
    }
    if (!targetIndex.has(evaluation.target)) {
      targetIndex.set(evaluation.target, logicalLocations.length);
      logicalLocations.push({
        name: evaluation.target,
        fullyQualifiedName: evaluation.target,
        kind: "resource",
      });
    }
    const parentIndex = targetIndex.get(evaluation.target) as number;

    for (const outcome of outcomes(evaluation)) {
      if (outcome.status === "pass") continue;
      const rule = evaluation.rules[outcome.ruleId];
      if (rule === undefined) continue;
      const findings = outcome.findings;
      const inconclusive = outcome.status === "inconclusive";
      const waiver = outcome.status === "waived" ? findings[0]?.waiver : undefined;
      const open = inconclusive && !inconclusiveFails;
      const messages = findings.slice(0, MAX_MESSAGES).map((f) => f.message);
      if (findings.length > MAX_MESSAGES)
        messages.push(`and ${findings.length - MAX_MESSAGES} more`);
      const prefix = inconclusive ? "Inconclusive: " : "";
      let region: object | undefined;
      if (options.artifact !== undefined) {
        const line =
          options.artifact.file !== undefined && rule.source.file === options.artifact.file
            ? rule.source.line
            : null;
        region = { startLine: line ?? 1 };
      }
      const locations = findings.map((finding) => {
        const location: Record<string, unknown> = {
          logicalLocations: [
            {
              name: finding.pointer === "" ? "/" : finding.pointer,
              fullyQualifiedName: `${evaluation.target}${finding.pointer}`,
              kind: "member",
              parentIndex,
            },
          ],
          message: { text: finding.message },
        };
        if (options.artifact !== undefined) {
          location.physicalLocation = {
            artifactLocation: { uri: options.artifact.uri },
            region,
          };
        }
        return location;
      });
      results.push({
        ruleId: outcome.ruleId,
        ruleIndex: ruleIndex.get(outcome.ruleId),
        kind: open ? "open" : "fail",
        level: open ? "none" : LEVEL[rule.severity],
        message: { text: `${prefix}${rule.title} on ${evaluation.target}: ${messages.join("; ")}` },
        locations,
        partialFingerprints: {
          "tlsgateRuleTarget/v1": fingerprint(outcome.ruleId, evaluation.target),
        },
        ...(waiver === undefined
          ? {}
          : {
              suppressions: [
                {
                  kind: "external",
                  status: "accepted",
                  justification: `${waiver.reason} (waived until ${waiver.expires}, ${waiver.source})`,
                },
              ],
            }),
        properties: {
          target: evaluation.target,
          status: outcome.status,
          policy: evaluation.policy,
          pointers: findings.map((f) => f.pointer),
        },
      });
    }
  }

  const policies = [...new Map(evaluations.map((e) => [e.policy.sha256, e.policy])).values()];
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "tlsgate",
            version,
            semanticVersion: version,
            informationUri: "https://tlsgate.dev",
            rules,
          },
        },
        logicalLocations,
        results,
        properties: { policies },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
