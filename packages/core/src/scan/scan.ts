/**
 * scan(): one target in, one ScanReport out. Orchestrates the probes under the per-target
 * connection limit; never throws for anything the server does — what could not be established
 * is null and `errors[]` says why.
 */
import type { Socket } from "node:net";
import { PROTOCOLS, cipherSuiteByCode, sslv2CipherSuiteByCode } from "../registry/index.js";
import type { Protocol } from "../registry/index.js";
import type { Endpoint } from "../probe/exchange.js";
import type { HalfCloseState } from "../probe/hello-probe.js";
import { resolveTarget, type LookupFunction, type Resolution } from "../probe/resolve-target.js";
import type { TlsProtocol } from "../probe/client-hellos.js";
import {
  SCAN_REPORT_SCHEMA_VERSION,
  type AcceptedCipherSuite,
  type AcceptedGroup,
  type ScanError,
  type ScanReport,
  type StarttlsInfo,
} from "../scan-report/types.js";
import { ScanContext, type ProgressEvent } from "./context.js";
import { enumerateCipherSuites, type ProtocolSuites } from "./cipher-suites.js";
import { probeDh } from "./dh.js";
import { probeWireFeatures } from "./features.js";
import {
  enumerateTls12Curves,
  enumerateTls12Ffdhe,
  enumerateTls13Groups,
  startsTls13GroupsEarly,
} from "./groups.js";
import type { ConnectionSlots } from "./limiter.js";
import { probeProtocols } from "./protocols.js";
import { SCANNER_VERSION } from "./version.js";

/** Where to connect and what to present: the parsed form of a target such as host@ip:port. */
export interface TargetSpec {
  input: string;
  /** Host name for SNI and hostname checks, or the IP literal. */
  host: string;
  port: number;
  /** SNI to send; null for IP targets. */
  sni: string | null;
  /** What to connect to: an IP literal, or a host name to resolve. */
  connectAddress: string;
  /** A web endpoint (`https://` or port 443, see parseTarget); default: port 443. */
  isWeb?: boolean;
  /** ALPN every raw hello offers (PostgreSQL direct TLS); none when absent or empty. */
  alpn?: readonly string[];
}

export interface ScanOptions {
  /** Deadline per probe (connect to last byte), ms. Default 5000. */
  timeoutMs?: number;
  /** Connections at once to this target. Default 8. */
  concurrency?: number;
  /** Extra attempts for a probe that failed. Default 2. */
  retries?: number;
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /** Test seam for the TCP connection. */
  connect?: (endpoint: Endpoint) => Socket;
  /** Test seam for the DNS look-up of a host name (resolved once per target). */
  lookup?: LookupFunction;
}

/**
 * What scanTarget shares between the scan and its other connections: the target resolved once,
 * and the one limiter every connection to it runs under.
 */
export interface SharedTarget {
  resolution: Resolution;
  limiter: ConnectionSlots;
  /** What the STARTTLS check found (scanTarget runs it first); absent for direct TLS. */
  starttls?: {
    info: StarttlsInfo;
    /** The preamble failed: the error naming the step, and whether TCP connected. */
    failure: { error: ScanError; connected: boolean } | null;
  };
  /**
   * Called once the versions are known (before the suites), so that what needs only them (the
   * served chains) can start beside the rest of the scan.
   */
  onProtocols?: (supported: Record<Protocol, boolean | null>) => void;
  /** Whether half-closed hellos work on the target, shared with its served-chain probes. */
  halfClose?: HalfCloseState;
}

const LEGACY: readonly TlsProtocol[] = ["SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2"];
const TLS: readonly TlsProtocol[] = [...LEGACY, "TLSv1.3"];

/** A ScanReport and what the scan saw that the report has no field for. */
export interface DetailedScan {
  report: ScanReport;
  /**
   * Every distinct raw certificate chain (DER, leaf first) the TLS ≤ 1.2 Certificate messages
   * carried, the default one first (that of the highest version, all suites offered): for the
   * certificate checks, and one per key type on a server holding RSA and ECDSA certificates.
   */
  certificateChains: Uint8Array[][];
}

export async function scan(target: TargetSpec, options: ScanOptions = {}): Promise<ScanReport> {
  return (await scanDetailed(target, options)).report;
}

