import { DH_PRIME_ROWS } from "./generated/dh-primes.js";
import type { DhPrimeRow } from "./types.js";

/** Well-known finite-field DH primes (RFC 7919, RFC 2409/3526, RFC 5114, server defaults). */
export const DH_PRIMES: readonly DhPrimeRow[] = DH_PRIME_ROWS.map((row) => Object.freeze(row));

const BY_SHA256: ReadonlyMap<string, DhPrimeRow> = new Map(DH_PRIMES.map((p) => [p.sha256, p]));
const BY_NAME: ReadonlyMap<string, DhPrimeRow> = new Map(DH_PRIMES.map((p) => [p.name, p]));

/** The well-known prime whose big-endian bytes hash to `sha256` (lower-case hex); else undefined. */
export function dhPrimeBySha256(sha256: string): DhPrimeRow | undefined {
  return BY_SHA256.get(sha256.toLowerCase());
}

/** The well-known prime by name ("ffdhe3072", "modp2048"); else undefined. */
export function dhPrimeByName(name: string): DhPrimeRow | undefined {
  return BY_NAME.get(name);
}
