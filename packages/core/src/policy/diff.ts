/**
 * What changes between two versions of a policy, after `extends` is resolved on both sides:
 * rules added, removed, or changed (severity, schema, message, title, remediation…), and waivers
 * added or removed.
 */
import { canonicalJson } from "./resolve.js";
import type { PolicyProvenance, ResolvedPolicy, ResolvedRule, Severity, Waiver } from "./types.js";

export const RULE_FIELDS = [
  "severity",
  "schema",
  "message",
  "title",
  "description",
  "remediation",
  "references",
] as const;
export type RuleField = (typeof RULE_FIELDS)[number];

export interface RuleChange {
  id: string;
  kind: "added" | "removed" | "changed";
  /** The fields that differ (for a changed rule). */
  fields: RuleField[];
  severityBefore: Severity | null;
  severityAfter: Severity | null;
}

export interface WaiverChange {
  kind: "added" | "removed";
  rule: string;
  targets: string[];
  expires: string;
  reason: string;
}

export interface PolicyDiff {
  before: PolicyProvenance;
  after: PolicyProvenance;
  changed: boolean;
  rules: RuleChange[];
  waivers: WaiverChange[];
}

const provenance = (policy: ResolvedPolicy): PolicyProvenance => ({
  name: policy.name,
  version: policy.version,
  sha256: policy.sha256,
});

export function diffPolicies(before: ResolvedPolicy, after: ResolvedPolicy): PolicyDiff {
  const rules: RuleChange[] = [];
  for (const [id, old] of Object.entries(before.rules)) {
    const next = after.rules[id];
    if (next === undefined) {
      rules.push({
        id,
        kind: "removed",
        fields: [],
        severityBefore: old.severity,
        severityAfter: null,
      });
      continue;
    }
    const fields = RULE_FIELDS.filter((field) => !same(old, next, field));
    if (fields.length > 0) {
      rules.push({
        id,
        kind: "changed",
        fields,
        severityBefore: old.severity,
        severityAfter: next.severity,
      });
    }
  }
  for (const [id, rule] of Object.entries(after.rules)) {
    if (before.rules[id] === undefined) {
      rules.push({
        id,
        kind: "added",
        fields: [],
        severityBefore: null,
        severityAfter: rule.severity,
      });
    }
  }
  const key = (w: Waiver): string => canonicalJson([w.rule, w.targets, w.reason, w.expires]);
  const oldWaivers = new Map((before.waivers ?? []).map((w) => [key(w), w]));
  const newWaivers = new Map((after.waivers ?? []).map((w) => [key(w), w]));
  const waivers: WaiverChange[] = [];
  const entry = (kind: WaiverChange["kind"], w: Waiver): WaiverChange => ({
    kind,
    rule: w.rule,
    targets: w.targets,
    expires: w.expires,
    reason: w.reason,
  });
  for (const [k, w] of oldWaivers) if (!newWaivers.has(k)) waivers.push(entry("removed", w));
  for (const [k, w] of newWaivers) if (!oldWaivers.has(k)) waivers.push(entry("added", w));
  return {
    before: provenance(before),
    after: provenance(after),
    changed: rules.length > 0 || waivers.length > 0,
    rules,
    waivers,
  };
}

function same(a: ResolvedRule, b: ResolvedRule, field: RuleField): boolean {
  return canonicalJson(a[field] ?? null) === canonicalJson(b[field] ?? null);
}
