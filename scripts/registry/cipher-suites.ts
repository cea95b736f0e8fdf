// The cipher-suite tables: every two-byte code point of the IANA registry plus the suites real
// servers speak that IANA never registered (from testssl's mapping), each decomposed into key
// exchange, authentication, cipher, MAC and the versions it can be negotiated in; and the
// three-byte SSLv2 cipher kinds.
import type {
  Authentication,
  CipherSuiteRow,
  KeyExchange,
  Sslv2CipherSuiteRow,
} from "../../packages/core/src/registry/types.js";
import type { Protocol } from "../../packages/core/src/registry/protocols.js";
import { hex, printTable, recommendedOf } from "./emit.js";
import { parseCsv, readJson, readText } from "./read-data.js";
import type { IanaCodePoint } from "./read-data.js";

/** The parts of a suite its name spells. */
export interface SuiteParts {
  kex: KeyExchange;
  auth: Authentication;
  encryption: string;
  mac: string;
  aead: boolean;
  export: boolean;
  scsv: boolean;
  tls12: boolean;
  tls13: boolean;
}

interface TestsslCipher {
  code: number;
  /** 2 for TLS suites, 3 for SSLv2 cipher kinds. */
  byteLength: number;
  openssl: string | null;
  name: string | null;
  bits: number;
  export: boolean;
}

interface SuiteSource {
  code: number;
  name: string;
  openssl: string | null;
  recommended: CipherSuiteRow["recommended"];
  grease: boolean;
  inIanaRegistry: boolean;
}

function unnamed(t: TestsslCipher): never {
  throw new Error(`generate-registry: testssl names no suite ${hex(t.code, 2 * t.byteLength)}`);
}

/** testssl's cipher-mapping.csv, keyed by code point (2-byte and 3-byte SSLv2 codes apart). */
async function readTestsslCiphers(dataDir: string): Promise<TestsslCipher[]> {
  const rows = parseCsv(await readText(dataDir, "testssl/cipher-mapping.csv"));
  return rows.map((row) => {
    const r = (column: string): string => {
      const value = row[column];
      if (value === undefined) {
        throw new Error(`generate-registry: testssl/cipher-mapping.csv has no ${column} column`);
      }
      return value;
    };
    return {
      code: Number.parseInt(r("hex"), 16),
      byteLength: (r("hex").length - 2) / 2,
      openssl: r("openssl") === "" ? null : r("openssl"),
      name: r("iana") === "" ? null : r("iana"),
      bits: Number(r("bits")),
      export: r("export") === "Y",
    };
  });
}

// Prefix of TLS_<KEX>_<AUTH>_WITH_… → [kex, auth]. IANA spelling is not regular, so the table
// is explicit; an unknown prefix stops the generator, so a new registry row gets looked at.
const KEX_AUTH: Readonly<Record<string, readonly [KeyExchange, Authentication]>> = {
  NULL: ["NULL", "NULL"],
  RSA: ["RSA", "RSA"],
  RSA_FIPS: ["RSA", "RSA"],
  DH_DSS: ["DH", "DSS"],
  DH_RSA: ["DH", "RSA"],
  DHE_DSS: ["DHE", "DSS"],
  DHE_RSA: ["DHE", "RSA"],
  // Anonymous DH has no certificate to hold a static key: its key is ephemeral (OpenSSL's ADH).
  DH_anon: ["DHE", "anon"],
  ECDH_ECDSA: ["ECDH", "ECDSA"],
  ECDH_RSA: ["ECDH", "RSA"],
  ECDHE_ECDSA: ["ECDHE", "ECDSA"],
  ECDHE_RSA: ["ECDHE", "RSA"],
  ECDH_anon: ["ECDHE", "anon"],
  KRB5: ["KRB5", "KRB5"],
  PSK: ["PSK", "PSK"],
  DHE_PSK: ["DHE_PSK", "PSK"],
  // 0xC0AA/0xC0AB are registered as TLS_PSK_DHE_… (RFC 6655); same exchange as DHE_PSK.
  PSK_DHE: ["DHE_PSK", "PSK"],
  RSA_PSK: ["RSA_PSK", "RSA"],
  ECDHE_PSK: ["ECDHE_PSK", "PSK"],
  SRP_SHA: ["SRP", "SRP"],
  SRP_SHA_RSA: ["SRP", "RSA"],
  SRP_SHA_DSS: ["SRP", "DSS"],
  ECCPWD: ["ECCPWD", "ECCPWD"],
  CECPQ1_RSA: ["CECPQ1", "RSA"],
  CECPQ1_ECDSA: ["CECPQ1", "ECDSA"],
  // GOST key transport (VKO) with a GOST certificate: R 34.10-94, -2001 and -2012 keys.
  GOSTR341094: ["GOST", "GOST"],
  GOSTR341001: ["GOST", "GOST"],
  GOSTR341112_256: ["GOST", "GOST"],
  // CryptoPro's pre-standard RSA key transport with GOST 28147 encryption (testssl: Kx=RSA).
  GOSTR341094_RSA: ["RSA", "RSA"],
};

