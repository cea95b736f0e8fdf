/**
 * scanTarget(): the whole scan of one target — wire-level probes (scan.ts) and the certificate,
 * trust and connection checks of a full handshake (probe/check-certificates.ts) — merged into one
 * ScanReport. Bad input (an unparseable target, an unreadable CA bundle) throws before any
 * connection; everything the server does is data in the report.
 */
import { checkCertificatesAndFeatures } from "../probe/check-certificates.js";
import { parseTarget, type Target } from "../probe/target.js";
import type { ScanReport } from "../scan-report/types.js";
import { scan, type ScanOptions } from "./scan.js";

export interface ScanTargetOptions extends ScanOptions {
  /** PEM bundles of extra trust anchors, for internal PKI (`--ca FILE`). */
  ca?: readonly string[];
  /** The time certificate validity is judged at; now by default. */
  now?: Date;
}

export async function scanTarget(
  target: string | Target,
  options: ScanTargetOptions = {},
): Promise<ScanReport> {
  const parsed = typeof target === "string" ? parseTarget(target) : target;
  const timeoutMs = options.timeoutMs ?? 5000;
  const started = Date.now();
  const [report, checked] = await Promise.all([
    scan(parsed, options),
    checkCertificatesAndFeatures(parsed, {
      timeoutMs,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    }),
  ]);
  return {
    ...report,
    durationMs: Date.now() - started,
    certificate: checked.certificate,
    certificates: checked.certificate === null ? null : [checked.certificate],
    features: { ...report.features, ...checked.features },
    errors: [...report.errors, ...checked.errors],
  };
}