/**
 * `scan()` that also returns the raw certificate chains seen on the wire. Without `shared`, the
 * target is resolved here (once) and the scan has a limiter of its own.
 */
export async function scanDetailed(
  target: TargetSpec,
  options: ScanOptions = {},
  shared?: SharedTarget,
): Promise<DetailedScan> {
  const started = Date.now();
  const report = emptyReport(target, new Date(started));
  const chains: Uint8Array[][] = [];
  const finish = (): DetailedScan => ({
    report: { ...report, durationMs: Date.now() - started },
    certificateChains: chains,
  });

  const resolution =
    shared?.resolution ??
    (await resolveTarget(target, {
      timeoutMs: options.timeoutMs ?? 5000,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
    }));
  if (!resolution.ok) {
    report.errors.push({ probe: "dns", code: resolution.code, message: resolution.message });
    return finish();
  }
  const address = resolution.address;
  report.target.address = address;
  if (shared?.starttls !== undefined) {
    report.target.starttls = shared.starttls.info;
    const failure = shared.starttls.failure;
    if (failure !== null) {
      // Nothing is known of the TLS service behind a preamble that failed: every fact stays null.
      report.errors.push(failure.error);
      report.reachable = failure.connected ? true : options.signal?.aborted === true ? null : false;
      return finish();
    }
  }

  const ctx = new ScanContext({
    endpoint: { address, port: target.port },
    sni: target.sni,
    alpn: target.alpn,
    targetLabel: target.input,
    timeoutMs: options.timeoutMs ?? 5000,
    concurrency: options.concurrency ?? 8,
    retries: options.retries ?? 2,
    signal: options.signal,
    onProgress: options.onProgress,
    connect: options.connect,
    limiter: shared?.limiter,
    // A STARTTLS preamble (or a direct-TLS service check) runs on the connection first.
    halfClose: shared?.halfClose ?? shared?.starttls === undefined,
  });
  try {
    await scanInto(ctx, report, chains, shared?.onProtocols);
  } catch (error) {
    // A bug, not a server behaviour: keep what was found and say so.
    ctx.error("scan", "internal", messageOf(error));
  }
  // Not connected because the scan was cut short (a deadline) says nothing of the server: unknown.
  report.reachable = ctx.connected ? true : options.signal?.aborted === true ? null : false;
  report.errors.push(...ctx.errors);
  return finish();
}

