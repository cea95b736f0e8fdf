/**
 * Finite-field DHE: the prime size from ServerKeyExchange. A server may size the prime per suite
 * (OpenSSL's automatic DH follows the certificate for authenticated suites and the cipher for
 * anonymous ones: ADH-AES128-SHA gets 1024 bits next to a 2048-bit DHE-RSA), and export suites
 * keep their own small prime, so every accepted DHE suite counts. Their flights were read during
 * the enumeration (offered without RFC 7919 groups, so the server uses its own parameters); a
 * suite whose flight lacked the parameters is offered once more on its own.
 */
import { cipherSuiteByCode } from "../registry/index.js";
import { buildClientHello, type TlsProtocol } from "../probe/client-hellos.js";
import type { ServerChoice } from "../probe/server-choice.js";
import type { DhParameters } from "../scan-report/types.js";
import type { ProtocolSuites } from "./cipher-suites.js";
import type { ScanContext } from "./context.js";

/** `enumerated`: the suites of each supported protocol (TLS 1.3 is skipped: no custom primes). */
export async function probeDh(
  ctx: ScanContext,
  enumerated: readonly ProtocolSuites[],
): Promise<DhParameters> {
  let complete = true;
  const pending: Promise<number | null>[] = [];
  for (const { protocol, accepted, choices } of enumerated) {
    if (protocol === "TLSv1.3") continue;
    if (accepted === null) {
      complete = false;
      continue;
    }
    for (const code of accepted) {
      if (cipherSuiteByCode(code)?.kex !== "DHE") continue;
      const bits = primeBitsOf(choices.get(code));
      pending.push(bits === null ? primeBits(ctx, protocol, code) : Promise.resolve(bits));
    }
  }
  if (pending.length === 0) return { supported: complete ? false : null, bits: null };
  const sizes = await Promise.all(pending);
  const known = sizes.filter((bits): bits is number => bits !== null);
  return {
    supported: true,
    bits: complete && known.length === sizes.length ? Math.min(...known) : null,
  };
}

function primeBitsOf(choice: ServerChoice | undefined): number | null {
  const params = choice?.kind === "tls" ? choice.keyExchange : null;
  return params?.kind === "dhe" ? params.primeBits : null;
}

async function primeBits(
  ctx: ScanContext,
  protocol: TlsProtocol,
  code: number,
): Promise<number | null> {
  const outcome = await ctx.probe(() =>
    buildClientHello({ protocol, cipherSuites: [code], sni: ctx.sni }),
  );
  const bits = outcome.kind === "accepted" ? primeBitsOf(outcome.choice) : null;
  if (bits !== null) return bits;
  ctx.error(
    "dh",
    outcome.kind === "failed" ? outcome.code : "protocol",
    outcome.kind === "failed"
      ? outcome.message
      : `${cipherSuiteByCode(code)?.iana ?? code}, which the server accepted, gave no DH parameters`,
  );
  return null;
}
