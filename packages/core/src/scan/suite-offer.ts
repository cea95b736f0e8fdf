/**
 * One offer of cipher suites at one protocol version, and the server's choice: the step both the
 * enumeration (cipher-suites.ts) and the preference check (preference.ts) are made of.
 */
import { protocolVersion } from "../registry/protocols.js";
import { buildClientHello, type TlsProtocol } from "../probe/client-hellos.js";
import type { ServerChoice, TlsChoice } from "../probe/server-choice.js";
import type { OfferResult } from "./eliminate.js";
import type { ScanContext } from "./context.js";

export type SuiteOffer = Exclude<OfferResult, { kind: "chosen" }> | SuiteChoice;
export interface SuiteChoice {
  kind: "chosen";
  code: number;
  choice: TlsChoice;
}

/** Offers `codes` in this order at `protocol`; the server's choice with its flight. */
export async function offerSuites(
  ctx: ScanContext,
  protocol: TlsProtocol,
  codes: readonly number[],
): Promise<SuiteOffer> {
  const outcome = await ctx.probe(() =>
    buildClientHello({ protocol, cipherSuites: codes, ...ctx.hello }),
  );
  if (outcome.kind === "rejected") return { kind: "refused" };
  if (outcome.kind === "failed") {
    return { kind: "failed", code: outcome.code, message: outcome.message };
  }
  return choiceOf(protocol, outcome.choice);
}

/** The suite a server chose at `protocol`, or a failure when it answered another version. */
export function choiceOf(protocol: TlsProtocol, choice: ServerChoice): SuiteOffer {
  if (choice.kind !== "tls" || choice.version !== protocolVersion(protocol)) {
    return {
      kind: "failed",
      code: "protocol",
      message: `server answered a ${protocol} hello with another version`,
    };
  }
  return { kind: "chosen", code: choice.cipherSuite, choice };
}
