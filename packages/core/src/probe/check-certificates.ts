/**
 * The certificate and connection-feature part of a scan: one full handshake through node:tls for
 * the served chain, OCSP staple and ALPN; resumption by ticket and by session ID on separate
 * connections; HSTS over HTTPS for web targets. The scanner merges the result into its report
 * (the prober fills the other features: renegotiation, fallback SCSV, compression, heartbeat,
 * extended master secret).
 */
import type { Socket } from "node:net";
import { rootCertificates } from "node:tls";
import { checkCertificateChain } from "../cert/check-chain.js";
import { createTrustStore, type TrustStore } from "../cert/trust-store.js";
import type {
  CertificateReport,
  ConnectionFeatures,
  ScanError,
  ScanErrorCode,
} from "../scan-report/types.js";
import type { Endpoint } from "./exchange.js";
import {
  OFFERED_ALPN,
  probeHandshake,
  type Handshake,
  type HandshakeEndpoint,
  type HandshakeOptions,
  type HandshakeOutcome,
} from "./full-handshake.js";
import { probeHsts } from "./hsts.js";
import { resolveTarget, type LookupFunction } from "./resolve-target.js";
import { parseTarget, type Target } from "./target.js";

export interface CheckCertificatesOptions {
  /** PEM bundles whose self-signed certificates are added as trust anchors (`--ca FILE`). */
  ca?: readonly string[];
  /** Deadline of each connection (handshake, resumption, HTTPS request). */
  timeoutMs: number;
  /** The time validity is judged at; the current time by default. */
  now?: Date;
  /** The chain from the prober's Certificate message, used when node:tls cannot complete a handshake. */
  rawChain?: readonly Uint8Array[];
  signal?: AbortSignal;
  /** Root store instead of Node's `tls.rootCertificates` (Mozilla's). */
  roots?: readonly string[];
  /** A store made by `trustStoreFor` beforehand; `roots` and `ca` are then not read. */
  store?: TrustStore;
  /** Wait for a TLS 1.3 ticket after the handshake; min(1000, timeoutMs) by default. */
  ticketWaitMs?: number;
  /**
   * The address the scan resolved the target to: every connection goes there. Without it the
   * target is resolved here, once.
   */
  address?: string;
  /**
   * Runs each connection: the scanner passes its per-target limiter, so that these connections
   * count against the same limit as its probes. By default they just run.
   */
  runConnection?: <T>(connection: () => Promise<T>) => Promise<T>;
  /** Test seam: how to open each TCP connection of a handshake. */
  connect?: (endpoint: Endpoint) => Socket;
  /** Test seam: how to look a host name up (when `address` is not given). */
  lookup?: LookupFunction;
}

export type CertificateFeatures = Pick<
  ConnectionFeatures,
  "sessionResumption" | "alpn" | "earlyData" | "hsts"
>;

export interface CertificatesAndFeatures {
  certificate: CertificateReport | null;
  /** The DER chain `certificate` judged, leaf first; null without one. */
  chain: readonly Uint8Array[] | null;
  features: CertificateFeatures;
  errors: ScanError[];
  /** The address connected to; null when the host name did not resolve. */
  address: string | null;
  /** What the full handshake negotiated; null without one. */
  negotiated: { protocol: string | null; cipher: string | null } | null;
}

let mozillaStore: TrustStore | undefined;

/**
 * The trust store of these options: Mozilla's roots (or `roots`) plus the `ca` bundles. Throws
 * CertificateError for a bad bundle, so a caller can fail before any connection.
 */
export function trustStoreFor(
  options: Pick<CheckCertificatesOptions, "ca" | "roots" | "store">,
): TrustStore {
  if (options.store !== undefined) return options.store;
  const base =
    options.roots === undefined
      ? (mozillaStore ??= createTrustStore(rootCertificates))
      : createTrustStore(options.roots);
  return options.ca === undefined || options.ca.length === 0
    ? base
    : createTrustStore(options.ca, base);
}

function runConnection<T>(
  options: CheckCertificatesOptions,
  connection: () => Promise<T>,
): Promise<T> {
  return options.runConnection === undefined ? connection() : options.runConnection(connection);
}

/** One handshake to the endpoint, as one connection of the target's limit. */
function handshakeTo(
  endpoint: HandshakeEndpoint,
  options: CheckCertificatesOptions,
  extra: Omit<HandshakeOptions, "timeoutMs" | "signal" | "connect"> = {},
): Promise<HandshakeOutcome> {
  return runConnection(options, () =>
    probeHandshake(endpoint, {
      timeoutMs: options.timeoutMs,
      ...extra,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.connect ? { connect: options.connect } : {}),
    }),
  );
}

