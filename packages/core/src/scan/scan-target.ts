/**
 * scanTarget(): the whole scan of one target — wire-level probes (scan.ts), the certificate,
 * trust and connection checks of a full handshake (probe/check-certificates.ts) and every chain
 * the server serves, one key type at a time (served-chains.ts) — merged into one ScanReport. The target is resolved once, and every connection goes to that address under one
 * per-target limit. Bad input (an unparseable target, an unreadable CA bundle) throws before any
 * connection; everything the server does is data in the report.
 */
import {
  checkCertificatesAndFeatures,
  checkRawChain,
  trustStoreFor,
} from "../probe/check-certificates.js";
import { resolveTarget } from "../probe/resolve-target.js";
import { checkStarttls } from "../probe/starttls-check.js";
import { starttlsConnector } from "../probe/starttls/runner.js";
import {
  isDirectTlsProtocol,
  judgeDirectTls,
  type ServiceProtocol,
} from "../probe/starttls/postgres-direct.js";
import { probeHandshake } from "../probe/full-handshake.js";
import { HalfCloseState } from "../probe/hello-probe.js";
import type { ScanError } from "../scan-report/types.js";
import { parseTarget, type Target } from "../probe/target.js";
import { selectClientProfiles, type ClientSelection } from "../registry/client-profiles.js";
import type { ScanReport } from "../scan-report/types.js";
import { simulateClients } from "./clients.js";
import type { ConnectionBudget } from "./connection-budget.js";
import { Limiter, type ConnectionSlots } from "./limiter.js";
import { judgeServedChains, probeServedChains } from "./served-chains.js";
import { scanDetailed, type ScanOptions, type SharedTarget } from "./scan.js";

export interface ScanTargetOptions extends ScanOptions {
  /** PEM bundles of extra trust anchors, for internal PKI (`--ca FILE`). */
  ca?: readonly string[];
  /** The time certificate validity is judged at; now by default. */
  now?: Date;
  /**
   * Simulate real clients' handshakes into `clients[]` (`--clients`): "default" for the current
   * clients, "all" for every profile, or profile names (a list may include "default"). Unknown
   * names throw a ClientProfileError before any connection. Not set: `clients` is null.
   */
  clients?: ClientSelection;
  /** `--starttls PROTOCOL`: the preamble for a bare host[:port] target given as a string. */
  starttls?: ServiceProtocol;
  /** SMTP/LMTP: the EHLO/LHLO name (`--ehlo`). */
  ehloName?: string;
  /** XMPP: the stream's `to` domain (`--xmpp-domain`); default the target's host. */
  xmppDomain?: string;
  /**
   * The run's connection budget, shared with other targets; `concurrency` is then this target's
   * share. Without it the target has a limiter of its own.
   */
  budget?: ConnectionBudget;
}

/** One store per CA list: a fleet's targets share the run's list, and the store built from it. */
const stores = new WeakMap<readonly string[], ReturnType<typeof trustStoreFor>>();
function storeFor(ca: readonly string[] | undefined): ReturnType<typeof trustStoreFor> {
  if (ca === undefined) return trustStoreFor({});
  let store = stores.get(ca);
  if (store === undefined) {
    store = trustStoreFor({ ca });
    stores.set(ca, store);
  }
  return store;
}

