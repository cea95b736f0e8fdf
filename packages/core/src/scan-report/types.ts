/**
 * The ScanReport: the contract between the scanner and policies. A versioned JSON document with
 * its own JSON Schema (`schema.json` beside this file). Every field is always present; a fact the
 * scan could not establish is `null` and `errors[]` says why. A list the scan could not complete
 * is `null`, never a shorter list, because "no suite outside this set" passes on a list that is
 * too short.
 */
import type { Protocol } from "../registry/protocols.js";
import type { StrengthClass } from "../registry/strength.js";

export const SCAN_REPORT_SCHEMA_VERSION = 2 as const;

export interface ScanReport {
  schemaVersion: typeof SCAN_REPORT_SCHEMA_VERSION;
  scanner: { name: "tlsgate"; version: string };
  /** ISO 8601 time the scan started. */
  startedAt: string;
  durationMs: number;
  target: ScanTarget;
  /** Whether any TCP connection to the target succeeded; null when never attempted. */
  reachable: boolean | null;
  errors: ScanError[];
  /** Per protocol: true accepted, false refused by the server, null unknown. */
  protocols: Record<Protocol, boolean | null>;
  /** Every suite accepted, per protocol, in the server's preference order where it has one. */
  cipherSuites: AcceptedCipherSuite[] | null;
  /** One entry per supported protocol (SSLv2 excluded: the client chooses there). */
  serverPreference: ServerPreference[] | null;
  /** Key-exchange groups the server accepts, per protocol (TLS 1.3 by HRR, TLS 1.2 by SKE). */
  groups: AcceptedGroup[] | null;
  dh: DhParameters;
  /** The default chain (the one a client offering every signature algorithm gets). */
  certificate: CertificateReport | null;
  /**
   * One entry per distinct chain served (RSA and ECDSA chains on the same server, for example),
   * each judged on its own; the default chain first.
   */
  certificates: CertificateReport[] | null;
  features: ConnectionFeatures;
  /** Handshake simulations of real client profiles; null when not run. */
  clients: ClientSimulation[] | null;
}

export interface ScanTarget {
  /** What the user typed, e.g. "example.com@192.0.2.1:8443". */
  input: string;
  host: string;
  port: number;
  /** Server name sent in SNI, null when none was sent (IP targets). */
  sni: string | null;
  /** The address actually connected to, null when it could not be resolved. */
  address: string | null;
  /** The STARTTLS preamble the scan ran (`smtp://`, `--starttls`); null for direct TLS. */
  starttls: StarttlsInfo | null;
  /**
   * A web endpoint (port 443 or an https:// target): only there is HSTS looked for, so a policy
   * can require HSTS of web targets without failing a mail or database port.
   */
  web: boolean;
}

export interface StarttlsInfo {
  /** "smtp", "imap", "postgres", … */
  protocol: string;
  /** The service's greeting or version (escaped to printable ASCII); null when it has none. */
  banner: string | null;
}

export const SCAN_ERROR_CODES = [
  "dns",
  "refused",
  "timeout",
  "reset",
  "closed",
  "unparseable",
  "protocol",
  "tls",
  "http",
  "certificate",
  "internal",
  /** The target's or the run's deadline cut the scan short (`--deadline`, `--run-deadline`). */
  "deadline",
  /** The server answered a ClientHello in plain HTTP: the port speaks HTTP, not TLS. */
  "plain-http",
  /** The server greeted with an SSH banner: the port speaks SSH, not TLS. */
  "ssh-banner",
] as const;
export type ScanErrorCode = (typeof SCAN_ERROR_CODES)[number];

export interface ScanError {
  /** Which probe or step failed, e.g. "cipherSuites/TLSv1.2", "protocols/SSLv3", "hsts". */
  probe: string;
  code: ScanErrorCode;
  message: string;
}

export interface AcceptedCipherSuite {
  protocol: Protocol;
  /** "0xC02F" (four hex digits), or six for SSLv2 ("0x0700C0"). */
  code: string;
  iana: string;
  openssl: string | null;
  kex: string;
  auth: string;
  encryption: string;
  bits: number;
  mac: string;
  aead: boolean;
  forwardSecrecy: boolean;
  export: boolean;
  strength: StrengthClass | null;
}

export interface ServerPreference {
  protocol: Protocol;
  /** True when the server picks by its own order, false when it follows the client's. */
  enforced: boolean | null;
  /** IANA names in the server's order, when it enforces one and it could be established. */
  order: string[] | null;
}

export interface AcceptedGroup {
  protocol: Protocol;
  name: string;
  /** "0x001D". */
  code: string;
  /** Security size in bits where meaningful (curve order size, ffdhe modulus size). */
  bits: number | null;
  postQuantum: boolean;
}

export interface DhParameters {
  /** Whether the server negotiates any finite-field DHE suite; null unknown. */
  supported: boolean | null;
  /** Smallest DH prime size seen, in bits; null when not supported or unknown. */
  bits: number | null;
  /** Every distinct prime the server's DHE suites use, smallest first; null when unknown. */
  primes: DhPrime[] | null;
}

