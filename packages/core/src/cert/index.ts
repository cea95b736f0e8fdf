// Certificate parsing and checks over DER: no sockets, no I/O.
export { SIGNATURE_ALGORITHM_NAMES, NAMED_CURVES } from "./algorithms.js";
export { CHAIN_CHECKS, MAX_SERVED_CERTIFICATES, checkCertificateChain } from "./check-chain.js";
export type {
  ChainCheckContext,
  ChainCheckId,
  CheckChainOptions,
  CheckChainResult,
} from "./check-chain.js";
export { checkChainOrder } from "./chain-order.js";
export { derToPem, pemToDer } from "./der.js";
export { CERTIFICATE_ERROR_CODES, CertificateError } from "./errors.js";
export type { CertificateErrorCode } from "./errors.js";
export { EXTENSIONS } from "./extensions/index.js";
export type { BasicConstraints, DecodedExtensions, ExtensionName } from "./extensions/index.js";
export { checkHostname, matchesHostname } from "./hostname.js";
export { OCSP_RESPONSE_STATUSES, decodeOcspResponse } from "./ocsp.js";
export type { OcspResponseStatus, OcspStatus } from "./ocsp.js";
export { describeCertificate, parseCertificate } from "./parse.js";
export type { ParsedCertificate } from "./parse.js";
export { TRUST_ERRORS, TRUST_LIMITS, checkTrust, describeTrustLimits } from "./trust.js";
export type {
  CheckTrustOptions,
  TrustError,
  TrustLimit,
  TrustLimits,
  TrustVerdict,
  TrustWork,
} from "./trust.js";
export { createTrustStore } from "./trust-store.js";
export type { TrustStore } from "./trust-store.js";
