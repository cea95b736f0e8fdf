// The public API of the TLS registry: every export is named here.
export {
  CIPHER_SUITES,
  SSLV2_CIPHER_SUITES,
  cipherSuiteByCode,
  cipherSuiteByName,
  cipherSuitesFor,
  sslv2CipherSuiteByCode,
  sslv2CipherSuiteByName,
} from "./cipher-suites.js";
export {
  CLIENT_PROFILES,
  CLIENT_PROFILE_ERROR_CODES,
  CLIENT_PROFILE_SOURCES,
  CURRENT_CLIENT_PROFILES,
  ClientProfileError,
  clientProfileByName,
  selectClientProfiles,
} from "./client-profiles.js";
export type {
  ClientProfile,
  ClientProfileErrorCode,
  ClientProfileRow,
  ClientProfileSource,
  ClientSelection,
} from "./client-profiles.js";
export { DH_PRIMES, dhPrimeByName, dhPrimeBySha256 } from "./dh-primes.js";
export { GROUPS, groupByCode, groupByName } from "./groups.js";
export {
  PROTOCOLS,
  PROTOCOL_VERSIONS,
  isProtocol,
  protocolByVersion,
  protocolVersion,
} from "./protocols.js";
export type { Protocol } from "./protocols.js";
export {
  SIGNATURE_SCHEMES,
  signatureSchemeByCode,
  signatureSchemeByName,
} from "./signature-schemes.js";
export {
  STRENGTH_CLASSES,
  STRENGTH_RULE_IDS,
  assessCipherSuite,
  classifyCipherSuite,
} from "./strength.js";
export type { StrengthAssessment, StrengthClass, StrengthRuleId } from "./strength.js";
export { AUTHENTICATIONS, GROUP_KINDS, KEY_EXCHANGES } from "./types.js";
export type {
  Authentication,
  CipherSuite,
  CipherSuiteRow,
  DhPrimeRow,
  Group,
  GroupKind,
  GroupRow,
  IanaRecommended,
  KeyExchange,
  SignatureScheme,
  SignatureSchemeRow,
  Sslv2CipherSuite,
  Sslv2CipherSuiteRow,
} from "./types.js";
