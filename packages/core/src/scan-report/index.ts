export { SCAN_REPORT_SCHEMA_ID, scanReportSchema } from "./schema.js";
export { CLIENT_FAILURE_REASONS, SCAN_ERROR_CODES, SCAN_REPORT_SCHEMA_VERSION } from "./types.js";
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
  ScanTarget,
  ServerPreference,
} from "./types.js";
export { validateScanReport } from "./validate.js";
export type { ScanReportIssue, ScanReportValidation } from "./validate.js";
