/**
 * Every suite the server accepts per protocol, by elimination over the whole registry, with the
 * candidates split into parts probed in parallel on separate connections.
 */
import { cipherSuiteByCode } from "../registry/index.js";
import { protocolVersion } from "../registry/protocols.js";
import { buildClientHello, type TlsProtocol } from "../probe/client-hellos.js";
import { eliminate, type OfferResult } from "./eliminate.js";
import type { ScanContext } from "./context.js";
import { offerableSuites } from "./protocols.js";

/** Parts per protocol: enough to overlap round trips, few enough to stay polite. */
const PARTS = { tls12: 4, tls13: 1 } as const;

export async function offerSuites(
  ctx: ScanContext,
  protocol: TlsProtocol,
  codes: readonly number[],
): Promise<OfferResult> {
  const outcome = await ctx.probe(
    () => buildClientHello({ protocol, cipherSuites: codes, sni: ctx.sni }),
    { stopAtServerHello: true },
  );
  if (outcome.kind === "rejected") return { kind: "refused" };
  if (outcome.kind === "failed") return { kind: "failed", message: outcome.message };
  const hello = outcome.flight.serverHello ?? outcome.flight.helloRetryRequest;
  if (hello === null || hello.selectedVersion !== protocolVersion(protocol)) {
    return { kind: "failed", message: `server answered a ${protocol} hello with another version` };
  }
  return { kind: "chosen", code: hello.cipherSuite };
}

/** Accepted codes in discovery order, or null when the enumeration could not be completed. */
export async function enumerateCipherSuites(
  ctx: ScanContext,
  protocol: TlsProtocol,
): Promise<number[] | null> {
  const result = await eliminate(
    offerableSuites(protocol),
    (codes) => offerSuites(ctx, protocol, codes),
    { parts: protocol === "TLSv1.3" ? PARTS.tls13 : PARTS.tls12 },
  );
  if (!result.complete) {
    const seen = result.accepted.map((code) => cipherSuiteByCode(code)?.iana ?? code).join(", ");
    ctx.error(
      `cipherSuites/${protocol}`,
      "protocol",
      `suite enumeration incomplete (${result.message}); seen before the failure: ${seen || "none"}`,
    );
    return null;
  }
  return result.accepted;
}
