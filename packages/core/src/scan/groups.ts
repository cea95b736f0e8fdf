/**
 * Key-exchange groups. TLS 1.3: offer groups in supported_groups with an empty key_share; the
 * server names the one it wants in a HelloRetryRequest. TLS ≤ 1.2: offer ECDHE suites only; the
 * ServerKeyExchange names the curve. Both by elimination.
 *
 * TLS ≤ 1.2 trap (RFC 8422 5.1): supported_groups also limits the curve of the server's ECDSA
 * certificate, so a hello without that curve cannot get an ECDHE_ECDSA suite at all. Suites with
 * RSA (or no) authentication are used when the server has any; otherwise the certificate's curve
 * stays in every offer, last, and the enumeration stops once the server picks it: a curve it
 * ranks below its certificate's is one no client can negotiate with it.
 *
 * TLS ≤ 1.2 FFDHE (RFC 7919): offer the accepted DHE suites with ffdhe groups in supported_groups
 * and name the group from the ServerKeyExchange prime. A server that ignores the offer answers
 * with its own prime (not one of the offered groups): that ends the enumeration, since no client
 * can negotiate a group with it. When that own prime is an ffdhe one that was offered, it counts:
 * a client offering that group gets it.
 */
import { X509Certificate } from "node:crypto";
import { createHash } from "node:crypto";
import {
  GROUPS,
  cipherSuiteByCode,
  dhPrimeBySha256,
  groupByCode,
  groupByName,
} from "../registry/index.js";
import { buildClientHello, ALL_CURVES, type TlsProtocol } from "../probe/client-hellos.js";
import type { AcceptedGroup } from "../scan-report/types.js";
import { eliminate, type OfferResult } from "./eliminate.js";
import type { ScanContext } from "./context.js";
import type { ProtocolSuites } from "./cipher-suites.js";

const TLS13_CANDIDATES = GROUPS.filter(
  (g) => !g.grease && g.kind !== "explicit" && g.kind !== "grease",
).map((g) => g.code);

/**
 * Whether an accepted TLS 1.3 suite may start the group enumeration on its own, before the rest
 * of the suites are known. Not a suite its RFC ties to groups of its own — the SM suites to
 * curveSM2 (RFC 8998), the GOST ones to the GOST curves (RFC 9367) — since offered alone it
 * could see a group list that is complete yet wrong; nor a suite the registry does not know.
 */
export function startsTls13GroupsEarly(code: number): boolean {
  const row = cipherSuiteByCode(code);
  if (row === undefined || !row.protocols.includes("TLSv1.3")) return false;
  return !/^TLS_(SM4_|GOSTR)/.test(row.iana);
}

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
          ...ctx.hello,
          groups: codes,
          keyShareGroups: [],
        }),
      { stopAtServerHello: true },
    );
    if (outcome.kind === "rejected") return { kind: "refused" };
    if (outcome.kind === "failed") {
      return { kind: "failed", code: outcome.code, message: outcome.message };
    }
    const hello = outcome.choice.kind === "tls" ? outcome.choice : null;
    if (hello?.keyShareGroup == null) {
      return { kind: "failed", code: "protocol", message: "TLS 1.3 answer without a group" };
    }
    return { kind: "chosen", code: hello.keyShareGroup };
  };
  const result = await eliminate(TLS13_CANDIDATES, offer, { parts: 2 });
  if (!result.complete) {
    ctx.error("groups/TLSv1.3", result.code, `group enumeration incomplete: ${result.message}`);
    return null;
  }
  return [...result.accepted].sort((a, b) => a - b).map((code) => acceptedGroup("TLSv1.3", code));
}

/** The curves of ECDHE and the FFDHE groups of DHE at one TLS ≤ 1.2 version, from its enumerated suites. */
export async function enumerateTls12Groups(
  ctx: ScanContext,
  suites: ProtocolSuites & { accepted: number[] },
): Promise<AcceptedGroup[] | null> {
  const [curves, ffdhe] = await Promise.all([
    enumerateTls12Curves(ctx, suites),
    enumerateTls12Ffdhe(ctx, suites),
  ]);
  return curves === null || ffdhe === null ? null : [...curves, ...ffdhe];
}

const FFDHE_GROUPS = GROUPS.filter((g) => g.kind === "ffdhe").map((g) => g.code);

