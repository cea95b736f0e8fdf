// The public API of @tlsgate/core: every export is named here.
export {
  CIPHER_SUITES,
  GROUPS,
  PROTOCOLS,
  SIGNATURE_SCHEMES,
  SSLV2_CIPHER_SUITES,
  STRENGTH_CLASSES,
  assessCipherSuite,
  cipherSuitesFor,
  cipherSuiteByCode,
  cipherSuiteByName,
  classifyCipherSuite,
  groupByCode,
  groupByName,
  signatureSchemeByCode,
  signatureSchemeByName,
} from "./registry/index.js";
export {
  CLIENT_PROFILES,
  CURRENT_CLIENT_PROFILES,
  ClientProfileError,
  clientProfileByName,
  selectClientProfiles,
} from "./registry/index.js";
export type { ClientProfile, ClientProfileErrorCode, ClientSelection } from "./registry/index.js";
export type {
  CipherSuite,
  Group,
  Protocol,
  SignatureScheme,
  StrengthAssessment,
  StrengthClass,
} from "./registry/index.js";
export {
  CLIENT_FAILURE_REASONS,
  SCAN_ERROR_CODES,
  SCAN_REPORT_SCHEMA_VERSION,
} from "./scan-report/index.js";
export type {
  AcceptedCipherSuite,
  AcceptedGroup,
  CertificateInfo,
  CertificateReport,
  ClientSimulation,
  ConnectionFeatures,
  DhParameters,
  HstsPolicy,
  ScanError,
  ScanErrorCode,
  ScanReport,
  ScanTarget,
  ServerPreference,
} from "./scan-report/index.js";
export {
  scanReportSchema,
  SCAN_REPORT_SCHEMA_ID,
  validateScanReport,
} from "./scan-report/index.js";
export type { ScanReportIssue, ScanReportValidation } from "./scan-report/index.js";

// Scanning
export { scan } from "./scan/scan.js";
export type { ScanOptions, TargetSpec } from "./scan/scan.js";
export { scanTarget } from "./scan/scan-target.js";
export { simulateClients } from "./scan/clients.js";
export type { SimulateClientsOptions } from "./scan/clients.js";
export type { ScanTargetOptions } from "./scan/scan-target.js";
export { scanTargets } from "./scan/scan-targets.js";
export type { ScanTargetsOptions } from "./scan/scan-targets.js";
export type { ProgressEvent } from "./scan/context.js";
export { TARGET_ERROR_CODES, TargetError, parseTarget } from "./probe/target.js";
export type { Target, TargetErrorCode } from "./probe/target.js";
export { checkCertificatesAndFeatures } from "./probe/check-certificates.js";
export type {
  CertificatesAndFeatures,
  CheckCertificatesOptions,
} from "./probe/check-certificates.js";
export type { CertificateFeatures } from "./probe/check-certificates.js";
export {
  CHAIN_CHECKS,
  TRUST_ERRORS,
  checkCertificateChain,
  checkTrust,
  createTrustStore,
  describeCertificate,
  matchesHostname,
  parseCertificate,
  pemToDer,
} from "./cert/index.js";
export type { ParsedCertificate, TrustError, TrustStore, TrustVerdict } from "./cert/index.js";
export { CERTIFICATE_ERROR_CODES, CertificateError } from "./cert/errors.js";
export type { CertificateErrorCode } from "./cert/errors.js";

// Configuration (tlsgate.config.json), shared by the CLI and the Action
export {
  CONFIG_FILE,
  CONFIG_SCHEMA_ID,
  ConfigError,
  configSchema,
  loadConfig,
} from "./config/index.js";
export type { ConfigTarget, LoadedConfig, TlsgateConfig } from "./config/index.js";

// Policies
export {
  FAIL_ON,
  FINDING_STATUSES,
  POLICY_ERROR_CODES,
  POLICY_SCHEMA_ID,
  PolicyError,
  SEVERITIES,
  checkExpectations,
  compilePolicy,
  evaluate,
  PolicyCache,
  loadNamedPolicy,
  loadPolicyFile,
  policyFileOf,
  parsePolicy,
  policySchema,
  resolvePolicy,
  resolvePolicyRef,
  runPolicyCase,
  runPolicyTests,
  verdictOf,
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
  PolicyCaseMismatch,
  PolicyCaseResult,
  PolicyDocument,
  PolicyErrorCode,
  PolicyProvenance,
  PolicyRule,
  PolicyTestCase,
  PolicyTestOptions,
  PolicyTestRun,
  Remediation,
  ResolvedPolicy,
  ResolvedRule,
  RuleInfo,
  Severity,
} from "./policy/index.js";

export {
  MAX_PATTERN_LENGTH,
  MAX_UNBOUNDED_QUANTIFIERS,
  RULE_ID_PATTERN,
  canonicalJson,
  checkPattern,
  hashRules,
  lintRuleSchema,
  ruleStatuses,
  valueAt,
} from "./policy/index.js";
export type {
  CompiledRule,
  EvaluateOptions,
  LintIssue,
  LintResult,
  LoadedPolicy,
  Locate,
  ParsePolicyOptions,
  PolicyErrorDetails,
  PolicyFormat,
  PolicyRuleEntry,
  PolicySource,
  PolicySourceKind,
  Position,
  PresetSource,
  ResolveOptions,
  RuleSchema,
} from "./policy/index.js";

// Reporters
export {
  RESULT_SCHEMA_ID,
  formatJson,
  formatJunit,
  formatMarkdown,
  formatSarif,
  formatText,
  resultSchema,
  toJsonResult,
} from "./report/index.js";
export type {
  FormatOptions,
  JsonOptions,
  JsonResult,
  MarkdownOptions,
  SarifOptions,
  TextOptions,
} from "./report/index.js";
