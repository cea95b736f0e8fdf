/**
 * Key-exchange groups. TLS 1.3: offer groups in supported_groups with an empty key_share; the
 * server names the one it wants in a HelloRetryRequest. TLS 1.2: offer ECDHE suites only; the
 * ServerKeyExchange names the curve. Both by elimination.
 */
import { GROUPS, cipherSuiteByCode, groupByCode } from "../registry/index.js";
import { buildClientHello, ALL_CURVES, type TlsProtocol } from "../probe/client-hellos.js";
import type { AcceptedGroup } from "../scan-report/types.js";
import { eliminate, type OfferResult } from "./eliminate.js";
import type { ScanContext } from "./context.js";

const TLS13_CANDIDATES = GROUPS.filter(
  (g) => !g.grease && g.kind !== "explicit" && g.kind !== "grease",
).map((g) => g.code);

export async function enumerateTls13Groups(
  ctx: ScanContext,
  tls13Suites: readonly number[],
): Promise<AcceptedGroup[] | null> {
  const offer = async (codes: readonly number[]): Promise<OfferResult> => {
    const outcome = await ctx.probe(
      () =>
        buildClientHello({
          protocol: "TLSv1.3",
          cipherSuites: tls13Suites,
          sni: ctx.sni,
          groups: codes,
          keyShareGroups: [],
        }),
      { stopAtServerHello: true },
    );
    if (outcome.kind === "rejected") return { kind: "refused" };
    if (outcome.kind === "failed") return { kind: "failed", message: outcome.message };
    const hello = outcome.flight.helloRetryRequest ?? outcome.flight.serverHello;
    if (hello?.keyShareGroup == null) {
      return { kind: "failed", message: "TLS 1.3 answer without a group" };
    }
    return { kind: "chosen", code: hello.keyShareGroup };
  };
  const result = await eliminate(TLS13_CANDIDATES, offer, { parts: 2 });
  if (!result.complete) {
    ctx.error("groups/TLSv1.3", "protocol", `group enumeration incomplete: ${result.message}`);
    return null;
  }
  return result.accepted.map((code) => acceptedGroup("TLSv1.3", code));
}

export async function enumerateTls12Groups(
  ctx: ScanContext,
  protocol: TlsProtocol,
  acceptedSuites: readonly number[],
): Promise<AcceptedGroup[] | null> {
  const ecdheSuites = acceptedSuites.filter((code) => cipherSuiteByCode(code)?.kex === "ECDHE");
  if (ecdheSuites.length === 0) return [];
  const offer = async (codes: readonly number[]): Promise<OfferResult> => {
    const outcome = await ctx.probe(() =>
      buildClientHello({ protocol, cipherSuites: ecdheSuites, sni: ctx.sni, groups: codes }),
    );
    if (outcome.kind === "rejected") return { kind: "refused" };
    if (outcome.kind === "failed") return { kind: "failed", message: outcome.message };
    const params = outcome.flight.serverKeyExchangeParams;
    if (params?.kind !== "ecdhe" || params.namedCurve === null) {
      return { kind: "failed", message: "ECDHE suite chosen without a named curve" };
    }
    return { kind: "chosen", code: params.namedCurve };
  };
  const result = await eliminate(ALL_CURVES, offer, { parts: 2 });
  if (!result.complete) {
    ctx.error(`groups/${protocol}`, "protocol", `curve enumeration incomplete: ${result.message}`);
    return null;
  }
  return result.accepted.map((code) => acceptedGroup(protocol, code));
}

function acceptedGroup(protocol: TlsProtocol, code: number): AcceptedGroup {
  const group = groupByCode(code);
  return {
    protocol,
    name: group?.name ?? `unknown(0x${code.toString(16)})`,
    code: `0x${code.toString(16).toUpperCase().padStart(4, "0")}`,
    bits: group?.bits ?? null,
    postQuantum: group?.postQuantum ?? false,
  };
}