/** A finite-field DH prime from ServerKeyExchange, named when it is a well-known one. */
export interface DhPrime {
  /** "ffdhe2048", "modp2048" (RFC 3526 group 14), "nginx-1024", …; null for a custom prime. */
  name: string | null;
  bits: number;
  /** One of the published primes (RFC 7919, RFC 2409/3526, RFC 5114, server defaults). */
  wellKnown: boolean;
  /** Shorter than 2048 bits. */
  short: boolean;
  /** Where a well-known prime is defined or which software used it; null for a custom prime. */
  reference: string | null;
}

export interface CertificateReport {
  /** The leaf's key type: the chain a client gets for the signature algorithms of this type. */
  keyType: CertificateInfo["keyType"] | null;
  chain: CertificateInfo[];
  trusted: boolean | null;
  /** A TRUST_ERRORS code; "expired-anchor" when the anchor, not served, has expired. */
  trustError: string | null;
  hostnameMatch: boolean | null;
  /**
   * No missing link: the served certificates reach a trust anchor or a self-signed certificate
   * (a self-signed leaf, a root sent along), trusted or not. Trust is `trusted`.
   */
  chainComplete: boolean | null;
  chainOrder: boolean | null;
  ocspStapled: boolean | null;
  ocspStatus: "good" | "revoked" | "unknown" | null;
  /** The stapled OCSP response read; null when none was stapled, it is unknown or unreadable. */
  ocsp: OcspReport | null;
}

/** A stapled OCSP response (RFC 6960) as read, about the chain's leaf. */
export interface OcspReport {
  /** OCSPResponseStatus: "successful", "tryLater", …, "unknown" for an unassigned code. */
  responseStatus: string;
  /** CertStatus of the SingleResponse about the leaf; null when the response has none. */
  certStatus: "good" | "revoked" | "unknown" | null;
  producedAt: string | null;
  thisUpdate: string | null;
  nextUpdate: string | null;
  revocationTime: string | null;
  /** The responder's signature verifies with the issuer (or its delegated responder); null unchecked. */
  signatureValid: boolean | null;
  /** nextUpdate has passed at scan time; null without a nextUpdate. */
  expired: boolean | null;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  daysRemaining: number;
  lifespanDays: number;
  keyType: "rsa" | "ecdsa" | "ed25519" | "ed448" | "dsa" | "unknown";
  keyBits: number | null;
  curve: string | null;
  signatureAlgorithm: string;
  sha256: string;
  san: string[];
  selfSigned: boolean;
  isCA: boolean;
  mustStaple: boolean;
  sctCount: number;
}

export interface ConnectionFeatures {
  /** RFC 5746 renegotiation_info echoed by the server. */
  secureRenegotiation: boolean | null;
  extendedMasterSecret: boolean | null;
  /** RFC 7507: the server answers a downgraded hello carrying TLS_FALLBACK_SCSV with inappropriate_fallback. */
  fallbackScsv: boolean | null;
  /** Whether the server accepted a compression method other than null (CRIME). */
  compression: boolean | null;
  heartbeat: boolean | null;
  sessionResumption: { sessionId: boolean | null; ticket: boolean | null };
  alpn: { offered: string[]; selected: string | null } | null;
  earlyData: boolean | null;
  hsts: HstsPolicy | null;
}

export interface HstsPolicy {
  present: boolean;
  maxAge: number | null;
  includeSubDomains: boolean;
  preload: boolean;
  raw: string | null;
}

/**
 * Why a simulated client could not connect, by class:
 * - no-shared-protocol: the client's versions and the server's do not meet (either side too old);
 * - no-shared-cipher: a version is shared but no cipher suite in it;
 * - no-shared-group: suites are shared but every one needs a key-exchange group the client lacks;
 * - no-shared-signature: protocol, suite and group are shared, yet the server found no signature
 *   algorithm (or certificate type) the client accepts for its certificate;
 * - server-alert: the server refused with an alert that none of the above explains;
 * - server-closed: the server closed the connection without a word that none of the above explains;
 * - client-rejects: the server answered, but the client would abort on what it chose (a DH group
 *   or certificate key outside the client's limits, a SHA-1 certificate, an unoffered choice);
 * - connection-failed: timeout, refused, reset or an unparseable reply: inconclusive (`ok: null`).
 */
export const CLIENT_FAILURE_REASONS = [
  "no-shared-protocol",
  "no-shared-cipher",
  "no-shared-group",
  "no-shared-signature",
  "server-alert",
  "server-closed",
  "client-rejects",
  "connection-failed",
] as const;
export type ClientFailureReason = (typeof CLIENT_FAILURE_REASONS)[number];

/** One simulated client handshake: the client's own ClientHello sent to the target. */
export interface ClientSimulation {
  /** The profile's name, e.g. "Android 8.1 (native)" (see the client registry). */
  name: string;
  /** "Android", "Chrome", "Java", … */
  family: string;
  version: string;
  /** The year this client version first shipped, where known. */
  year: number | null;
  /** One of the current clients (the default set). */
  current: boolean;
  /** true: connected; false: could not; null: inconclusive (the connection failed). */
  ok: boolean | null;
  /** What was negotiated, when the server chose. */
  protocol: Protocol | null;
  /** IANA name of the suite negotiated. */
  cipher: string | null;
  /** Key-exchange group negotiated (registry name); null for RSA key transport or a custom DH prime. */
  group: string | null;
  /** Size of the DH prime, for finite-field DHE. */
  dhBits: number | null;
  /** For a failure, what a person debugging it needs to know; null when ok. */
  reason: string | null;
  reasonCode: ClientFailureReason | null;
}
