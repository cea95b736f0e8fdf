/** Types of policy documents, resolved policies and their evaluation. */

export const SEVERITIES = ["error", "warning", "info", "off"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** `waived`: a failing or inconclusive finding that a waiver in force lets pass until it expires. */
export const FINDING_STATUSES = ["pass", "fail", "inconclusive", "waived"] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/** A JSON Schema (2020-12) object that the ScanReport must satisfy. */
export type RuleSchema = { [keyword: string]: unknown };

export interface Remediation {
  nginx?: string;
  apache?: string;
  haproxy?: string;
  generic?: string;
}

/** A full rule as written in a policy document. */
export interface PolicyRule {
  severity: Severity;
  title: string;
  description?: string;
  remediation?: Remediation;
  references?: string[];
  /**
   * Message template for a failing value. Placeholders: `{name}` (what failed, e.g.
   * "TLS_RSA_WITH_RC4_128_SHA (TLSv1.2)"), `{pointer}`, `{title}`, `{value}`, `{value.PATH}`,
   * `{parent.PATH}` (the object holding the value), `{report.PATH}` (dotted paths, "chain.0.san"),
   * each optionally filtered: `|date` (YYYY-MM-DD), `|abs`, `|quote` (JSON, "none" when absent),
   * `|list` (items joined by ", ").
   */
  message?: string;
  schema: RuleSchema;
}

/** A rule entry: a full rule, or a bare severity overriding a rule an extended policy defines. */
export type PolicyRuleEntry = PolicyRule | Severity;

/** A policy document as written (JSON or YAML), validated against `policySchema`. */
export interface PolicyDocument {
  $schema?: string;
  name: string;
  version: string;
  description?: string;
  extends?: string[];
  rules?: Record<string, PolicyRuleEntry>;
  waivers?: WaiverEntry[];
}

/** A waiver as written in a policy or the config file. */
export interface WaiverEntry {
  rule: string;
  /** Globs over the target as written (`*` any text, `?` one character). */
  targets: string[];
  reason: string;
  /** The last day (UTC) the waiver is in force, YYYY-MM-DD. */
  expires: string;
}

/** A waiver with where it is written. */
export interface Waiver extends WaiverEntry {
  /** The waiver entry's position, and that of its `expires` value (for errors about the date). */
  source: { file: string; line: number | null; column: number | null; pointer: string };
  expiresAt: { line: number | null; column: number | null };
}

/** What a waived finding (or one whose waiver expired) says about its waiver. */
export interface FindingWaiver {
  reason: string;
  expires: string;
  /** Whole days from the run's date to the expiry date: 0 on the last day, negative once expired. */
  daysLeft: number;
  expired: boolean;
  /** `file:line:column` of the waiver. */
  source: string;
}

export type PolicySourceKind = "file" | "preset" | "package";

/** A document that went into a resolved policy. */
export interface PolicySource {
  kind: PolicySourceKind;
  /** How it was named: the file path, preset name or package specifier as written. */
  ref: string;
  /** The file it was read from (for a preset, the preset's file). */
  file: string;
  name: string;
  version: string;
}

/** A rule after `extends` and overrides are applied. */
export interface ResolvedRule extends PolicyRule {
  id: string;
  /** Where the rule's definition was read from (the file and position of its key). */
  source: { file: string; line: number | null; column: number | null };
}

/** A policy with every `extends` merged: what `compilePolicy` compiles. */
export interface ResolvedPolicy {
  name: string;
  version: string;
  description?: string;
  /** Every document read, the root first, then the extended ones in the order they were read. */
  sources: PolicySource[];
  /** Rules by id, in the order they were first defined. */
  rules: Record<string, ResolvedRule>;
  /** Waivers of every document read, extended documents first (none when absent). */
  waivers?: Waiver[];
  /** SHA-256 (hex) of the canonical JSON of the resolved rules (sources excluded). */
  sha256: string;
}

/** Identifies the policy an evaluation ran. */
export interface PolicyProvenance {
  name: string;
  version: string;
  sha256: string;
}

/** What a report shows about one rule, for reporters (no schema). */
export interface RuleInfo {
  id: string;
  severity: Exclude<Severity, "off">;
  title: string;
  description?: string;
  remediation?: Remediation;
  references?: string[];
  source: ResolvedRule["source"];
}

/**
 * One outcome of a rule for a target: a failing or inconclusive rule yields one finding per
 * offending value; a passing rule yields none, or one `pass` finding (pointer "") when
 * `evaluate` is asked for passes.
 */
export interface Finding {
  ruleId: string;
  severity: Exclude<Severity, "off">;
  status: FindingStatus;
  /** `report.target.input`. */
  target: string;
  /** JSON pointer into the ScanReport, e.g. "/cipherSuites/4". */
  pointer: string;
  /** The report's value at `pointer` (null for a pass finding). */
  value: unknown;
  message: string;
  /** The waiver that matched (status `waived`, or `fail`/`inconclusive` once it expired). */
  waiver?: FindingWaiver;
}

export interface EvaluationCounts {
  /** Rules evaluated (severity not off). */
  rules: number;
  pass: number;
  fail: number;
  inconclusive: number;
  /**
   * Rules whose every failing or inconclusive finding is waived; present when a waiver applies
   * to the target.
   */
  waived?: number;
  /** Rules not evaluated because their severity is off. */
  off: number;
}

export interface Evaluation {
  policy: PolicyProvenance;
  target: string;
  /**
   * fail when any rule fails, else inconclusive when any rule is, else pass (any severity; a
   * rule whose findings are all waived passes).
   */
  verdict: Exclude<FindingStatus, "waived">;
  findings: Finding[];
  /** Counts of rules by status. */
  counts: EvaluationCounts;
  /**
   * Every evaluated rule's metadata, by id, in evaluation order (shared between evaluations of
   * one CompiledPolicy). A rule here without findings passed.
   */
  rules: Readonly<Record<string, RuleInfo>>;
}

export const FAIL_ON = ["error", "warning", "info", "never"] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface GateOptions {
  /** Lowest severity that fails the gate; "never" never fails. Default "error". */
  failOn?: FailOn;
  /** How an inconclusive finding gates: like a failure (default) or a pass. */
  inconclusive?: "fail" | "pass";
}

export interface GateResult {
  verdict: "pass" | "fail";
  /** The findings that decided a failing verdict (empty when it passes). */
  blocking: Finding[];
}