async function probeSessionId(
  endpoint: HandshakeEndpoint,
  options: CheckCertificatesOptions,
): Promise<{ value: boolean | null; error: ScanError | null }> {
  const base = { noTicket: true, maxVersion: "TLSv1.2" as const, reads: "session" as const };
  const first = await handshakeTo(endpoint, options, base);
  if (!first.ok) {
    // A server that refuses TLS 1.2 outright has no session IDs (TLS 1.3 resumes by ticket only).
    if (first.code === "tls") return { value: false, error: null };
    return {
      value: null,
      error: { probe: "resumption/sessionId", code: first.code, message: first.message },
    };
  }
  if (first.handshake.session === null) return { value: false, error: null };
  const second = await handshakeTo(endpoint, options, {
    ...base,
    session: first.handshake.session,
  });
  if (!second.ok) {
    return {
      value: null,
      error: { probe: "resumption/sessionId", code: second.code, message: second.message },
    };
  }
  return { value: second.handshake.reused, error: null };
}

async function probeTicket(
  endpoint: HandshakeEndpoint,
  first: Handshake,
  options: CheckCertificatesOptions,
): Promise<{ value: boolean | null; error: ScanError | null }> {
  if (!first.ticketIssued || first.session === null) return { value: false, error: null };
  const resumed = await handshakeTo(endpoint, options, {
    session: first.session,
    reads: "session",
  });
  if (!resumed.ok) {
    return {
      value: null,
      error: { probe: "resumption/ticket", code: resumed.code, message: resumed.message },
    };
  }
  return { value: resumed.handshake.reused, error: null };
}

/**
 * The certificate checks of a chain the prober read from a Certificate message, for a server
 * node:tls cannot complete a handshake with. Opens no connection.
 */
export function checkRawChain(
  target: Target,
  chain: readonly Uint8Array[],
  options: Pick<CheckCertificatesOptions, "ca" | "roots" | "store" | "now">,
): { certificate: CertificateReport | null; errors: ScanError[] } {
  const checked = checkCertificateChain(chain, {
    host: target.host,
    store: trustStoreFor(options),
    now: options.now ?? new Date(),
  });
  return { certificate: checked.certificate, errors: checked.errors };
}

/**
 * Certificates, trust and connection features of a target. Bad input (an unparseable target or CA
 * bundle) throws TargetError or CertificateError before any connection; everything the network
 * does is data: a fact that could not be established is null, with its reason in `errors`.
 *
 * - `certificate`: the chain as served (see probe/served-chain.ts), checked against Mozilla's roots
 *   (or `roots`) plus `ca`, for `target.host`, at `now`; OCSP from the same handshake.
 * - `sessionResumption.ticket`: the main handshake got a ticket (TLS 1.2 SessionTicket or TLS 1.3
 *   NewSessionTicket) and a second connection offering it was resumed; false when none was issued.
 * - `sessionResumption.sessionId`: two TLS 1.2 connections without the ticket extension
 *   (SSL_OP_NO_TICKET): the second resumed by session ID. False when the server refuses TLS 1.2
 *   with an alert (TLS 1.3 resumes by ticket only).
 * - `earlyData`: the TLS 1.3 ticket allows 0-RTT (max_early_data > 0 in its early_data
 *   extension, read from the server's decrypted bytes); null when no ticket arrived in time.
 *   node:tls cannot send early data, so whether the server then accepts it is not tried.
 * - `hsts`: null without an error entry when the target is not a web endpoint (not applicable).
 *
 * Connections: at most 4 at a time (each under `runConnection`), all to the one address:
 * `options.address`, or the target resolved once here.
 */
