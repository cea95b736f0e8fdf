// The options every formatter takes, and the values the formatters derive from them the same way.
import type { GateOptions } from "../policy/types.js";
import type { ScanReport } from "../scan-report/types.js";

/** Options every formatter takes. */
export interface FormatOptions {
  /** tlsgate's version; default: the scanner version of the first report, else "0.0.0". */
  toolVersion?: string;
  /** The gate to apply and show (fail-on threshold, how inconclusive gates). */
  gate?: GateOptions;
}

/** The tlsgate version a formatter prints: the option, else the first report's scanner version. */
export function toolVersion(reports: readonly ScanReport[], options: FormatOptions): string {
  return options.toolVersion ?? reports[0]?.scanner.version ?? "0.0.0";
}

/** A policy hash as the formatters show it: its first 12 hex digits. */
export function shortHash(sha256: string): string {
  return sha256.slice(0, 12);
}
