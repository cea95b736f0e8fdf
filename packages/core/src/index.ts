// The public API of @tlsgate/core: what a user of the library needs, every export named here.
// Internals are behind subpath exports: @tlsgate/core/policy (lint, resolve, policy tests),
// @tlsgate/core/registry (cipher suites, groups, client profiles), @tlsgate/core/cert and
// @tlsgate/core/wire (the TLS codec).

// Errors: one family, each with a literal name, a code and its context.
export { TlsgateError, isTlsgateError } from "./errors.js";
export { InputError } from "./run/input-error.js";
export type { InputErrorCode } from "./run/input-error.js";
export { PolicyError } from "./policy/errors.js";
export type { PolicyErrorCode, PolicyIssue } from "./policy/errors.js";
export { ConfigError } from "./config/config.js";
export type { ConfigErrorCode, ConfigIssue } from "./config/config.js";
export { TargetError } from "./probe/target.js";
export type { TargetErrorCode } from "./probe/target.js";
export { CertificateError } from "./cert/errors.js";
export type { CertificateErrorCode } from "./cert/errors.js";
export { ClientProfileError } from "./registry/client-profiles.js";
export type { ClientProfileErrorCode, ClientSelection } from "./registry/client-profiles.js";

// A run: plan (validate everything, connect nowhere), then scan, evaluate and gate.
export {
  RUN_DEFAULTS,
  RUN_LIMITS,
  RUN_OUTCOMES,
  checkRunWaivers,
  gateRun,
  parseNow,
  parseTargetList,
  planRun,
  readSavedResults,
  runPlan,
} from "./run/index.js";
export type {
  LookupAllFunction,
  PlanResult,
  PlannedTarget,
  RunGate,
  RunInput,
  RunOutcome,
  RunPlan,
  RunPlanOptions,
  RunResult,
  TargetResult,
  SavedResults,
  Shard,
} from "./run/index.js";

// Scanning one target or a list
export { scanTarget } from "./scan/scan-target.js";
export type { ScanTargetOptions } from "./scan/scan-target.js";
export { scanTargets } from "./scan/scan-targets.js";
export type { ScanTargetsOptions } from "./scan/scan-targets.js";
export type { ProgressEvent } from "./scan/context.js";
export { parseTarget } from "./probe/target.js";
export type { Target } from "./probe/target.js";

// The ScanReport: the contract between scanner and policies
export {
  SCAN_REPORT_SCHEMA_ID,
  SCAN_REPORT_SCHEMA_VERSION,
  scanReportSchema,
  validateScanReport,
} from "./scan-report/index.js";
export { upgradeScanReport } from "./report/upgrade.js";
export type {
  AcceptedCipherSuite,
  AcceptedGroup,
  CertificateInfo,
  CertificateReport,
  ClientSimulation,
  ConnectionFeatures,
  DhParameters,
  DhPrime,
  HstsPolicy,
  OcspReport,
  ScanError,
  ScanErrorCode,
  ScanReport,
  ScanReportIssue,
  ScanReportValidation,
  ScanTarget,
  ServerPreference,
} from "./scan-report/index.js";

// Configuration (tlsgate.config.json)
export { CONFIG_FILE, CONFIG_SCHEMA_ID, configSchema, loadConfig } from "./config/index.js";
export type { ConfigTarget, LoadedConfig, TlsgateConfig } from "./config/index.js";

// Policies: load, compile once, evaluate many
export {
  FAIL_ON,
  FINDING_STATUSES,
  POLICY_SCHEMA_ID,
  PolicyCache,
  SEVERITIES,
  compilePolicy,
  evaluate,
  loadNamedPolicy,
  loadPolicyFile,
  parsePolicy,
  policySchema,
  resolvePolicy,
  resolvePolicyRef,
  runPolicyTests,
  verdictOf,
  DEFAULT_MAX_WAIVER_DAYS,
  WAIVER_EXPIRY_WARNING_DAYS,
  WaiverSet,
  expiringWaiverWarnings,
  parseDay,
} from "./policy/index.js";
export type {
  CompiledPolicy,
  Evaluation,
  EvaluationCounts,
  ExpectedStatus,
  FailOn,
  Finding,
  FindingStatus,
  GateOptions,
  GateResult,
  LoadedPolicy,
  PolicyCaseResult,
  PolicyDocument,
  PolicyRule,
  PolicyTestRun,
  ResolvedPolicy,
  RuleInfo,
  Severity,
  Waiver,
  FindingWaiver,
} from "./policy/index.js";

// Text a server chose (certificate names, replies), made safe to print: controls as \xNN
export { escapeControlCharacters } from "./control-characters.js";

// Reporters: pure (evaluations, reports, options) → string
export {
  REPORT_FORMATS,
  RESULT_SCHEMA_ID,
  HTML_CSP,
  formatHtml,
  formatJson,
  formatJunit,
  formatMarkdown,
  formatNdjson,
  formatNdjsonGate,
  formatNdjsonResult,
  formatResults,
  formatSarif,
  formatText,
  findingMessage,
  htmlText,
  repoPath,
  repositoryRoot,
  isReportFormat,
  markdownCode,
  markdownText,
  resultSchema,
  toJsonResult,
} from "./report/index.js";
export { notScannedReason } from "./scan-report/not-scanned.js";
export type {
  AnyFormatOptions,
  FormatOptions,
  HtmlOptions,
  JsonOptions,
  JsonResult,
  MarkdownOptions,
  ReportFormat,
  SarifOptions,
  TextOptions,
} from "./report/index.js";

// Policy lifecycle: policy diff and impact, scan drift
export { diffPolicies, RULE_FIELDS } from "./policy/diff.js";
export type { PolicyDiff, RuleChange, RuleField, WaiverChange } from "./policy/diff.js";
export { loadPolicyRef, parseGitPolicyRef } from "./policy/policy-ref.js";
export { policyImpact } from "./run/impact.js";
export type { PolicyImpact, RuleImpact, TargetImpact } from "./run/impact.js";
export {
  formatPolicyDiffJson,
  formatPolicyDiffMarkdown,
  formatPolicyDiffText,
} from "./report/policy-diff.js";
export {
  formatImpactJson,
  formatImpactMarkdown,
  formatImpactText,
  impactHeadline,
} from "./report/impact.js";
export {
  DRIFT_AREAS,
  diffScans,
  formatDriftJson,
  formatDriftMarkdown,
  formatDriftText,
} from "./report/drift.js";
export type { DriftArea, DriftChange, Drift, TargetDrift } from "./report/drift.js";
