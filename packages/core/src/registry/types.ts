import type { Protocol } from "./protocols.js";

/** IANA "Recommended" column (RFC 9847): Y recommended, N not (or not evaluated), D discouraged. */
export type IanaRecommended = "Y" | "N" | "D";

/**
 * Key exchange of a cipher suite, as its IANA name spells it, with these normalisations:
 * anonymous DH/ECDH are "DHE"/"ECDHE" (no certificate, so the key is always ephemeral); TLS 1.3
 * suites are "any" (the group is negotiated apart); all GOST key transports are "GOST"; "none"
 * marks rows that are not cipher suites (GREASE, SCSV).
 */
export const KEY_EXCHANGES = [
  "NULL",
  "RSA",
  "DH",
  "DHE",
  "ECDH",
  "ECDHE",
  "PSK",
  "DHE_PSK",
  "RSA_PSK",
  "ECDHE_PSK",
  "SRP",
  "KRB5",
  "ECCPWD",
  "GOST",
  "CECPQ1",
  "any",
  "none",
] as const;
export type KeyExchange = (typeof KEY_EXCHANGES)[number];

/** Server authentication: the certificate's key type, or anon, PSK, SRP, … ("any" in TLS 1.3). */
export const AUTHENTICATIONS = [
  "NULL",
  "RSA",
  "DSS",
  "ECDSA",
  "anon",
  "PSK",
  "SRP",
  "KRB5",
  "ECCPWD",
  "GOST",
  "any",
  "none",
] as const;
export type Authentication = (typeof AUTHENTICATIONS)[number];

/** One two-byte cipher suite as generated from data/ (see scripts/generate-registry.ts). */
export interface CipherSuiteRow {
  readonly code: number;
  /** "0xC02F": four upper-case hex digits. */
  readonly hex: string;
  /** The IANA name; for suites outside the registry, testssl's name (or OpenSSL's if none). */
  readonly iana: string;
  readonly openssl: string | null;
  /** Versions the suite can be negotiated in; empty for GREASE and SCSVs. */
  readonly protocols: readonly Protocol[];
  readonly kex: KeyExchange;
  readonly auth: Authentication;
  /** Bulk cipher as the IANA name spells it: "AES_128_GCM", "3DES_EDE_CBC", "RC4_40", "NULL". */
  readonly encryption: string;
  /** Key bits of the bulk cipher (export: 40 or 56; 3DES: 168, like OpenSSL; NULL: 0). */
  readonly bits: number;
  /** Record MAC: "SHA" (HMAC-SHA1), "SHA256", "SHA384", "MD5", …, or "AEAD" when the cipher is. */
  readonly mac: string;
  readonly aead: boolean;
  readonly forwardSecrecy: boolean;
  readonly export: boolean;
  readonly recommended: IanaRecommended | null;
  /** RFC 8701 GREASE value: never negotiated, only sent to keep servers tolerant. */
  readonly grease: boolean;
  /** Signalling value (TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLS_FALLBACK_SCSV), not a suite. */
  readonly scsv: boolean;
  readonly inIanaRegistry: boolean;
}

/** A cipher suite with its strength class (null for GREASE and SCSVs). */
export interface CipherSuite extends CipherSuiteRow {
  readonly strength: StrengthClass | null;
}

/** One of the 3-byte SSLv2 cipher kinds (SSLv2 has its own code space). */
export interface Sslv2CipherSuiteRow {
  readonly code: number;
  /** "0x0700C0": six upper-case hex digits. */
  readonly hex: string;
  /** The SSL_CK_* name from the SSLv2 draft as testssl spells it. */
  readonly name: string;
  readonly openssl: string;
  readonly bits: number;
  readonly export: boolean;
}
export type Sslv2CipherSuite = Sslv2CipherSuiteRow;

export const GROUP_KINDS = ["ecdhe", "ffdhe", "pq", "hybrid-pq", "explicit", "grease"] as const;
/**
 * ecdhe: a named elliptic curve; ffdhe: an RFC 7919 finite-field group; pq: a pure post-quantum
 * KEM (ML-KEM); hybrid-pq: ECDH combined with a post-quantum KEM; explicit: the RFC 8422
 * "arbitrary explicit curves" values; grease: RFC 8701.
 */
export type GroupKind = (typeof GROUP_KINDS)[number];