// Trailing MAC token of the part after _WITH_; AEAD suites carry the PRF hash there instead.
const MAC_SUFFIX = /_(SHA|SHA256|SHA384|MD5|NULL|OMAC|IMIT|GOSTR3411|GOST94)$/;
const AEAD_CIPHER = /GCM|CCM|CHACHA20_POLY1305|MGM|AEGIS|ASCON/;

// The parts of a row that is not a cipher suite (GREASE, SCSV).
const NOT_A_SUITE: SuiteParts = {
  kex: "none",
  auth: "none",
  encryption: "none",
  mac: "none",
  aead: false,
  export: false,
  scsv: false,
  tls12: false,
  tls13: false,
};

// Non-IANA suites that testssl lists without any IANA-style name: their parts, spelled like ours.
const PLAIN = { aead: false, export: false, scsv: false, tls12: false, tls13: false };
const UNNAMED_SUITES: Readonly<Record<number, SuiteParts>> = {
  0xff02: { ...PLAIN, kex: "RSA", auth: "RSA", encryption: "28147_CNT", mac: "IMIT" },
  0xff03: { ...PLAIN, kex: "RSA", auth: "RSA", encryption: "28147_CNT", mac: "IMIT" },
  0xff85: { ...PLAIN, kex: "GOST", auth: "GOST", encryption: "28147_CNT", mac: "IMIT" },
  0xff87: { ...PLAIN, kex: "GOST", auth: "GOST", encryption: "NULL", mac: "STREEBOG256" },
};

/** Key size of a bulk cipher named the IANA way. 3DES counts its 168 key bits, as OpenSSL does. */
export function cipherBits(encryption: string): number {
  if (encryption === "NULL") return 0;
  const sized = /^(?:AES|CAMELLIA|ARIA|AEGIS|RC4|RC2|RC2_CBC)_(\d+)/.exec(encryption);
  if (sized !== null) return Number(sized[1]);
  if (/(^DES40_|_40$)/.test(encryption)) return 40;
  if (encryption.startsWith("3DES")) return 168;
  if (encryption.startsWith("DES_")) return 56;
  if (encryption.startsWith("CHACHA20")) return 256;
  if (/^(IDEA|SEED|SM4)_/.test(encryption)) return 128;
  if (encryption.startsWith("ASCONAEAD128")) return 128;
  if (/^(KUZNYECHIK|MAGMA|28147)_/.test(encryption)) return 256;
  throw new Error(`generate-registry: no key size known for cipher "${encryption}"`);
}

/**
 * Splits a suite name into its parts. Two shapes: TLS_<KEX>_<AUTH>_WITH_<CIPHER>[_<MAC>] (SSLv3 to
 * TLS 1.2, and the TLS 1.3 GOST suites of RFC 9367) and TLS_<AEAD>_<HASH> (TLS 1.3). SCSVs and
 * GREASE are not suites at all and get "none".
 */
