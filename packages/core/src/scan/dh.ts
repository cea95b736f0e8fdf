/**
 * Finite-field DHE: the prime size from ServerKeyExchange. A server may size the prime per suite
 * (OpenSSL's automatic DH follows the certificate for authenticated suites and the cipher for
 * anonymous ones: ADH-AES128-SHA gets 1024 bits next to a 2048-bit DHE-RSA), and export suites
 * keep their own small prime, so every accepted DHE suite counts. Their flights were read during
 * the enumeration (offered without RFC 7919 groups, so the server uses its own parameters); a
 * suite whose flight lacked the parameters is offered once more on its own.
 *
 * Each distinct prime is named when it is a well-known one (registry/dh-primes.ts): a short
 * well-known prime is the one precomputation attacks target (Logjam); a custom one is not named.
 */
import { createHash } from "node:crypto";
import { cipherSuiteByCode, dhPrimeBySha256 } from "../registry/index.js";
import { buildClientHello, type TlsProtocol } from "../probe/client-hellos.js";
import type { ServerChoice } from "../probe/server-choice.js";
import type { DhParameters, DhPrime } from "../scan-report/types.js";
import type { ProtocolSuites } from "./cipher-suites.js";
import type { ScanContext } from "./context.js";

/** `enumerated`: the suites of each supported protocol (TLS 1.3 is skipped: no custom primes). */
export async function probeDh(
  ctx: ScanContext,
  enumerated: readonly ProtocolSuites[],
): Promise<DhParameters> {
  let complete = true;
  const pending: Promise<Uint8Array | null>[] = [];
  for (const { protocol, accepted, choices } of enumerated) {
    if (protocol === "TLSv1.3") continue;
    if (accepted === null) {
      complete = false;
      continue;
    }
    for (const code of accepted) {
      if (cipherSuiteByCode(code)?.kex !== "DHE") continue;
      const prime = primeOf(choices.get(code));
      pending.push(prime === null ? probePrime(ctx, protocol, code) : Promise.resolve(prime));
    }
  }
  if (pending.length === 0) {
    return complete
      ? { supported: false, bits: null, primes: [] }
      : { supported: null, bits: null, primes: null };
  }
  const seen = await Promise.all(pending);
  const known = seen.filter((prime): prime is Uint8Array => prime !== null);
  if (!complete || known.length !== seen.length) {
    return { supported: true, bits: null, primes: null };
  }
  const primes = new Map<string, DhPrime>();
  for (const prime of known) {
    const sha256 = createHash("sha256").update(prime).digest("hex");
    if (!primes.has(sha256)) primes.set(sha256, describeDhPrime(prime, sha256));
  }
  const sorted = [...primes.values()].sort(
    (a, b) => a.bits - b.bits || (a.name ?? "").localeCompare(b.name ?? ""),
  );
  return { supported: true, bits: sorted[0]?.bits ?? null, primes: sorted };
}

/** Primes below this size are short (NIST SP 800-57, Mozilla intermediate: 2048 bits). */
export const SHORT_DH_PRIME_BITS = 2048;

/** The report entry for a prime (big-endian, leading zeros allowed). */
export function describeDhPrime(prime: Uint8Array, sha256?: string): DhPrime {
  const trimmed = trimZeros(prime);
  const digest = sha256 ?? createHash("sha256").update(trimmed).digest("hex");
  const wellKnown = dhPrimeBySha256(digest);
  const bits = bitLength(trimmed);
  return {
    name: wellKnown?.name ?? null,
    bits,
    wellKnown: wellKnown !== undefined,
    short: bits < SHORT_DH_PRIME_BITS,
    reference: wellKnown?.reference ?? null,
  };
}

function bitLength(bytes: Uint8Array): number {
  const first = bytes[0] ?? 0;
  return first === 0 ? 0 : (bytes.length - 1) * 8 + (32 - Math.clz32(first));
}

function primeOf(choice: ServerChoice | undefined): Uint8Array | null {
  const params = choice?.kind === "tls" ? choice.keyExchange : null;
  return params?.kind === "dhe" ? trimZeros(params.prime) : null;
}

function trimZeros(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start += 1;
  return bytes.subarray(start);
}

async function probePrime(
  ctx: ScanContext,
  protocol: TlsProtocol,
  code: number,
): Promise<Uint8Array | null> {
  const outcome = await ctx.probe(() =>
    buildClientHello({ protocol, cipherSuites: [code], ...ctx.hello }),
  );
  const prime = outcome.kind === "accepted" ? primeOf(outcome.choice) : null;
  if (prime !== null) return prime;
  ctx.error(
    "dh",
    outcome.kind === "failed" ? outcome.code : "protocol",
    outcome.kind === "failed"
      ? outcome.message
      : `${cipherSuiteByCode(code)?.iana ?? code}, which the server accepted, gave no DH parameters`,
  );
  return null;
}
