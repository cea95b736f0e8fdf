/**
 * Every chain a server serves. A server holding an RSA and an ECDSA (or Ed25519) certificate
 * picks one by the client's signature algorithms and suites, so one handshake sees one chain.
 * Here each key type is asked for on its own: a TLS ≤ 1.2 raw hello offering only that key type's
 * suites and signature schemes (its Certificate and CertificateStatus are in clear), and a TLS 1.3
 * handshake through node:tls whose signature_algorithms name only that key type (its chain and
 * staple come from the decrypted flight). Each distinct chain is then judged on its own.
 */
import type { Socket } from "node:net";
import { checkCertificateChain } from "../cert/check-chain.js";
import type { TrustStore } from "../cert/trust-store.js";
import type { Endpoint } from "../probe/exchange.js";
import { buildClientHello, helloTarget, type TlsProtocol } from "../probe/client-hellos.js";
import { probeHandshake, type HandshakeEndpoint } from "../probe/full-handshake.js";
import {
  HalfCloseState,
  probeHello,
  probeMaybeHalfClosed,
  probeWithRetry,
} from "../probe/hello-probe.js";
import { SIGNATURE_SCHEMES, cipherSuitesFor, type Protocol } from "../registry/index.js";
import type { CertificateReport, ScanError } from "../scan-report/types.js";

/** The key types a server may hold a certificate of, asked for one at a time. */
export const SERVED_KEY_TYPES = ["ecdsa", "rsa", "eddsa"] as const;
export type ServedKeyType = (typeof SERVED_KEY_TYPES)[number];

interface KeyTypeOffer {
  /** Suite authentication (registry `auth`) of TLS ≤ 1.2 suites for this key type. */
  auth: "ECDSA" | "RSA";
  /** Signature schemes of this key type, by registry name. */
  schemes: (name: string) => boolean;
  /** The same for node:tls (OpenSSL's names), TLS 1.3 only. */
  sigalgs: string;
  /** Whether TLS 1.0 and 1.1 can ask for it (they have no signature_algorithms). */
  beforeTls12: boolean;
}

const OFFERS: Readonly<Record<ServedKeyType, KeyTypeOffer>> = {
  ecdsa: {
    auth: "ECDSA",
    schemes: (name) => name.startsWith("ecdsa_"),
    sigalgs: "ecdsa_secp256r1_sha256:ecdsa_secp384r1_sha384:ecdsa_secp521r1_sha512",
    beforeTls12: true,
  },
  rsa: {
    auth: "RSA",
    schemes: (name) => name.startsWith("rsa_"),
    sigalgs:
      "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:rsa_pss_pss_sha256:rsa_pss_pss_sha384:rsa_pss_pss_sha512",
    beforeTls12: true,
  },
  // EdDSA certificates sign with ECDSA suites in TLS 1.2 (RFC 8422).
  eddsa: {
    auth: "ECDSA",
    schemes: (name) => name === "ed25519" || name === "ed448",
    sigalgs: "ed25519:ed448",
    beforeTls12: false,
  },
};

/** One chain as one probe saw it. */
export interface ServedChainSighting {
  /** The key type asked for (the chain's own leaf may differ: a server with one certificate). */
  askedFor: ServedKeyType;
  protocol: Protocol;
  chain: Uint8Array[];
  /** The staple: bytes, null when none was stapled, undefined when it cannot be told. */
  ocspResponse: Uint8Array | null | undefined;
}

export interface ServedChainsOptions {
  endpoint: Endpoint;
  sni: string | null;
  /** The target's ALPN (Target.alpn): absent offers the full handshake's default. */
  alpn?: readonly string[];
  timeoutMs: number;
  retries?: number;
  signal?: AbortSignal;
  /** Runs each connection under the target's limit. */
  runConnection: <T>(connection: () => Promise<T>) => Promise<T>;
  connect?: (endpoint: Endpoint) => Socket;
  /**
   * Half-close the raw hellos, as ScanContext.probe does; not with a STARTTLS preamble. Pass the
   * scan's HalfCloseState to share what either learns of the target.
   */
  halfClose?: boolean | HalfCloseState;
}

export interface ServedChains {
  /** Every sighting, in probe order (TLS 1.3 first, then TLS ≤ 1.2; ECDSA, RSA, EdDSA). */
  sightings: ServedChainSighting[];
  /** False when a probe failed (not refused): a chain may be missing from `sightings`. */
  complete: boolean;
  errors: ScanError[];
}

