/**
 * Strength classes of cipher suites: the one place that says how good a suite is.
 *
 * The rules run in order and the first that applies decides; each names its reason.
 *
 * not a suite (null): GREASE values and SCSVs carry no cipher, so they get no class.
 *
 * insecure: anyone on the path can read or forge the traffic in practice.
 *   null-encryption    no encryption at all (NULL suites, TLS 1.3 integrity-only suites).
 *   anonymous          no server authentication (DH_anon, ECDH_anon): trivially intercepted.
 *   export             export-grade keys and key exchange (FREAK, Logjam).
 *   broken-cipher      RC4, single DES (and DES40), RC2.
 *   md5-mac            HMAC-MD5 is the only integrity protection.
 *
 * weak: no practical break of one connection today, but a known structural flaw.
 *   64-bit-block       3DES, IDEA, GOST 28147-89/Magma: SWEET32 birthday attacks.
 *   no-forward-secrecy static RSA, DH, ECDH, PSK, KRB5 or GOST key transport: whoever gets
 *                      the server key (or the PSK) later decrypts recorded traffic.
 *   truncated-tag      AES-CCM_8: a 64-bit authentication tag.
 *   non-standard       not in the IANA registry (CECPQ1, pre-RFC ChaCha20, old GOST, FIPS):
 *                      experiments and vendor code points with little scrutiny.
 *
 * secure: forward secret and sound, but not what a current configuration should prefer.
 *   cbc                CBC with MAC-then-encrypt (Lucky13 and padding-oracle history).
 *   finite-field-dhe   DHE in TLS 1.2: the server picks the prime unchecked (Logjam, Raccoon);
 *                      IANA now marks these D, and Mozilla dropped DHE in guideline 5.8.
 *   password-exchange  ECCPWD (RFC 8492): sound, but a niche password-based exchange.
 *   uncommon-aead      an AEAD outside AES-GCM, AES-CCM and ChaCha20-Poly1305 with SHA-2
 *                      (ARIA, Camellia, SM4, Kuznyechik, AEGIS, Ascon): national standards or
 *                      drafts that mainstream clients do not offer.
 *
 * recommended: ECDHE (or TLS 1.3) key exchange with AES-GCM, AES-CCM or ChaCha20-Poly1305.
 *
 * IANA's Recommended column is kept on each row as data but is not an input here: it marks
 * registry status (a draft can be N however strong), not how strong a suite is.
 */
import type { CipherSuiteRow, StrengthClass } from "./types.js";

export { STRENGTH_CLASSES } from "./types.js";
export type { StrengthClass } from "./types.js";

export const STRENGTH_RULE_IDS = [
  "not-a-cipher-suite",
  "null-encryption",
  "anonymous",
  "export",
  "broken-cipher",
  "md5-mac",
  "64-bit-block",
  "no-forward-secrecy",
  "truncated-tag",
  "non-standard",
  "cbc",
  "finite-field-dhe",
  "password-exchange",
  "uncommon-aead",
  "forward-secret-aead",
] as const;
export type StrengthRuleId = (typeof STRENGTH_RULE_IDS)[number];

/** The verdict on one suite: its class, and the rule that decided it. */
export interface StrengthAssessment {
  readonly strength: StrengthClass | null;
  readonly rule: StrengthRuleId;
  readonly reason: string;
}

interface StrengthRule {
  readonly id: StrengthRuleId;
  readonly strength: StrengthClass | null;
  readonly reason: string;
  readonly applies: (suite: CipherSuiteRow) => boolean;
}

const BROKEN_CIPHER = /^(RC4|RC2|DES|DES40)_/;
const BLOCK_64_BIT = /^(3DES|IDEA|MAGMA|28147)_/;
const MAINSTREAM_AEAD = new Set([
  "AES_128_GCM",
  "AES_256_GCM",
  "AES_128_CCM",
  "AES_256_CCM",
  "CHACHA20_POLY1305",
]);

const RULES: readonly StrengthRule[] = [
  {
    id: "not-a-cipher-suite",
    strength: null,
    reason: "a GREASE or signalling value, not a cipher suite",
    applies: (s) => s.grease || s.scsv,
  },
  {
    id: "null-encryption",
    strength: "insecure",
    reason: "no encryption: the traffic is sent in clear",
    applies: (s) => s.encryption === "NULL",
  },
  {
    id: "anonymous",
    strength: "insecure",
    reason: "no server authentication: anyone on the path can impersonate the server",
    applies: (s) => s.auth === "anon",
  },
  {
    id: "export",
    strength: "insecure",
    reason: "export-grade keys and key exchange (FREAK, Logjam)",
    applies: (s) => s.export,
  },
  {
    id: "broken-cipher",
    strength: "insecure",
    reason: "RC4, DES or RC2: a broken or brute-forceable cipher",
    applies: (s) => BROKEN_CIPHER.test(s.encryption),
  },
  {
    id: "md5-mac",
    strength: "insecure",
    reason: "HMAC-MD5 is the only integrity protection",
    applies: (s) => s.mac === "MD5",
  },
  {
    id: "64-bit-block",
    strength: "weak",
    reason: "64-bit block cipher: SWEET32 birthday attacks on long connections",
    applies: (s) => BLOCK_64_BIT.test(s.encryption),
  },
  {
    id: "no-forward-secrecy",
    strength: "weak",
    reason: "no forward secrecy: the server's long-term key decrypts recorded traffic",
    applies: (s) => !s.forwardSecrecy,
  },
  {
    id: "truncated-tag",
    strength: "weak",
    reason: "CCM_8: a truncated 64-bit authentication tag",
    applies: (s) => s.encryption.endsWith("_CCM_8"),
  },
  {
    id: "non-standard",
    strength: "weak",
    reason: "not in the IANA registry: an experimental or vendor code point",
    applies: (s) => !s.inIanaRegistry,
  },
  {
    id: "cbc",
    strength: "secure",
    reason: "forward secret, but CBC with MAC-then-encrypt rather than an AEAD",
    applies: (s) => !s.aead,
  },
  {
    id: "finite-field-dhe",
    strength: "secure",
    reason: "finite-field DHE in TLS 1.2: the server picks the prime and clients cannot check it",
    applies: (s) => s.kex === "DHE" || s.kex === "DHE_PSK",
  },
  {
    id: "password-exchange",
    strength: "secure",
    reason: "password-based key exchange (ECCPWD) that mainstream clients do not offer",
    applies: (s) => s.kex === "ECCPWD",
  },
  {
    id: "uncommon-aead",
    strength: "secure",
    reason: "an AEAD or hash outside AES-GCM, AES-CCM and ChaCha20-Poly1305 with SHA-2",
    applies: (s) => !MAINSTREAM_AEAD.has(s.encryption) || s.iana.includes("ASCONHASH"),
  },
];

// What is left after every rule above has passed.
const RECOMMENDED: StrengthAssessment = {
  strength: "recommended",
  rule: "forward-secret-aead",
  reason: "forward secrecy with a mainstream AEAD",
};

/** Applies the rules above to one suite and says which one decided. */
export function assessCipherSuite(suite: CipherSuiteRow): StrengthAssessment {
  for (const rule of RULES) {
    if (rule.applies(suite)) return { strength: rule.strength, rule: rule.id, reason: rule.reason };
  }
  return RECOMMENDED;
}

/** The strength class of a suite; null for GREASE and SCSVs, which are not suites. */
export function classifyCipherSuite(suite: CipherSuiteRow): StrengthClass | null {
  return assessCipherSuite(suite).strength;
}
