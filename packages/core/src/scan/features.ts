/**
 * Connection features the raw probes can tell: secure renegotiation and extended master secret
 * (echoed extensions), TLS compression (CRIME), heartbeat, and TLS_FALLBACK_SCSV (RFC 7507).
 */
import type { Protocol } from "../registry/index.js";
import { buildClientHello, type TlsProtocol } from "../probe/client-hellos.js";
import type { TlsChoice } from "../probe/server-choice.js";
import type { ConnectionFeatures } from "../scan-report/types.js";
import type { ScanContext } from "./context.js";
import { offerableSuites } from "./protocols.js";

const LEGACY_ORDER: readonly TlsProtocol[] = ["TLSv1.2", "TLSv1.1", "TLSv1.0", "SSLv3"];
const ALL_ORDER: readonly TlsProtocol[] = ["TLSv1.3", ...LEGACY_ORDER];

export type WireFeatures = Pick<
  ConnectionFeatures,
  "secureRenegotiation" | "extendedMasterSecret" | "fallbackScsv" | "compression" | "heartbeat"
>;

export async function probeWireFeatures(
  ctx: ScanContext,
  supported: Record<Protocol, boolean | null>,
  choices: Partial<Record<TlsProtocol, TlsChoice>>,
): Promise<WireFeatures> {
  const legacy = LEGACY_ORDER.find((p) => supported[p] === true) ?? null;
  const legacyHello = legacy === null ? null : (choices[legacy] ?? null);
  // These extensions do not exist in TLS 1.3; without an older version they cannot be told.
  const onlyTls13 = legacy === null && supported["TLSv1.3"] === true;
  const anyUnknown = LEGACY_ORDER.some((p) => supported[p] === null);

  const [compressionAndHeartbeat, fallbackScsv] = await Promise.all([
    legacy === null ? Promise.resolve(null) : probeCompressionAndHeartbeat(ctx, legacy),
    probeFallbackScsv(ctx, supported),
  ]);

  return {
    secureRenegotiation: legacyHello?.secureRenegotiation ?? null,
    extendedMasterSecret: legacyHello?.extendedMasterSecret ?? null,
    // TLS 1.3 removed compression: a TLS 1.3-only server cannot compress.
    compression: onlyTls13 && !anyUnknown ? false : (compressionAndHeartbeat?.compression ?? null),
    heartbeat: compressionAndHeartbeat?.heartbeat ?? null,
    fallbackScsv,
  };
}

async function probeCompressionAndHeartbeat(
  ctx: ScanContext,
  protocol: TlsProtocol,
): Promise<{ compression: boolean; heartbeat: boolean } | null> {
  const outcome = await ctx.probe(
    () =>
      buildClientHello({
        protocol,
        cipherSuites: offerableSuites(protocol),
        ...ctx.hello,
        compressionMethods: [1, 0], // DEFLATE first
        heartbeat: true,
      }),
    { stopAtServerHello: true },
  );
  const hello =
    outcome.kind === "accepted" && outcome.choice.kind === "tls" && !outcome.choice.helloRetry
      ? outcome.choice
      : null;
  if (hello === null) {
    ctx.error(
      "features/compression",
      outcome.kind === "failed" ? outcome.code : "protocol",
      outcome.kind === "failed" ? outcome.message : "the server refused a hello it accepted before",
    );
    return null;
  }
  return { compression: hello.compressionMethod !== 0, heartbeat: hello.heartbeat };
}

/**
 * A hello below the server's highest version carrying TLS_FALLBACK_SCSV must be refused with
 * inappropriate_fallback. Needs two versions, the lower one at most TLS 1.2.
 */
async function probeFallbackScsv(
  ctx: ScanContext,
  supported: Record<Protocol, boolean | null>,
): Promise<boolean | null> {
  const highest = ALL_ORDER.find((p) => supported[p] === true);
  const lower = LEGACY_ORDER.find((p) => supported[p] === true && p !== highest);
  if (highest === undefined || lower === undefined) {
    // One version and none unknown: there is nothing to fall back to, so nothing to test (the
    // policies pass a single-version server); only unknown versions leave it undecided.
    const oneVersion =
      highest !== undefined && ALL_ORDER.every((p) => p === highest || supported[p] === false);
    if (!oneVersion) {
      ctx.error("features/fallbackScsv", "protocol", "needs two protocol versions to test");
    }
    return null;
  }
  const outcome = await ctx.probe(
    () =>
      buildClientHello({
        protocol: lower,
        cipherSuites: offerableSuites(lower),
        ...ctx.hello,
        fallbackScsv: true,
      }),
    { stopAtServerHello: true },
  );
  if (outcome.kind === "accepted") return false;
  if (outcome.kind === "rejected" && outcome.alert !== null) {
    if (outcome.alert.name === "inappropriate_fallback") return true;
    ctx.error("features/fallbackScsv", "protocol", `unexpected alert ${outcome.alert.name}`);
    return null;
  }
  ctx.error(
    "features/fallbackScsv",
    outcome.kind === "failed" ? outcome.code : "closed",
    outcome.kind === "failed" ? outcome.message : "the server closed the connection",
  );
  return null;
}
