/**
 * Which protocol versions the server accepts: one hello per version offering every suite the
 * registry lists for it. A ServerHello at the version offered means yes; a lower version, an
 * alert or a close means no; a probe that keeps failing leaves the version unknown (null).
 */
import { PROTOCOLS, SSLV2_CIPHER_SUITES, cipherSuitesFor } from "../registry/index.js";
import type { Protocol } from "../registry/index.js";
import { protocolVersion } from "../registry/protocols.js";
import {
  buildClientHello,
  buildSslv2ClientHello,
  type TlsProtocol,
} from "../probe/client-hellos.js";
import type { Sslv2Choice, TlsChoice } from "../probe/server-choice.js";
import type { ScanContext } from "./context.js";

export interface ProtocolResults {
  supported: Record<Protocol, boolean | null>;
  /** What the server chose per accepted version: certificate chain, extensions echoed. */
  choices: Partial<Record<TlsProtocol, TlsChoice>>;
  sslv2: Sslv2Choice | null;
  /**
   * The raw chain (DER, leaf first) of the Certificate message at the highest TLS ≤ 1.2 version
   * accepted, for the certificate checks when a full handshake cannot be made; null without one.
   */
  certificateChain: Uint8Array[] | null;
}

export function offerableSuites(protocol: TlsProtocol): number[] {
  return cipherSuitesFor(protocol)
    .filter((suite) => !suite.grease && !suite.scsv)
    .map((suite) => suite.code);
}

export async function probeProtocols(ctx: ScanContext): Promise<ProtocolResults> {
  const supported = Object.fromEntries(PROTOCOLS.map((p) => [p, null])) as Record<
    Protocol,
    boolean | null
  >;
  const choices: Partial<Record<TlsProtocol, TlsChoice>> = {};
  let sslv2: Sslv2Choice | null = null;

  const probeSslv2 = async (): Promise<void> => {
    const outcome = await ctx.probe(() =>
      buildSslv2ClientHello(SSLV2_CIPHER_SUITES.map((suite) => suite.code)),
    );
    if (outcome.kind === "failed") {
      ctx.error("protocols/SSLv2", outcome.code, outcome.message);
      return;
    }
    sslv2 = outcome.kind === "accepted" && outcome.choice.kind === "sslv2" ? outcome.choice : null;
    supported.SSLv2 = sslv2 !== null && sslv2.cipherSpecs.length > 0;
  };

  const probeTls = async (protocol: TlsProtocol): Promise<void> => {
    const outcome = await ctx.probe(() =>
      buildClientHello({ protocol, cipherSuites: offerableSuites(protocol), ...ctx.hello }),
    );
    if (outcome.kind === "failed") {
      ctx.error(`protocols/${protocol}`, outcome.code, outcome.message);
      return;
    }
    if (outcome.kind === "rejected") {
      supported[protocol] = false;
      return;
    }
    const choice = outcome.choice;
    const accepted = choice.kind === "tls" && choice.version === protocolVersion(protocol);
    supported[protocol] = accepted;
    if (accepted) choices[protocol] = choice;
  };

  await Promise.all([
    probeSslv2(),
    ...(["SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"] as const).map(probeTls),
  ]);
  const legacy = (["TLSv1.2", "TLSv1.1", "TLSv1.0", "SSLv3"] as const).find(
    (p) => choices[p]?.certificates != null,
  );
  const certificateChain = legacy === undefined ? null : (choices[legacy]?.certificates ?? null);
  return { supported, choices, sslv2, certificateChain };
}
