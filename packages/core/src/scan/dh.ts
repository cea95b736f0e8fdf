/**
 * Finite-field DHE: the prime size from ServerKeyExchange, offered without RFC 7919 groups so
 * that the server uses its configured parameters. Export DHE suites are probed apart, since a
 * server may keep a smaller prime for them.
 */
import { cipherSuiteByCode } from "../registry/index.js";
import { buildClientHello, type TlsProtocol } from "../probe/client-hellos.js";
import type { DhParameters } from "../scan-report/types.js";
import type { ScanContext } from "./context.js";

/** `accepted` maps each TLS ≤ 1.2 protocol to its accepted suites, or null when unknown. */
export async function probeDh(
  ctx: ScanContext,
  accepted: ReadonlyMap<TlsProtocol, readonly number[] | null>,
): Promise<DhParameters> {
  let complete = true;
  let protocol: TlsProtocol | null = null;
  let dheSuites: number[] = [];
  for (const [candidate, suites] of accepted) {
    if (candidate === "TLSv1.3") continue;
    if (suites === null) {
      complete = false;
      continue;
    }
    const dhe = suites.filter((code) => cipherSuiteByCode(code)?.kex === "DHE");
    if (dhe.length > 0 && protocol === null) {
      protocol = candidate;
      dheSuites = dhe;
    }
  }
  if (protocol === null) return { supported: complete ? false : null, bits: null };

  const exportSuites = dheSuites.filter((code) => cipherSuiteByCode(code)?.export === true);
  const regularSuites = dheSuites.filter((code) => !exportSuites.includes(code));
  const sizes = await Promise.all(
    [regularSuites, exportSuites]
      .filter((suites) => suites.length > 0)
      .map((suites) => primeBits(ctx, protocol, suites)),
  );
  const known = sizes.filter((bits): bits is number => bits !== null);
  return {
    supported: true,
    bits: known.length === sizes.length ? Math.min(...known) : null,
  };
}

async function primeBits(
  ctx: ScanContext,
  protocol: TlsProtocol,
  suites: readonly number[],
): Promise<number | null> {
  const outcome = await ctx.probe(() =>
    buildClientHello({ protocol, cipherSuites: suites, sni: ctx.sni }),
  );
  if (outcome.kind === "accepted" && outcome.flight.serverKeyExchangeParams?.kind === "dhe") {
    return outcome.flight.serverKeyExchangeParams.primeBits;
  }
  ctx.error(
    "dh",
    outcome.kind === "failed" ? outcome.code : "protocol",
    outcome.kind === "failed"
      ? outcome.message
      : "a DHE suite the server accepted gave no DH parameters",
  );
  return null;
}
