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
export type {
  CipherSuite,
  Group,
  Protocol,
  SignatureScheme,
  StrengthAssessment,
  StrengthClass,
} from "./registry/index.js";
export { SCAN_ERROR_CODES, SCAN_REPORT_SCHEMA_VERSION } from "./scan-report/index.js";
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
