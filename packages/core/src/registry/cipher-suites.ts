import { CIPHER_SUITE_ROWS } from "./generated/cipher-suites.js";
import { SSLV2_CIPHER_SUITE_ROWS } from "./generated/sslv2-cipher-suites.js";
import type { Protocol } from "./protocols.js";
import { classifyCipherSuite } from "./strength.js";
import type { CipherSuite, Sslv2CipherSuite } from "./types.js";

/**
 * Every two-byte cipher suite code point: the whole IANA registry (GREASE included) plus the
 * non-IANA suites testssl knows, sorted by code. Rows are frozen: they are shared by every caller.
 */
export const CIPHER_SUITES: readonly CipherSuite[] = CIPHER_SUITE_ROWS.map((row) =>
  // The generated rows are private to this module, so they are completed in place: copying 400
  // objects of 18 fields costs more at load than everything else here together.
  Object.freeze(Object.assign(row, { strength: classifyCipherSuite(row) })),
);

/** The 3-byte SSLv2 cipher kinds, sorted by code. */
export const SSLV2_CIPHER_SUITES: readonly Sslv2CipherSuite[] = SSLV2_CIPHER_SUITE_ROWS.map((row) =>
  Object.freeze(row),
);

const BY_CODE: ReadonlyMap<number, CipherSuite> = new Map(CIPHER_SUITES.map((s) => [s.code, s]));

// Names are indexed lower-cased. Where two rows share a name the first indexed wins: IANA names
// of registry rows, then names of non-IANA rows, then OpenSSL names, each in code order. (The
// FIPS suites 0xFEFE/0xFFE1 and 0xFEFF/0xFFE0 share names; the lower code wins.) GREASE rows are
// all named "Reserved" and are found by code only.
const BY_NAME: ReadonlyMap<string, CipherSuite> = (() => {
  const index = new Map<string, CipherSuite>();
  const add = (name: string, suite: CipherSuite): void => {
    const key = name.toLowerCase();
    if (!index.has(key)) index.set(key, suite);
  };
  for (const s of CIPHER_SUITES) if (s.inIanaRegistry && !s.grease) add(s.iana, s);
  for (const s of CIPHER_SUITES) if (!s.inIanaRegistry) add(s.iana, s);
  for (const s of CIPHER_SUITES) if (s.openssl !== null) add(s.openssl, s);
  return index;
})();

const BY_PROTOCOL: ReadonlyMap<Protocol, readonly CipherSuite[]> = (() => {
  const index = new Map<Protocol, CipherSuite[]>();
  for (const suite of CIPHER_SUITES) {
    for (const protocol of suite.protocols) {
      const list = index.get(protocol) ?? [];
      list.push(suite);
      index.set(protocol, list);
    }
  }
  return index;
})();

const SSLV2_BY_CODE: ReadonlyMap<number, Sslv2CipherSuite> = new Map(
  SSLV2_CIPHER_SUITES.map((s) => [s.code, s]),
);
const SSLV2_BY_NAME: ReadonlyMap<string, Sslv2CipherSuite> = new Map(
  SSLV2_CIPHER_SUITES.flatMap((s) => [
    [s.name.toLowerCase(), s],
    [s.openssl.toLowerCase(), s],
  ]),
);

/** The suite with this two-byte code (0xC02F); undefined when no row has it. */
export function cipherSuiteByCode(code: number): CipherSuite | undefined {
  return BY_CODE.get(code);
}

/**
 * The suite with this IANA name (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) or OpenSSL name
 * (ECDHE-RSA-AES128-GCM-SHA256), case-insensitively. The SSL_ prefix that Java and NSS use for
 * suites from the SSLv3 days (SSL_RSA_WITH_3DES_EDE_CBC_SHA) is read as TLS_.
 */
export function cipherSuiteByName(name: string): CipherSuite | undefined {
  const key = name.trim().toLowerCase();
  const found = BY_NAME.get(key);
  if (found !== undefined || !key.startsWith("ssl_")) return found;
  return BY_NAME.get(`tls_${key.slice(4)}`);
}

/** The suites that can be negotiated in a protocol version (GREASE and SCSVs excluded). */
export function cipherSuitesFor(protocol: Protocol): readonly CipherSuite[] {
  return BY_PROTOCOL.get(protocol) ?? [];
}

/** The SSLv2 cipher kind with this three-byte code (0x0700C0); undefined when unknown. */
export function sslv2CipherSuiteByCode(code: number): Sslv2CipherSuite | undefined {
  return SSLV2_BY_CODE.get(code);
}

/** The SSLv2 cipher kind by SSL_CK_* name or OpenSSL name, case-insensitively. */
export function sslv2CipherSuiteByName(name: string): Sslv2CipherSuite | undefined {
  return SSLV2_BY_NAME.get(name.trim().toLowerCase());
}