export async function checkCertificatesAndFeatures(
  target: Target | string,
  options: CheckCertificatesOptions,
): Promise<CertificatesAndFeatures> {
  const parsed = typeof target === "string" ? parseTarget(target) : target;
  const store = trustStoreFor(options);
  const now = options.now ?? new Date();
  const errors: ScanError[] = [];
  const features: CertificateFeatures = {
    sessionResumption: { sessionId: null, ticket: null },
    alpn: null,
    earlyData: null,
    hsts: null,
  };
  const fromRawChain = (code: ScanErrorCode, why: string): CertificatesAndFeatures => {
    errors.push({
      probe: "features",
      code,
      message: `OCSP stapling, resumption, ALPN, early data and HSTS unknown: ${why}`,
    });
    if (options.rawChain === undefined)
      return { certificate: null, chain: null, features, errors, address, negotiated: null };
    const checked = checkRawChain(parsed, options.rawChain, options);
    errors.push(...checked.errors);
    return {
      certificate: checked.certificate,
      chain: checked.certificate === null ? null : options.rawChain,
      features,
      errors,
      address,
      negotiated: null,
    };
  };

  let address: string | null = options.address ?? null;
  if (address === null) {
    const resolution = await resolveTarget(parsed, {
      timeoutMs: options.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.lookup ? { lookup: options.lookup } : {}),
    });
    if (!resolution.ok) {
      errors.push({ probe: "handshake", code: resolution.code, message: resolution.message });
      return fromRawChain(resolution.code, "the host name did not resolve");
    }
    address = resolution.address;
  }
  const endpoint: HandshakeEndpoint = {
    address,
    port: parsed.port,
    sni: parsed.sni,
    ...(parsed.alpn === undefined ? {} : { alpn: parsed.alpn }),
  };
  const ticketWaitMs = options.ticketWaitMs ?? Math.min(1000, options.timeoutMs);
  // The session-ID check needs nothing of the main handshake: its two handshakes run beside it,
  // not after it (they are the longest chain of dependent connections of a scan).
  const sessionIdCheck = probeSessionId(endpoint, options);
  const main = await handshakeTo(endpoint, options, { ticketWaitMs });
  if (!main.ok) {
    await sessionIdCheck; // its connections end before the check does; it tells nothing now
    errors.push({ probe: "handshake", code: main.code, message: main.message });
    return fromRawChain(main.code, "node:tls could not complete a handshake");
  }
  const handshake = main.handshake;

  // Read by a handshake of the default `reads`: never null here.
  let chain: readonly Uint8Array[] = handshake.nodeChain ?? [];
  let servedOrder = false;
  if (handshake.servedChain !== null) {
    chain = handshake.servedChain;
    servedOrder = true;
  } else if (options.rawChain !== undefined) {
    chain = options.rawChain;
    servedOrder = true;
  }
  if (handshake.servedChain === null) {
    errors.push({
      probe: "certificate",
      code: "unparseable",
      message: handshake.servedChainError ?? "no served chain",
    });
  }
  const checked = checkCertificateChain(chain, {
    host: parsed.host,
    store,
    now,
    ocspResponse: handshake.ocspResponse,
    servedOrder,
  });
  errors.push(...checked.errors);

  features.alpn = { offered: [...(parsed.alpn ?? OFFERED_ALPN)], selected: handshake.alpn };
  // 0-RTT needs TLS 1.3 and a ticket whose early_data extension allows it (max_early_data > 0).
  // A TLS 1.3 server may send its tickets late or on a later connection: no ticket is unknown.
  if (handshake.protocol !== "TLSv1.3") features.earlyData = false;
  else if (!handshake.ticketIssued) {
    errors.push({
      probe: "earlyData",
      code: "timeout",
      message: `no TLS 1.3 session ticket arrived after the handshake (waited at most ${ticketWaitMs} ms)`,
    });
  } else if (handshake.maxEarlyData === null) {
    errors.push({
      probe: "earlyData",
      code: "unparseable",
      message: "the session ticket could not be read",
    });
  } else features.earlyData = handshake.maxEarlyData > 0;

  const [ticket, sessionId, hsts] = await Promise.all([
    probeTicket(endpoint, handshake, options),
    sessionIdCheck,
    parsed.isWeb
      ? runConnection(options, () =>
          probeHsts(parsed, address, {
            timeoutMs: options.timeoutMs,
            ...(options.signal ? { signal: options.signal } : {}),
          }),
        )
      : null,
  ]);
  features.sessionResumption = { sessionId: sessionId.value, ticket: ticket.value };
  for (const error of [ticket.error, sessionId.error]) if (error !== null) errors.push(error);
  if (hsts !== null) {
    features.hsts = hsts.hsts;
    errors.push(...hsts.errors);
  }
  return {
    certificate: checked.certificate,
    chain: checked.certificate === null ? null : chain,
    features,
    errors,
    address,
    negotiated: { protocol: handshake.protocol, cipher: handshake.cipher },
  };
}
