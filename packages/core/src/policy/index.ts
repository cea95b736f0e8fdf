// The public API of the policy engine: every export is named here.
export { POLICY_ERROR_CODES, PolicyError, formatPolicyIssue } from "./errors.js";
export type { PolicyErrorCode, PolicyErrorDetails, PolicyIssue } from "./errors.js";
export { compilePolicy, evaluate, ruleStatuses, valueAt, verdictOf } from "./evaluate.js";
export type { CompiledPolicy, CompiledRule, EvaluateOptions } from "./evaluate.js";
export { lintRuleSchema } from "./lint.js";
export type { LintIssue, LintResult } from "./lint.js";
export { MAX_POLICY_BYTES, loadPolicyFile, parsePolicy } from "./load.js";
export { PolicyCache, loadNamedPolicy, policyFileOf } from "./named-policy.js";
export type { LoadedPolicy, ParsePolicyOptions, PolicyFormat } from "./load.js";
export { POLICY_SCHEMA_ID, RULE_ID_PATTERN, policySchema } from "./policy-schema.js";
export { checkExpectations, runPolicyCase, runPolicyTests } from "./run-policy-tests.js";
export { readSampleReport, sampleReportNames } from "./sample-reports.js";
export type {
  ExpectedStatus,
  PolicyCaseMismatch,
  PolicyCaseResult,
  PolicyTestCase,
  PolicyTestOptions,
  PolicyTestRun,
} from "./run-policy-tests.js";
export { canonicalJson, hashRules, resolvePolicy, resolvePolicyRef } from "./resolve.js";
export type { PresetSource, ResolveOptions } from "./resolve.js";
export { MAX_PATTERN_LENGTH, checkPattern } from "./linear-pattern.js";
export type { Locate, Position } from "./source-map.js";
export { FAIL_ON, FINDING_STATUSES, SEVERITIES } from "./types.js";
export { compileGlob } from "./glob.js";
export type { Glob } from "./glob.js";
export {
  DEFAULT_MAX_WAIVER_DAYS,
  WAIVER_EXPIRY_WARNING_DAYS,
  WaiverSet,
  expiringWaiverWarnings,
  parseDay,
} from "./waivers.js";
export type {
  Evaluation,
  EvaluationCounts,
  FailOn,
  Finding,
  FindingStatus,
  GateOptions,
  GateResult,
  PolicyDocument,
  PolicyProvenance,
  PolicyRule,
  PolicyRuleEntry,
  PolicySource,
  PolicySourceKind,
  Remediation,
  ResolvedPolicy,
  ResolvedRule,
  RuleInfo,
  RuleSchema,
  Severity,
  Waiver,
  WaiverEntry,
  FindingWaiver,
} from "./types.js";