export interface GroupRow {
  readonly code: number;
  readonly hex: string;
  /** The IANA name ("secp256r1", "x25519"), without the registry's " (OBSOLETE)" suffix. */
  readonly name: string;
  /** Other spellings: ANSI/OpenSSL (prime256v1), NIST (P-256), OpenSSL's case (X25519), … */
  readonly aliases: readonly string[];
  readonly kind: GroupKind;
  readonly postQuantum: boolean;
  readonly hybrid: boolean;
  /** Curve field size or FFDHE prime size; null for KEMs, hybrids and explicit curves. */
  readonly bits: number | null;
  readonly recommended: IanaRecommended | null;
  readonly grease: boolean;
}
export type Group = GroupRow;

/** A well-known finite-field DH prime (data/dh/well-known-primes.json). */
export interface DhPrimeRow {
  /** "ffdhe2048", "modp2048" (RFC 3526 group 14), "nginx-1024", … */
  readonly name: string;
  readonly bits: number;
  /** SHA-256 (lower-case hex) of the prime as big-endian bytes without leading zeros. */
  readonly sha256: string;
  /** Where the prime is defined or which software used it by default. */
  readonly reference: string;
}

export interface SignatureSchemeRow {
  readonly code: number;
  readonly hex: string;
  readonly name: string;
  /** OpenSSL's spellings where they differ: "RSA+SHA256", "RSA-PSS+SHA256", … */
  readonly aliases: readonly string[];
  readonly recommended: IanaRecommended | null;
}
export type SignatureScheme = SignatureSchemeRow;

/** How good a cipher suite is (registry/strength.ts says why), best first. */
export const STRENGTH_CLASSES = ["recommended", "secure", "weak", "insecure"] as const;
export type StrengthClass = (typeof STRENGTH_CLASSES)[number];

// Client profiles (registry/client-profiles.ts): the rows live here, beside the other generated
// rows' types, so that generated/ imports types only and nothing imports back into it.
export const CLIENT_PROFILE_SOURCES = ["testssl", "curl-impersonate"] as const;
export type ClientProfileSource = (typeof CLIENT_PROFILE_SOURCES)[number];

/** One client as generated from the vendored data/ (see data/SOURCES.md). */
export interface ClientProfileRow {
  /** testssl's name ("Android 8.1 (native)") or "Chrome 142.0.7444.176 (macOS)". */
  readonly name: string;
  /** testssl's short id ("android_81") or the curl-impersonate file ("chrome_142.0.7444.176"). */
  readonly short: string;
  /** Other names of the same hello (testssl's per-version captures of a combined entry). */
  readonly aliases: readonly string[];
  /** "Android", "Chrome", "Firefox", "Safari", "Edge", "IE", "Java", "OpenSSL", … */
  readonly family: string;
  readonly version: string;
  /** "Win 10", "macOS", "Android 14", …; null when the name says none. */
  readonly platform: string | null;
  /** The year this version first shipped, where known. */
  readonly year: number | null;
  /** In the default set: testssl's `current` flag; for curl-impersonate, the newest of a browser. */
  readonly current: boolean;
  readonly source: ClientProfileSource;
  /** Versions offered (supported_versions, else the legacy range), oldest first. */
  readonly protocols: readonly Protocol[];
  /** Cipher suite codes in the client's order, GREASE included. */
  readonly cipherSuites: readonly number[];
  /** supported_groups in order, GREASE included; null without the extension. */
  readonly groups: readonly number[] | null;
  readonly signatureAlgorithms: readonly number[] | null;
  /** Extension types in the order sent; null for a hello without an extensions block. */
  readonly extensions: readonly number[] | null;
  readonly alpn: readonly string[] | null;
  /** key_share entries as [group, key_exchange length]; null without the extension. */
  readonly keyShares: readonly (readonly [number, number])[] | null;
  readonly ecPointFormats: readonly number[] | null;
  readonly pskModes: readonly number[] | null;
  /** Whether the client sends server_name. */
  readonly sni: boolean;
  /** Limits the client enforces (testssl's data; null: none known). */
  readonly minDhBits: number | null;
  readonly maxDhBits: number | null;
  readonly minRsaBits: number | null;
  readonly maxRsaBits: number | null;
  readonly minEcdsaBits: number | null;
  /** The client refuses certificates signed with SHA-1 (or MD5). */
  readonly requiresSha2: boolean;
  /** "tls": a TLS ClientHello; "sslv2": an SSLv2-format CLIENT-HELLO. */
  readonly format: "tls" | "sslv2";
  /** The record-layer version the client sends the hello in. */
  readonly recordVersion: number;
  /**
   * Hex. "tls": the ClientHello handshake message (type, length, body) as a template: random,
   * session id, SNI, key shares and padding blank, GREASE as captured. "sslv2": the record.
   */
  readonly hello: string;
}