export function parseSuiteName(name: string): SuiteParts {
  if (name.endsWith("_SCSV")) return { ...NOT_A_SUITE, scsv: true };
  const bare = name.replace(/^(TLS|SSL)_/, "");
  const withAt = bare.indexOf("_WITH_");
  if (withAt === -1) {
    // TLS 1.3: the suite names only the AEAD and the handshake hash; any key exchange goes.
    const hashAt = bare.lastIndexOf("_");
    const cipher = bare.slice(0, hashAt);
    const hash = bare.slice(hashAt + 1);
    const integrityOnly = cipher === hash; // TLS_SHA256_SHA256 (RFC 9150): HMAC, no encryption
    return {
      kex: "any",
      auth: "any",
      encryption: integrityOnly ? "NULL" : cipher,
      mac: integrityOnly ? hash : "AEAD",
      aead: !integrityOnly,
      export: false,
      scsv: false,
      tls12: false,
      tls13: true,
    };
  }
  let prefix = bare.slice(0, withAt);
  let suffix = bare.slice(withAt + "_WITH_".length).replace(/_OLD$/, "");
  const isExport = /_EXPORT(1024)?$/.test(prefix);
  prefix = prefix.replace(/_EXPORT(1024)?$/, "");
  const kexAuth = KEX_AUTH[prefix];
  if (kexAuth === undefined) {
    throw new Error(`generate-registry: unknown key exchange "${prefix}" in ${name}`);
  }
  let mac = "AEAD";
  const macMatch = MAC_SUFFIX.exec(suffix);
  const macToken = macMatch?.[1];
  if (macMatch !== null && macToken !== undefined && suffix !== macToken) {
    mac = macToken;
    suffix = suffix.slice(0, -macMatch[0].length);
  }
  const aead = AEAD_CIPHER.test(suffix);
  // RFC 9367: the GOST MGM suites are TLS 1.3 suites despite the _WITH_ in their names; the
  // other GOST R 34.10-2012 suites are RFC 9189's, which require TLS 1.2.
  const tls13 = prefix === "GOSTR341112_256" && /_MGM_[LS]$/.test(suffix);
  const tls12 = prefix === "GOSTR341112_256" && !tls13;
  return {
    kex: tls13 ? "any" : kexAuth[0],
    auth: tls13 ? "any" : kexAuth[1],
    encryption: suffix,
    mac: aead ? "AEAD" : mac,
    aead,
    export: isExport,
    scsv: false,
    tls12,
    tls13,
  };
}

const PSK_FAMILY = new Set<KeyExchange>(["PSK", "DHE_PSK", "RSA_PSK", "ECDHE_PSK"]);

/**
 * The protocol versions a suite can be negotiated in. The rule, first match wins:
 * - GREASE and SCSVs: none (they are never negotiated).
 * - TLS 1.3 suites (TLS_<AEAD>_<HASH>, and RFC 9367 GOST MGM): TLSv1.3 only.
 * - ECCPWD (RFC 8492 defines it for TLS 1.2 and TLS 1.3): TLSv1.2, TLSv1.3.
 * - export suites: SSLv3 and TLSv1.0 (RFC 4346 forbids negotiating them in TLS 1.1 and later).
 * - AEAD ciphers (GCM, CCM, ChaCha20-Poly1305) and the RFC 9189 GOST suites need TLS 1.2.
 * - HMAC-SHA256/384: TLS 1.2 only, except the PSK family, where RFC 5487 and RFC 5489 let the
 *   CBC and NULL suites run on TLS 1.0/1.1 with that version's PRF (OpenSSL does the same, and
 *   for the ARIA and Camellia PSK suites too).
 * - everything else: SSLv3 to TLSv1.2.
 */
export function suiteProtocols(parts: SuiteParts, grease: boolean): Protocol[] {
  if (grease || parts.scsv) return [];
  if (parts.tls13) return ["TLSv1.3"];
  if (parts.kex === "ECCPWD") return ["TLSv1.2", "TLSv1.3"];
  if (parts.export) return ["SSLv3", "TLSv1.0"];
  if (parts.aead || parts.tls12) return ["TLSv1.2"];
  if (parts.mac === "SHA256" || parts.mac === "SHA384") {
    return PSK_FAMILY.has(parts.kex) ? ["TLSv1.0", "TLSv1.1", "TLSv1.2"] : ["TLSv1.2"];
  }
  return ["SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2"];
}

