import { findingMessage } from "./certificates.js";
import type { Evaluation, RuleInfo } from "../policy/types.js";
import type { ScanReport } from "../scan-report/types.js";
import { notScannedReason } from "../scan-report/not-scanned.js";
import { outcomes, reportsByTarget, targetVerdict } from "./outcomes.js";
import type { FormatOptions } from "./format-options.js";

// eslint-disable-next-line no-control-regex
const INVALID_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function escapeXml(text: string): string {
  return text
    .replace(INVALID_XML, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

const attrs = (values: Record<string, string | number>): string =>
  Object.entries(values)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join("");

function details(rule: RuleInfo | undefined, lines: string[]): string {
  const out = [...lines];
  const remediation = rule?.remediation ?? {};
  for (const [key, label] of [
    ["nginx", "nginx"],
    ["apache", "Apache"],
    ["haproxy", "HAProxy"],
    ["generic", "Any server"],
  ] as const) {
    const fix = remediation[key];
    if (fix !== undefined) out.push(`Fix (${label}): ${fix}`);
  }
  for (const reference of rule?.references ?? []) out.push(`See ${reference}`);
  return escapeXml(out.join("\n"));
}

/**
 * JUnit XML: a testsuite per target and policy, a testcase per evaluated rule; a failing rule
 * has a `<failure>`, an inconclusive one an `<error>` (or `<skipped>` when inconclusive gates as
 * a pass).
 */
export function formatJunit(
  evaluations: readonly Evaluation[],
  reports: readonly ScanReport[],
  options: FormatOptions = {},
): string {
  const reportOf = reportsByTarget(reports);
  const inconclusiveFails = (options.gate?.inconclusive ?? "fail") === "fail";
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const suites: string[] = [];
  for (const evaluation of evaluations) {
    const report = reportOf.get(evaluation.target);
    const notScanned = report === undefined ? null : notScannedReason(report);
    const counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
    const cases: string[] = [];
    for (const outcome of outcomes(evaluation)) {
      const rule = evaluation.rules[outcome.ruleId];
      counts.tests++;
      const open = `    <testcase${attrs({ classname: evaluation.policy.name, name: outcome.ruleId, time: 0 })}`;
      const findings = outcome.findings;
      const lines = findings.map((f) => `${f.pointer || "/"}: ${findingMessage(f, report)}`);
      const message = `${rule?.title ?? outcome.ruleId}: ${findings.map((f) => findingMessage(f, report)).join("; ")}`;
      const waiver = findings[0]?.waiver;
      if (outcome.status === "pass") {
        cases.push(`${open}/>`);
      } else if (outcome.status === "waived" && waiver !== undefined) {
        counts.skipped++;
        cases.push(
          `${open}>`,
          `      <skipped${attrs({ message: `waived until ${waiver.expires}: ${waiver.reason}` })}/>`,
          "    </testcase>",
        );
      } else if (outcome.status === "fail") {
        counts.failures++;
        cases.push(
          `${open}>`,
          `      <failure${attrs({ message, type: rule?.severity ?? "error" })}>${details(rule, lines)}</failure>`,
          "    </testcase>",
        );
      } else if (inconclusiveFails) {
        counts.errors++;
        cases.push(
          `${open}>`,
          `      <error${attrs({ message: `inconclusive: ${message}`, type: "inconclusive" })}>${details(rule, lines)}</error>`,
          "    </testcase>",
        );
      } else {
        counts.skipped++;
        cases.push(
          `${open}>`,
          `      <skipped${attrs({ message: `inconclusive: ${message}` })}/>`,
          "    </testcase>",
        );
      }
    }
    totals.tests += counts.tests;
    totals.failures += counts.failures;
    totals.errors += counts.errors;
    totals.skipped += counts.skipped;
    const suite: Record<string, string | number> = {
      name: evaluation.target,
      ...counts,
      time: report === undefined ? 0 : report.durationMs / 1000,
    };
    if (report !== undefined) suite.timestamp = report.startedAt;
    suites.push(
      `  <testsuite${attrs(suite)}>`,
      "    <properties>",
      `      <property${attrs({ name: "policy", value: evaluation.policy.name })}/>`,
      `      <property${attrs({ name: "policy.version", value: evaluation.policy.version })}/>`,
      `      <property${attrs({ name: "policy.sha256", value: evaluation.policy.sha256 })}/>`,
      `      <property${attrs({ name: "verdict", value: targetVerdict(evaluation, report, options.gate).toUpperCase() })}/>`,
      ...(notScanned === null
        ? []
        : [`      <property${attrs({ name: "not-scanned", value: notScanned })}/>`]),
      "    </properties>",
      ...cases,
      "  </testsuite>",
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: "tlsgate", ...totals })}>`,
    ...suites,
    "</testsuites>",
    "",
  ].join("\n");
}
