// @tlsgate/testing: real TLS servers on loopback and their ground truth, for the tests of every
// workspace package. Private and never built: it exports its TypeScript sources. The test PKI is
// "@tlsgate/testing/pki" and the vendored reference data "@tlsgate/testing/data".
export {
  CREDENTIAL_KINDS,
  DEFAULT_SUBJECT_ALT_NAMES,
  KEY_TYPES,
  createCredential,
  dhParams,
  getCredential,
  harnessTempDir,
} from "./credentials.js";
export type {
  CertKeyPair,
  CredentialKey,
  CredentialKind,
  CredentialSpec,
  DhParams,
  KeyType,
  ServerCredential,
} from "./credentials.js";
export { createCaSignedCredential } from "./ca-signed-credential.js";
export type { CaSignedCredential, LeafOptions } from "./ca-signed-credential.js";
export { HARNESS_ERROR_CODES, HarnessError } from "./errors.js";
export type { HarnessErrorCode } from "./errors.js";
export {
  OPENSSL_TLS13_SUITES,
  confirmWithGnutlsClient,
  confirmWithOpenSslClient,
  formatSuiteCode,
  gnutlsCipherCodes,
  gnutlsPriorityInfo,
  gnutlsServerTruth,
  gnutlsSuitePriority,
  normalizeSuiteCode,
  opensslCatalog,
  opensslCipherCodes,
  opensslCipherList,
  opensslEnabledVersions,
  opensslServerTruth,
  parseGnutlsHandshake,
  parseGnutlsList,
  parseOpenSslCiphers,
  parseOpenSslHandshake,
  parseSecurityLevel,
  permissiveGnutlsPriority,
  sampleOf,
} from "./ground-truth.js";
export type {
  Endpoint,
  GnutlsClientOptions,
  GnutlsPriorityInfo,
  GnutlsSuite,
  GnutlsTruthOptions,
  Handshake,
  OpenSslCatalog,
  OpenSslCipher,
  OpenSslClientOptions,
  OpenSslTruthOptions,
  ServerTruth,
} from "./ground-truth.js";
export { harnessEnv, runCommand } from "./process.js";
export type { CommandResult } from "./process.js";
export { gnutlsReadiness, startGnutlsServer } from "./servers/gnutls-server.js";
export type {
  GnutlsServer,
  GnutlsServerConfig,
  GnutlsServerOptions,
} from "./servers/gnutls-server.js";
export { startNodeTlsServer } from "./servers/node-server.js";
export type { NodeHandshake, NodeTlsServer, NodeTlsServerOptions } from "./servers/node-server.js";
export { parseOpenSslAccept, startOpenSslServer } from "./servers/openssl-server.js";
export type {
  OpenSslServer,
  OpenSslServerConfig,
  OpenSslServerOptions,
} from "./servers/openssl-server.js";
export { nginxReadiness, startNginxServer } from "./servers/nginx-server.js";
export type { NginxServer, NginxServerOptions } from "./servers/nginx-server.js";
export { startRawServer } from "./servers/raw-server.js";
export { startFirstRecordRelay } from "./servers/first-record-relay.js";
export type { FirstRecordRelay } from "./servers/first-record-relay.js";
export type { RawHandler, RawServer, RawServerOptions } from "./servers/raw-server.js";
export { pickFreePort } from "./servers/test-server.js";
export type { TestServer } from "./servers/test-server.js";
export {
  GNUTLS_VERSION_NAMES,
  LOOPBACK_HOSTS,
  OPENSSL_VERSION_FLAGS,
  TLS_VERSIONS,
  hostPort,
  parseTlsVersion,
} from "./tls-versions.js";
export type { LoopbackHost, TlsVersion } from "./tls-versions.js";
export { offlineProject } from "./offline-project.js";
export type { LockEntry, OfflineProject, PackageLock, PackedWorkspace } from "./offline-project.js";
export { githubSarifProblems, sarifSchemaProblems } from "./sarif.js";
export { confirmEarlyDataWithOpenSsl } from "./early-data.js";
export type { EarlyDataTruth } from "./early-data.js";
export { dhPrimeOfPem } from "./dh-prime.js";
export {
  confirmGroupsWithNode24Client,
  node24Binary,
  startNode24TlsServer,
} from "./servers/node24-server.js";
export type { Node24TlsServer, Node24TlsServerOptions } from "./servers/node24-server.js";
export * from "./servers/daemons/index.js";
export { untilQuiet } from "./quiet.js";