const LEGACY_ORDER: readonly TlsProtocol[] = ["TLSv1.2", "TLSv1.1", "TLSv1.0", "SSLv3"];

async function probeLegacy(
  protocol: TlsProtocol,
  keyType: ServedKeyType,
  options: ServedChainsOptions,
  halfClose: HalfCloseState | null,
): Promise<ServedChainSighting | ScanError | null> {
  const offer = OFFERS[keyType];
  const suites = cipherSuitesFor(protocol)
    .filter((suite) => suite.auth === offer.auth && !suite.grease && !suite.scsv)
    .map((suite) => suite.code);
  const hello = buildClientHello({
    protocol,
    cipherSuites: suites,
    ...helloTarget(options),
    signatureSchemes: SIGNATURE_SCHEMES.filter((s) => offer.schemes(s.name)).map((s) => s.code),
    statusRequest: true,
  });
  const send = (halfClose: boolean) =>
    probeHello(options.endpoint, hello, {
      timeoutMs: options.timeoutMs,
      halfClose,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.connect === undefined ? {} : { connect: options.connect }),
    });
  const outcome = await probeWithRetry(
    () => options.runConnection(() => probeMaybeHalfClosed(send, halfClose, false)),
    {
      ...(options.retries === undefined ? {} : { retries: options.retries }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    },
  );
  const probe = `certificates/${keyType}/${protocol}`;
  if (outcome.kind === "rejected") return null;
  if (outcome.kind === "failed") return { probe, code: outcome.code, message: outcome.message };
  const choice = outcome.choice;
  if (choice.kind !== "tls") return null;
  // A flight cut after the ServerHello says nothing of the chain or the staple that would follow.
  if (!outcome.flightComplete) {
    return { probe, code: "protocol", message: "the flight ended before ServerHelloDone" };
  }
  if (choice.certificates === null) return null;
  return {
    askedFor: keyType,
    protocol,
    chain: choice.certificates,
    // An SSLv3 hello carries no status_request: whether the server would staple is unknown.
    ocspResponse: protocol === "SSLv3" ? undefined : choice.ocspResponse,
  };
}

async function probeTls13(
  keyType: ServedKeyType,
  options: ServedChainsOptions,
): Promise<ServedChainSighting | ScanError | null> {
  const endpoint: HandshakeEndpoint = {
    address: options.endpoint.address,
    port: options.endpoint.port,
    sni: options.sni,
    ...(options.alpn === undefined ? {} : { alpn: options.alpn }),
  };
  const outcome = await options.runConnection(() =>
    probeHandshake(endpoint, {
      timeoutMs: options.timeoutMs,
      minVersion: "TLSv1.3",
      sigalgs: OFFERS[keyType].sigalgs,
      reads: "served-chain",
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.connect === undefined ? {} : { connect: options.connect }),
    }),
  );
  const probe = `certificates/${keyType}/TLSv1.3`;
  if (!outcome.ok) {
    // Refused (an alert, or closed before any reply): no certificate for these algorithms. A
    // close after the server began its flight is a broken handshake: the chain is unknown.
    const refused = outcome.code === "tls" || (outcome.code === "closed" && outcome.received === 0);
    return refused ? null : { probe, code: outcome.code, message: outcome.message };
  }
  const handshake = outcome.handshake;
  if (handshake.servedChain === null) {
    return { probe, code: "unparseable", message: handshake.servedChainError ?? "no chain" };
  }
  return {
    askedFor: keyType,
    protocol: "TLSv1.3",
    chain: handshake.servedChain,
    ocspResponse: handshake.ocspResponse,
  };
}

/**
 * Asks for each key type at TLS 1.3 and at the highest TLS ≤ 1.2 version the server accepts.
 * At most 2 × 3 connections, each under `runConnection`.
 */
