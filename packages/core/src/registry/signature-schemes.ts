import { SIGNATURE_SCHEME_ROWS } from "./generated/signature-schemes.js";
import type { SignatureScheme } from "./types.js";

/** Every named SignatureScheme of the IANA registry, sorted by code. */
export const SIGNATURE_SCHEMES: readonly SignatureScheme[] = SIGNATURE_SCHEME_ROWS.map((row) =>
  Object.freeze(row),
);

const BY_CODE: ReadonlyMap<number, SignatureScheme> = new Map(
  SIGNATURE_SCHEMES.map((s) => [s.code, s]),
);

// IANA names first, then aliases, so an alias can never shadow a registry name.
const BY_NAME: ReadonlyMap<string, SignatureScheme> = (() => {
  const index = new Map<string, SignatureScheme>();
  const add = (name: string, scheme: SignatureScheme): void => {
    const key = name.toLowerCase();
    if (!index.has(key)) index.set(key, scheme);
  };
  for (const s of SIGNATURE_SCHEMES) add(s.name, s);
  for (const s of SIGNATURE_SCHEMES) for (const alias of s.aliases) add(alias, s);
  return index;
})();

/** The scheme with this code (0x0804 for rsa_pss_rsae_sha256); else undefined. */
export function signatureSchemeByCode(code: number): SignatureScheme | undefined {
  return BY_CODE.get(code);
}

/** The scheme by IANA name or OpenSSL alias (RSA+SHA256), case-insensitively. */
export function signatureSchemeByName(name: string): SignatureScheme | undefined {
  return BY_NAME.get(name.trim().toLowerCase());
}