// Ephemeral key agreement on every handshake (TLS 1.3 always; SRP and ECCPWD use fresh secrets).
const FORWARD_SECRET_KEX = new Set<KeyExchange>([
  "any",
  "DHE",
  "ECDHE",
  "DHE_PSK",
  "ECDHE_PSK",
  "SRP",
  "ECCPWD",
  "CECPQ1",
]);

function cipherSuiteRow({
  code,
  name,
  openssl,
  recommended,
  grease,
  inIanaRegistry,
}: SuiteSource): CipherSuiteRow {
  const parts = grease ? NOT_A_SUITE : (UNNAMED_SUITES[code] ?? parseSuiteName(name));
  const notASuite = grease || parts.scsv;
  return {
    code,
    hex: hex(code, 4),
    iana: name,
    openssl,
    protocols: suiteProtocols(parts, grease),
    kex: parts.kex,
    auth: parts.auth,
    encryption: parts.encryption,
    bits: notASuite ? 0 : cipherBits(parts.encryption),
    mac: parts.mac,
    aead: parts.aead,
    forwardSecrecy: !notASuite && FORWARD_SECRET_KEX.has(parts.kex),
    export: parts.export,
    recommended,
    grease,
    scsv: parts.scsv,
    inIanaRegistry,
  };
}

export async function buildCipherSuites(
  dataDir: string,
): Promise<{ rows: CipherSuiteRow[]; sslv2: Sslv2CipherSuiteRow[] }> {
  const iana = await readJson<IanaCodePoint[]>(dataDir, "iana/tls-cipher-suites.json");
  const testssl = await readTestsslCiphers(dataDir);
  const testsslByCode = new Map(testssl.filter((t) => t.byteLength === 2).map((t) => [t.code, t]));
  const rows: CipherSuiteRow[] = [];
  const ianaCodes = new Set<number>();
  for (const entry of iana) {
    if (entry.name === "Unassigned") continue;
    ianaCodes.add(entry.value);
    rows.push(
      cipherSuiteRow({
        code: entry.value,
        name: entry.name,
        openssl: testsslByCode.get(entry.value)?.openssl ?? null,
        recommended: recommendedOf(entry.recommended),
        grease: entry.grease === true,
        inIanaRegistry: true,
      }),
    );
  }
  // Suites that real servers still speak but IANA never registered (CECPQ1, pre-RFC ChaCha20,
  // GOST, FIPS, EXPORT1024): a scanner must offer them, so they are in the table too.
  for (const t of testssl) {
    if (t.byteLength !== 2 || ianaCodes.has(t.code)) continue;
    rows.push(
      cipherSuiteRow({
        code: t.code,
        // Four of them have no IANA-style name anywhere; their OpenSSL name stands in.
        name: t.name ?? t.openssl ?? unnamed(t),
        openssl: t.openssl,
        recommended: null,
        grease: false,
        inIanaRegistry: false,
      }),
    );
  }
  rows.sort((a, b) => a.code - b.code);
  const sslv2 = testssl
    .filter((t) => t.byteLength === 3)
    .map((t) => ({
      code: t.code,
      hex: hex(t.code, 6),
      name: t.name ?? unnamed(t),
      openssl: t.openssl ?? unnamed(t),
      bits: t.bits,
      export: t.export,
    }))
    .sort((a, b) => a.code - b.code);
  return { rows, sslv2 };
}

/** The generated files: cipher-suites.ts and sslv2-cipher-suites.ts, by file name. */
export async function cipherSuiteFiles(dataDir: string): Promise<[string, string][]> {
  const { rows, sslv2 } = await buildCipherSuites(dataDir);
  return [
    [
      "cipher-suites.ts",
      printTable("CIPHER_SUITE_ROWS", "CipherSuiteRow", rows, [
        "iana/tls-cipher-suites.json",
        "testssl/cipher-mapping.csv",
      ]),
    ],
    [
      "sslv2-cipher-suites.ts",
      printTable("SSLV2_CIPHER_SUITE_ROWS", "Sslv2CipherSuiteRow", sslv2, [
        "testssl/cipher-mapping.csv",
      ]),
    ],
  ];
}
