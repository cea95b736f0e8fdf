/**
 * scanTarget(): the whole scan of one target — wire-level probes (scan.ts) and the certificate,
 * trust and connection checks of a full handshake (probe/check-certificates.ts) — merged into one
 * ScanReport. Bad input (an unparseable target, an unreadable CA bundle) throws before any
 * connection; everything the server does is data in the report.
 */
import { checkCertificatesAndFeatures } from "../probe/check-certificates.js";
import { parseTarget, type Target } from "../probe/target.js";
import { selectClientProfiles, type ClientSelection } from "../registry/client-profiles.js";
import type { ScanReport } from "../scan-report/types.js";
import { simulateClients } from "./clients.js";
import { scanDetailed, type ScanOptions } from "./scan.js";

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
}

export async function scanTarget(
  target: string | Target,
  options: ScanTargetOptions = {},
): Promise<ScanReport> {
  const parsed = typeof target === "string" ? parseTarget(target) : target;
  const profiles = options.clients === undefined ? null : selectClientProfiles(options.clients);
  const timeoutMs = options.timeoutMs ?? 5000;
  const started = Date.now();
  const certificateOptions = {
    timeoutMs,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  // The full handshake runs beside the probes; only when node:tls cannot complete one (a server
  // that speaks only what OpenSSL 3 refuses) is the prober's raw chain judged instead.
  const [{ report, certificateChains }, first] = await Promise.all([
    scanDetailed(parsed, options),
    checkCertificatesAndFeatures(parsed, certificateOptions),
  ]);
  const rawChain = certificateChains[0];
  const checked =
    first.certificate === null && rawChain !== undefined
      ? await checkCertificatesAndFeatures(parsed, { ...certificateOptions, rawChain })
      : first;
  const merged: ScanReport = {
    ...report,
    certificate: checked.certificate,
    certificates: checked.certificate === null ? null : [checked.certificate],
    features: { ...report.features, ...checked.features },
    errors: [...report.errors, ...checked.errors],
  };
  // Clients run after the scan, whose findings explain why a client fails; an unreachable
  // target has nothing to simulate against (its errors already say why).
  if (profiles !== null && merged.reachable === true && merged.target.address !== null) {
    merged.clients = await simulateClients(
      { address: merged.target.address, port: parsed.port },
      {
        sni: parsed.sni,
        profiles,
        server: merged,
        timeoutMs,
        ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
        ...(options.retries === undefined ? {} : { retries: options.retries }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        ...(options.connect === undefined ? {} : { connect: options.connect }),
      },
    );
  }
  return { ...merged, durationMs: Date.now() - started };
}