async function scanInto(
  ctx: ScanContext,
  report: ScanReport,
  chains: Uint8Array[][],
  onProtocols?: (supported: Record<Protocol, boolean | null>) => void,
): Promise<void> {
  ctx.step("protocols");
  const protocols = await probeProtocols(ctx);
  report.protocols = protocols.supported;
  onProtocols?.(protocols.supported);
  if (protocols.certificateChain !== null) addChain(chains, protocols.certificateChain);
  if (!PROTOCOLS.some((p) => protocols.supported[p] !== null)) return;

  // Each step starts as soon as what it needs is known, not when the slowest step before it ends:
  // the features need only the versions, the groups of a version only that version's suites.
  ctx.step("cipher suites");
  const features = probeWireFeatures(ctx, protocols.supported, protocols.choices);
  const supportedTls = TLS.filter((p) => protocols.supported[p] === true);
  const legacyUnknown = LEGACY.some((p) => protocols.supported[p] === null);
  // Curves at the highest TLS ≤ 1.2 version (ECDHE_ECDSA needs a certificate curve check there).
  const legacyProtocol = [...supportedTls].reverse().find((p) => p !== "TLSv1.3");
  // A higher version that stayed unknown may rank curves differently: no list then.
  const unknownAboveLegacy = LEGACY.slice(LEGACY.indexOf(legacyProtocol ?? "SSLv3")).some(
    (p) => protocols.supported[p] === null,
  );
  // The groups need one suite of the kind that negotiates them, not the whole list: each starts
  // with the first such suite the enumeration sees (the server picks the group, not the suite,
  // from what is offered) and runs beside the rest of the enumeration. Its result counts only
  // if that enumeration completes.
  const early = new Map<string, Promise<AcceptedGroup[] | null>>();
  const startOnce = (key: string, start: () => Promise<AcceptedGroup[] | null>): void => {
    if (early.has(key)) return;
    const run = start();
    run.catch(() => undefined); // awaited later, or settled when the scan throws
    early.set(key, run);
  };
  const onAccepted = (protocol: TlsProtocol) => (code: number) => {
    const preference = { protocol, enforced: null, order: null };
    const one = { protocol, accepted: [code], preference, choices: new Map() };
    if (protocol === "TLSv1.3") {
      if (startsTls13GroupsEarly(code)) {
        startOnce("TLSv1.3", () => enumerateTls13Groups(ctx, [code]));
      }
      return;
    }
    if (protocol !== legacyProtocol || unknownAboveLegacy) return;
    const row = cipherSuiteByCode(code);
    if (row?.kex === "ECDHE" && row.auth !== "ECDSA") {
      startOnce("curves", () => enumerateTls12Curves(ctx, one));
    } else if (row?.kex === "DHE") {
      startOnce("ffdhe", () => enumerateTls12Ffdhe(ctx, one));
    }
  };
  const enumerating = new Map(
    supportedTls.map(
      (p) => [p, enumerateCipherSuites(ctx, p, protocols.choices[p], onAccepted(p))] as const,
    ),
  );
  /** What was started early, once it ended (its connections are closed), or the full run. */
  const finish = async (
    key: string,
    full: () => Promise<AcceptedGroup[] | null>,
  ): Promise<AcceptedGroup[] | null> => (await early.get(key)) ?? (early.has(key) ? null : full());
  const tls13 = enumerating.get("TLSv1.3");
  const legacy = legacyProtocol === undefined ? undefined : enumerating.get(legacyProtocol);
  const tls13Groups =
    tls13 === undefined
      ? Promise.resolve(protocols.supported["TLSv1.3"] === false ? [] : null)
      : tls13.then(async (e) => {
          const groups = await finish("TLSv1.3", () =>
            e.accepted === null ? Promise.resolve(null) : enumerateTls13Groups(ctx, e.accepted),
          );
          return e.accepted === null ? null : groups;
        });
  const tls12Groups =
    legacy === undefined
      ? Promise.resolve(legacyUnknown ? null : [])
      : legacy.then(async (e) => {
          if (e.accepted === null || unknownAboveLegacy) {
            await Promise.all(early.values()); // started, so ended before the scan returns
            return null;
          }
          const suites = { ...e, accepted: e.accepted };
          const [curves, ffdhe] = await Promise.all([
            finish("curves", () => enumerateTls12Curves(ctx, suites)),
            finish("ffdhe", () => enumerateTls12Ffdhe(ctx, suites)),
          ]);
          return curves === null || ffdhe === null ? null : [...curves, ...ffdhe];
        });
  // Awaited below; a bug that throws in the suites step must not leave these rejections unheard.
  for (const started of [features, tls13Groups, tls12Groups]) started.catch(() => undefined);
  const running: Promise<unknown>[] = [...enumerating.values(), features, tls13Groups, tls12Groups];
  try {
    const enumerated = await Promise.all(enumerating.values());
    for (const { choices } of enumerated) {
      for (const choice of choices.values()) {
        if (choice.certificates !== null) addChain(chains, choice.certificates);
      }
    }
    const unknownProtocol = PROTOCOLS.some((p) => protocols.supported[p] === null);
    report.serverPreference = unknownProtocol ? null : enumerated.map((e) => e.preference);

    ctx.step("groups and key exchange");
    const dhProbe = probeDh(ctx, enumerated);
    running.push(dhProbe);
    const [groups13, groups12, dh, wireFeatures] = await Promise.all([
      tls13Groups,
      tls12Groups,
      dhProbe,
      features,
    ]);
    report.groups = groups13 === null || groups12 === null ? null : [...groups13, ...groups12];
    // An unknown version may hold DHE suites (and smaller primes) that were never seen.
    report.dh = legacyUnknown
      ? { supported: dh.supported === true ? true : null, bits: null, primes: null }
      : dh;
    report.features = { ...report.features, ...wireFeatures };

    report.cipherSuites = unknownProtocol
      ? null
      : acceptedSuites(protocols.supported, protocols.sslv2?.cipherSpecs ?? [], enumerated);
  } catch (error) {
    // A bug threw: what runs beside it (the early groups too) ends before the report is built,
    // so that none of it connects or adds errors once the scan has returned.
    await Promise.allSettled([...running, ...early.values()]);
    throw error;
  }
}