export async function probeServedChains(
  protocols: Readonly<Record<Protocol, boolean | null>>,
  options: ServedChainsOptions,
): Promise<ServedChains> {
  const legacy = LEGACY_ORDER.find((protocol) => protocols[protocol] === true) ?? null;
  const probes: Promise<ServedChainSighting | ScanError | null>[] = [];
  // One state for the target's raw hellos: the scan's when it shares it.
  const halfClose =
    options.halfClose instanceof HalfCloseState
      ? options.halfClose
      : new HalfCloseState(options.halfClose === true);
  if (protocols["TLSv1.3"] === true) {
    for (const keyType of SERVED_KEY_TYPES) probes.push(probeTls13(keyType, options));
  }
  if (legacy !== null) {
    for (const keyType of SERVED_KEY_TYPES) {
      if (legacy !== "TLSv1.2" && !OFFERS[keyType].beforeTls12) continue;
      probes.push(probeLegacy(legacy, keyType, options, halfClose));
    }
  }
  const sightings: ServedChainSighting[] = [];
  const errors: ScanError[] = [];
  for (const result of await Promise.all(probes)) {
    if (result === null) continue;
    if ("chain" in result) sightings.push(result);
    else errors.push(result);
  }
  // A version left unknown may serve a chain none of these saw (its own error says why).
  const unknownVersion = (["TLSv1.3", ...LEGACY_ORDER] as const).some((p) => protocols[p] === null);
  return { sightings, complete: errors.length === 0 && !unknownVersion, errors };
}

const sameChain = (a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean =>
  a.length === b.length && a.every((der, i) => Buffer.compare(der, b[i] as Uint8Array) === 0);

/** One distinct chain, with the first staple any sighting of it could tell. */
export interface DistinctChain {
  chain: Uint8Array[];
  ocspResponse: Uint8Array | null | undefined;
}

/** The distinct chains of the sightings, in order; a chain seen stapled anywhere is stapled. */
export function distinctChains(sightings: readonly ServedChainSighting[]): DistinctChain[] {
  const chains: DistinctChain[] = [];
  for (const sighting of sightings) {
    if (sighting.chain.length === 0) continue;
    const known = chains.find((entry) => sameChain(entry.chain, sighting.chain));
    if (known === undefined) {
      chains.push({ chain: sighting.chain, ocspResponse: sighting.ocspResponse });
    } else if (!(known.ocspResponse instanceof Uint8Array) && sighting.ocspResponse !== undefined) {
      known.ocspResponse = sighting.ocspResponse;
    }
  }
  return chains;
}

export interface JudgeServedChainsOptions {
  host: string;
  store: TrustStore;
  now: Date;
}

/**
 * `certificates[]`: the default chain (already judged) first, then every other distinct chain
 * judged on its own (trust, hostname, expiry, key, OCSP). The default chain is judged again
 * when only these probes could tell its staple (node:tls could not complete a handshake).
 * `certificates` is null when the probes could not see every chain, or saw none.
 */
export function judgeServedChains(
  defaultChain: { chain: readonly Uint8Array[]; report: CertificateReport } | null,
  served: ServedChains,
  options: JudgeServedChainsOptions,
): {
  certificate: CertificateReport | null;
  certificates: CertificateReport[] | null;
  errors: ScanError[];
} {
  const errors: ScanError[] = [...served.errors];
  let certificate = defaultChain?.report ?? null;
  const certificates: CertificateReport[] = [];
  let everyChainJudged = true;
  for (const entry of distinctChains(served.sightings)) {
    const isDefault = defaultChain !== null && sameChain(entry.chain, defaultChain.chain);
    if (isDefault && (certificate?.ocspStapled !== null || entry.ocspResponse === undefined)) {
      continue;
    }
    const checked = checkCertificateChain(entry.chain, {
      ...options,
      ocspResponse: entry.ocspResponse,
      probe: isDefault
        ? "certificate"
        : `certificates/${certificates.length + (defaultChain === null ? 0 : 1)}`,
    });
    if (isDefault) {
      // Only the staple is new: the chain's own findings are in the errors already.
      errors.push(...checked.errors.filter((error) => error.probe.endsWith("/ocsp")));
      certificate = checked.certificate;
    } else {
      errors.push(...checked.errors);
      if (checked.certificate === null) everyChainJudged = false;
      else certificates.push(checked.certificate);
    }
  }
  if (certificate !== null) certificates.unshift(certificate);
  // A list the scan could not complete is null, never a shorter list that passes a rule.
  return {
    certificate,
    certificates:
      served.complete && everyChainJudged && certificates.length > 0 ? certificates : null,
    errors,
  };
}