/** The RFC 7919 groups DHE suites negotiate at one TLS ≤ 1.2 version. */
export async function enumerateTls12Ffdhe(
  ctx: ScanContext,
  suites: ProtocolSuites & { accepted: number[] },
): Promise<AcceptedGroup[] | null> {
  const { protocol, accepted } = suites;
  const dhe = accepted.filter((code) => cipherSuiteByCode(code)?.kex === "DHE");
  if (dhe.length === 0) return [];
  const offer = async (codes: readonly number[]): Promise<OfferResult> => {
    const outcome = await ctx.probe(() =>
      buildClientHello({ protocol, cipherSuites: dhe, ...ctx.hello, groups: codes }),
    );
    if (outcome.kind === "rejected") return { kind: "refused" };
    if (outcome.kind === "failed") {
      return { kind: "failed", code: outcome.code, message: outcome.message };
    }
    const params = outcome.choice.kind === "tls" ? outcome.choice.keyExchange : null;
    if (params?.kind !== "dhe") {
      return {
        kind: "failed",
        code: "protocol",
        message: "DHE suite chosen without DH parameters",
      };
    }
    const group = ffdheGroupOfPrime(params.prime);
    return group !== null && codes.includes(group)
      ? { kind: "chosen", code: group }
      : { kind: "refused" };
  };
  const result = await eliminate(FFDHE_GROUPS, offer, { parts: 1 });
  if (!result.complete) {
    ctx.error(`groups/${protocol}`, result.code, `FFDHE enumeration incomplete: ${result.message}`);
    return null;
  }
  return [...result.accepted].sort((a, b) => a - b).map((code) => acceptedGroup(protocol, code));
}

/** The RFC 7919 group whose prime this is (ServerKeyExchange dh_p), or null. */
export function ffdheGroupOfPrime(prime: Uint8Array): number | null {
  let start = 0;
  while (start < prime.length && prime[start] === 0) start += 1;
  const sha256 = createHash("sha256").update(prime.subarray(start)).digest("hex");
  const name = dhPrimeBySha256(sha256)?.name;
  const group = name === undefined ? undefined : groupByName(name);
  return group?.kind === "ffdhe" ? group.code : null;
}

/** The curves of ECDHE at one TLS ≤ 1.2 version. */
export async function enumerateTls12Curves(
  ctx: ScanContext,
  suites: ProtocolSuites & { accepted: number[] },
): Promise<AcceptedGroup[] | null> {
  const { protocol, accepted, choices } = suites;
  const ecdhe = accepted.filter((code) => cipherSuiteByCode(code)?.kex === "ECDHE");
  if (ecdhe.length === 0) return [];
  const free = ecdhe.filter((code) => cipherSuiteByCode(code)?.auth !== "ECDSA");
  let anchor: number | undefined;
  if (free.length === 0) {
    const leaf = ecdhe.map((code) => choices.get(code)?.certificates?.[0]).find((der) => der);
    const curve = leaf === undefined ? null : certificateCurve(leaf);
    if (curve === null) {
      ctx.error(
        `groups/${protocol}`,
        "protocol",
        "the server has only ECDHE_ECDSA suites and its certificate's curve could not be read",
      );
      return null;
    }
    anchor = curve;
  }
  const offered = free.length > 0 ? free : ecdhe;
  const offer = async (codes: readonly number[]): Promise<OfferResult> => {
    const outcome = await ctx.probe(() =>
      buildClientHello({ protocol, cipherSuites: offered, ...ctx.hello, groups: codes }),
    );
    if (outcome.kind === "rejected") return { kind: "refused" };
    if (outcome.kind === "failed") {
      return { kind: "failed", code: outcome.code, message: outcome.message };
    }
    const params = outcome.choice.kind === "tls" ? outcome.choice.keyExchange : null;
    if (params?.kind !== "ecdhe" || params.namedCurve === null) {
      return {
        kind: "failed",
        code: "protocol",
        message: "ECDHE suite chosen without a named curve",
      };
    }
    return { kind: "chosen", code: params.namedCurve };
  };
  const result = await eliminate(ALL_CURVES, offer, {
    parts: 2,
    ...(anchor === undefined ? {} : { anchor }),
  });
  if (!result.complete) {
    ctx.error(`groups/${protocol}`, result.code, `curve enumeration incomplete: ${result.message}`);
    return null;
  }
  return [...result.accepted].sort((a, b) => a - b).map((code) => acceptedGroup(protocol, code));
}

/** The NamedGroup of an EC certificate's key, or null (not EC, unreadable, unknown curve). */
export function certificateCurve(der: Uint8Array): number | null {
  try {
    const details = new X509Certificate(der).publicKey.asymmetricKeyDetails;
    const name = details?.namedCurve;
    return name === undefined ? null : (groupByName(name)?.code ?? null);
  } catch {
    return null;
  }
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
