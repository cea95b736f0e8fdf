export { SCAN_ERROR_CODES, SCAN_REPORT_SCHEMA_VERSION, STRENGTH_CLASSES } from "./types.js";
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
  StrengthClass,
} from "./types.js";
