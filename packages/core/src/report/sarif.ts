import { createHash } from "node:crypto";
import type { Evaluation, Finding, RuleInfo, Severity } from "../policy/types.js";
import type { ScanReport } from "../scan-report/types.js";
import { toolVersion } from "./format-options.js";
import { findingMessage } from "./certificates.js";
import { outcomes, reportsByTarget } from "./outcomes.js";
import { ruleHelp } from "./remediation.js";
import { repoPath } from "./repo-path.js";
import type { FormatOptions } from "./format-options.js";

export interface SarifOptions extends FormatOptions {
  /**
   * A file in the repository to attach results to when their rule's own file is not in it,
   * usually the policy or config file: `uri` as the repository-relative path; `file` the same
   * file on disk, so that a rule defined in it points at its line.
   */
  artifact?: { uri: string; file?: string };
  /** The repository root: a rule defined in a file under it is located at its file and line. */
  root?: string;
  /** `runs[0].automationDetails.id` is `CATEGORY/`: uploads of two categories do not overwrite. */
  category?: string;
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

function pascal(id: string): string {
  return id
    .split("-")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
}

/** Stable across runs: rule, target and what offends, never its position in a list. */
function fingerprint(ruleId: string, target: string, finding: Finding): string {
  return createHash("sha256")
    .update(`${ruleId}\u0000${target}\u0000${offendingKey(finding)}`)
    .digest("hex");
}

/**
 * What a finding is about, without what changes from run to run: the pointer without list
 * indices, and the value's identity (a suite's name, a certificate's hash) rather than all of it
 * (a certificate's days remaining change daily).
 */
export function offendingKey(finding: Finding): string {
  const path = finding.pointer.replace(/\/\d+(?=\/|$)/g, "/-");
  const { value } = finding;
  if (value === null || typeof value !== "object") return `${path}=${JSON.stringify(value)}`;
  const record = value as Record<string, unknown>;
  const identity = ["sha256", "iana", "name", "code"].find(
    (key) => typeof record[key] === "string",
  );
  if (identity === undefined) return `${path}=${canonicalJson(value)}`;
  const protocol = typeof record.protocol === "string" ? ` ${record.protocol}` : "";
  return `${path}=${String(record[identity])}${protocol}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** `tls://host:port` for a target that has no file: the endpoint the result is about. */
export function targetUri(target: string, report: ScanReport | undefined): string {
  if (report === undefined) return `tls://${encodeURIComponent(target)}`;
  const { host, port } = report.target;
  const name = host.includes(":") ? `[${host}]` : encodeURIComponent(host);
  return `tls://${name}:${port}`;
}

/**
 * SARIF 2.1.0 for code scanning: one run; `tool.driver.rules` describes every evaluated rule
 * (help from its description and remediation, `security-severity` from its severity); one result
 * per failing (or inconclusive) finding, each with a physical location (the rule's line in its
 * policy file in the repository, else `options.artifact`, else `tls://host:port`), a logical
 * location (target + JSON pointer) and a partial fingerprint of rule, target and offending value.
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
  const reportOf = reportsByTarget(reports);
  const rules: object[] = [];
  const ruleIndex = new Map<string, number>();
  const logicalLocations: object[] = [];
  const targetIndex = new Map<string, number>();
  const results: object[] = [];

  const physicalLocation = (rule: RuleInfo, target: string): object => {
    const own = options.root === undefined ? null : repoPath(rule.source.file, options.root);
    if (own !== null) {
      return {
        artifactLocation: { uri: own },
        region: { startLine: rule.source.line ?? 1 },
      };
    }
    const { artifact } = options;
    if (artifact !== undefined) {
      const line = artifact.file !== undefined && rule.source.file === artifact.file;
      return {
        artifactLocation: { uri: artifact.uri },
        region: { startLine: (line ? rule.source.line : null) ?? 1 },
      };
    }
    // Code scanning wants a line even where there is no file: line 1 of the endpoint.
    return {
      artifactLocation: { uri: targetUri(target, reportOf.get(target)) },
      region: { startLine: 1 },
    };
  };

  for (const evaluation of evaluations) {
    for (const [id, rule] of Object.entries(evaluation.rules)) {
      if (ruleIndex.has(id)) continue;
      ruleIndex.set(id, rules.length);
      const descriptor: Record<string, unknown> = {
        id,
        name: pascal(id),
        shortDescription: { text: rule.title },
        fullDescription: { text: rule.description ?? rule.title },
        help: ruleHelp(rule),
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
      for (const finding of outcome.findings) {
        const inconclusive = finding.status === "inconclusive";
        const waiver = finding.status === "waived" ? finding.waiver : undefined;
        const open = inconclusive && !inconclusiveFails;
        const prefix = inconclusive ? "Inconclusive: " : "";
        results.push({
          ruleId: outcome.ruleId,
          ruleIndex: ruleIndex.get(outcome.ruleId),
          kind: open ? "open" : "fail",
          level: open ? "none" : LEVEL[rule.severity],
          message: {
            text: `${prefix}${rule.title} on ${evaluation.target}: ${findingMessage(finding, reportOf.get(evaluation.target))}`,
          },
          locations: [
            {
              physicalLocation: physicalLocation(rule, evaluation.target),
              logicalLocations: [
                {
                  name: finding.pointer === "" ? "/" : finding.pointer,
                  fullyQualifiedName: `${evaluation.target}${finding.pointer}`,
                  kind: "member",
                  parentIndex,
                },
              ],
            },
          ],
          partialFingerprints: {
            "tlsgateFinding/v2": fingerprint(outcome.ruleId, evaluation.target, finding),
          },
          // A waiver in force shows as a suppression (code scanning lists it as dismissed).
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
            status: finding.status,
            policy: evaluation.policy,
            pointer: finding.pointer,
          },
        });
      }
    }
  }

  const policies = [...new Map(evaluations.map((e) => [e.policy.sha256, e.policy])).values()];
  const run: Record<string, unknown> = {
    tool: {
      driver: {
        name: "tlsgate",
        version,
        semanticVersion: version,
        informationUri: "https://tlsgate.dev",
        rules,
      },
    },
  };
  if (options.category !== undefined && options.category !== "") {
    run.automationDetails = { id: `${options.category.replace(/\/+$/, "")}/` };
  }
  Object.assign(run, { logicalLocations, results, properties: { policies } });
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [run],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