function addChain(chains: Uint8Array[][], chain: Uint8Array[]): void {
  const same = (a: Uint8Array[], b: Uint8Array[]): boolean =>
    a.length === b.length && a.every((der, i) => Buffer.compare(der, b[i] as Uint8Array) === 0);
  if (chain.length > 0 && !chains.some((known) => same(known, chain))) chains.push(chain);
}

function acceptedSuites(
  supported: Record<Protocol, boolean | null>,
  sslv2Specs: readonly number[],
  enumerated: readonly ProtocolSuites[],
): AcceptedCipherSuite[] | null {
  const suites: AcceptedCipherSuite[] = [];
  if (supported.SSLv2 === true) {
    for (const code of sslv2Specs) {
      const row = sslv2CipherSuiteByCode(code);
      suites.push({
        protocol: "SSLv2",
        code: `0x${code.toString(16).toUpperCase().padStart(6, "0")}`,
        iana: row?.name ?? `unknown(0x${code.toString(16)})`,
        openssl: row?.openssl ?? null,
        // SSLv2 has RSA key transport and MD5 MACs only; the spec name carries the cipher.
        kex: "RSA",
        auth: "RSA",
        encryption: row?.name.replace(/^SSL_CK_|_WITH_MD5$/g, "") ?? "unknown",
        bits: row?.bits ?? 0,
        mac: "MD5",
        aead: false,
        forwardSecrecy: false,
        export: row?.export ?? false,
        strength: "insecure",
      });
    }
  }
  for (const protocol of TLS) {
    if (supported[protocol] !== true) continue;
    // In the server's order where it has one (enumerateCipherSuites returns them so).
    const codes = enumerated.find((e) => e.protocol === protocol)?.accepted;
    if (codes == null) return null;
    for (const code of codes) suites.push(acceptedSuite(protocol, code));
  }
  return suites;
}

function acceptedSuite(protocol: TlsProtocol, code: number): AcceptedCipherSuite {
  const row = cipherSuiteByCode(code);
  const hex = `0x${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return {
    protocol,
    code: hex,
    iana: row?.iana ?? `unknown(${hex})`,
    openssl: row?.openssl ?? null,
    kex: row?.kex ?? "unknown",
    auth: row?.auth ?? "unknown",
    encryption: row?.encryption ?? "unknown",
    bits: row?.bits ?? 0,
    mac: row?.mac ?? "unknown",
    aead: row?.aead ?? false,
    forwardSecrecy: row?.forwardSecrecy ?? false,
    export: row?.export ?? false,
    strength: row?.strength ?? null,
  };
}

/** A report with every fact unknown (null), before any probe: what a scan fills in, and what a
 * target that could not be scanned (a worker lost, a name --all-addresses could not resolve) keeps. */
export function emptyReport(target: TargetSpec, startedAt: Date): ScanReport {
  return {
    schemaVersion: SCAN_REPORT_SCHEMA_VERSION,
    scanner: { name: "tlsgate", version: SCANNER_VERSION },
    startedAt: startedAt.toISOString(),
    durationMs: 0,
    target: {
      input: target.input,
      host: target.host,
      port: target.port,
      sni: target.sni,
      address: null,
      starttls: null,
      web: target.isWeb ?? target.port === 443,
    },
    reachable: null,
    errors: [],
    protocols: Object.fromEntries(PROTOCOLS.map((p) => [p, null])) as Record<
      Protocol,
      boolean | null
    >,
    cipherSuites: null,
    serverPreference: null,
    groups: null,
    dh: { supported: null, bits: null, primes: null },
    certificate: null,
    certificates: null,
    features: {
      secureRenegotiation: null,
      extendedMasterSecret: null,
      fallbackScsv: null,
      compression: null,
      heartbeat: null,
      sessionResumption: { sessionId: null, ticket: null },
      alpn: null,
      earlyData: null,
      hsts: null,
    },
    clients: null,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