export async function scanTarget(
  target: string | Target,
  options: ScanTargetOptions = {},
): Promise<ScanReport> {
  const parsed =
    typeof target === "string"
      ? parseTarget(target, options.starttls === undefined ? {} : { starttls: options.starttls })
      : target;
  const profiles = options.clients === undefined ? null : selectClientProfiles(options.clients);
  const timeoutMs = options.timeoutMs ?? 5000;
  // A bad CA bundle is bad input: it throws here, before any connection.
  const store = storeFor(options.ca);
  const started = Date.now();
  // One resolution and one limiter for every connection to the target: the probes, the full
  // handshakes, HSTS and the clients all reach the address the report names, within one limit.
  const resolution = await resolveTarget(parsed, {
    timeoutMs,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
  });
  const concurrency = options.concurrency ?? 8;
  const limiter: ConnectionSlots =
    options.budget === undefined || !resolution.ok
      ? new Limiter(concurrency)
      : options.budget.forTarget(resolution.address, { concurrency, signal: options.signal });
  let starttls: SharedTarget["starttls"];
  if (!resolution.ok) {
    const { report } = await scanDetailed(parsed, options, { resolution, limiter });
    return { ...report, durationMs: Date.now() - started };
  }
  const address = resolution.address;
  /** The direct-TLS check's remark (the server chose no ALPN), kept in the report's errors. */
  let directWarning: ScanError | null = null;
  // A direct-TLS service (PostgreSQL 17): no preamble, but one handshake offering only its ALPN
  // first, so that a refused ALPN or a pre-17 server is named, never read as "no TLS".
  if (parsed.starttls !== null && isDirectTlsProtocol(parsed.starttls)) {
    const protocol = parsed.starttls;
    const outcome = await limiter.run(() =>
      probeHandshake(
        { address, port: parsed.port, sni: parsed.sni, ...alpnOf(parsed) },
        {
          timeoutMs,
          ...(options.signal === undefined ? {} : { signal: options.signal }),
          ...(options.connect === undefined ? {} : { connect: options.connect }),
        },
      ),
    );
    const check = judgeDirectTls(protocol, outcome);
    const info = { protocol, banner: null };
    if (!check.ok) {
      const failure = {
        error: { probe: `starttls/${protocol}`, code: check.code, message: check.message },
        connected: check.connected,
      };
      const { report } = await scanDetailed(parsed, options, {
        resolution,
        limiter,
        starttls: { info, failure },
      });
      return { ...report, durationMs: Date.now() - started };
    }
    if (check.warning !== null) directWarning = { probe: `starttls/${protocol}`, ...check.warning };
    starttls = { info, failure: null };
  } else if (parsed.starttls !== null) {
    // A STARTTLS service: every connection below (probes, full handshakes, clients) runs the
    // preamble first, through the connect seam. One check first gives the banner, or the refusal.
    const connect = starttlsConnector(
      {
        protocol: parsed.starttls,
        host: parsed.host,
        stepTimeoutMs: timeoutMs,
        ...(options.ehloName === undefined ? {} : { ehloName: options.ehloName }),
        ...(options.xmppDomain === undefined ? {} : { xmppDomain: options.xmppDomain }),
      },
      options.connect,
    );
    const check = await limiter.run(() =>
      checkStarttls({ address, port: parsed.port }, connect, {
        timeoutMs,
        signal: options.signal,
      }),
    );
    const info = { protocol: parsed.starttls, banner: check.banner };
    if (!check.ok) {
      const failure = {
        error: { probe: `starttls/${parsed.starttls}`, code: check.code, message: check.message },
        connected: check.connected,
      };
      const { report } = await scanDetailed(parsed, options, {
        resolution,
        limiter,
        starttls: { info, failure },
      });
      return { ...report, durationMs: Date.now() - started };
    }
    options = { ...options, connect };
    starttls = { info, failure: null };
  }
  const certificateOptions = {
    timeoutMs,
    address,
    store,
    runConnection: <T>(connection: () => Promise<T>) => limiter.run(connection),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.connect === undefined ? {} : { connect: options.connect }),
  };
  // Every chain the server serves, one key type at a time: it needs only the versions, so it
  // starts once the scan knows them and runs beside the rest of the scan.
  let versionsKnown: (protocols: ScanReport["protocols"]) => void = () => undefined;
  const versions = new Promise<ScanReport["protocols"]>((resolve) => (versionsKnown = resolve));
  // A STARTTLS preamble (or a direct-TLS service) runs on the connection before the hello; the
  // scan and the served chains share what they learn of half-closed hellos on the target.
  const halfClose = new HalfCloseState(starttls === undefined);
  // Set when this scan throws: served chains not yet started never start.
  let abandoned = false;
  let chainsStarted = false;
  const servedChains = versions.then((protocols) => {
    if (abandoned) return null;
    chainsStarted = true;
    return probeServedChains(protocols, {
      endpoint: { address, port: parsed.port },
      sni: parsed.sni,
      ...alpnOf(parsed),
      timeoutMs,
      runConnection: certificateOptions.runConnection,
      halfClose,
      ...(options.retries === undefined ? {} : { retries: options.retries }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.connect === undefined ? {} : { connect: options.connect }),
    });
  });
  servedChains.catch(() => undefined); // awaited below, unless the scan throws first
  // The full handshake runs beside the probes; only when node:tls cannot complete one (a server
  // that speaks only what OpenSSL 3 refuses) is the prober's raw chain judged instead.
  const scanning = scanDetailed(parsed, options, {
    resolution,
    limiter,
    ...(starttls === undefined ? {} : { starttls }),
    onProtocols: versionsKnown,
    halfClose,
  });
  const checking = checkCertificatesAndFeatures(parsed, certificateOptions);
  try {
    const [{ report, certificateChains }, checked] = await Promise.all([scanning, checking]);
    // A scan that ended before telling the versions (a bug it caught) leaves them as reported.
    versionsKnown(report.protocols);
    const rawChain = certificateChains[0];
    const fromRaw =
      checked.certificate === null && rawChain !== undefined
        ? checkRawChain(parsed, rawChain, certificateOptions)
        : null;
    const certificate = fromRaw?.certificate ?? checked.certificate;
    const defaultChain = fromRaw?.certificate != null ? rawChain : checked.chain;
    const served = await servedChains;
    if (served === null) throw new Error("served chains abandoned before the scan ended");
    const judged = judgeServedChains(
      certificate === null || defaultChain == null
        ? null
        : { chain: defaultChain, report: certificate },
      served,
      { host: parsed.host, store, now: options.now ?? new Date() },
    );
    const merged: ScanReport = {
      ...report,
      certificate: judged.certificate,
      certificates: judged.certificates,
      features: { ...report.features, ...checked.features },
      errors: [
        ...(directWarning === null ? [] : [directWarning]),
        ...report.errors,
        ...checked.errors,
        ...(fromRaw?.errors ?? []),
        ...judged.errors,
      ],
    };
    // Clients run after the scan, whose findings explain why a client fails; an unreachable
    // target has nothing to simulate against (its errors already say why).
    if (profiles !== null && merged.reachable === true) {
      merged.clients = await simulateClients(
        { address, port: parsed.port },
        {
          sni: parsed.sni,
          ...alpnOf(parsed),
          profiles,
          server: merged,
          timeoutMs,
          limiter,
          ...(options.retries === undefined ? {} : { retries: options.retries }),
          ...(options.signal === undefined ? {} : { signal: options.signal }),
          ...(options.connect === undefined ? {} : { connect: options.connect }),
        },
      );
    }
    return { ...merged, durationMs: Date.now() - started };
  } catch (error) {
    // A bug threw: what runs beside it ends before this returns, so that none of it connects
    // or reports once the scan is over.
    abandoned = true;
    await Promise.allSettled([scanning, checking]);
    if (chainsStarted) await Promise.allSettled([servedChains]);
    throw error;
  }
}

const alpnOf = (target: Target): { alpn?: readonly string[] } =>
  target.alpn === undefined ? {} : { alpn: target.alpn };
