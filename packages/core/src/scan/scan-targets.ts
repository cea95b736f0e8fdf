/**
 * scanTargets(): many targets, a few at a time (each under its own connection limit), reports
 * in the order of the targets. The CLI and the Action both scan lists this way.
 */
import type { Target } from "../probe/target.js";
import type { ScanReport } from "../scan-report/types.js";
import { scanTarget, type ScanTargetOptions } from "./scan-target.js";

export interface ScanTargetsOptions extends ScanTargetOptions {
  /** Targets scanned at once. Default 4. */
  parallelTargets?: number;
  /** Called as each target's report is ready, in completion order. */
  onReport?: (report: ScanReport) => void;
}

export async function scanTargets(
  targets: readonly (string | Target)[],
  options: ScanTargetsOptions = {},
): Promise<ScanReport[]> {
  const { parallelTargets = 4, onReport, ...scanOptions } = options;
  const reports: ScanReport[] = new Array<ScanReport>(targets.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < targets.length; index = next++) {
      const report = await scanTarget(targets[index]!, scanOptions);
      reports[index] = report;
      onReport?.(report);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallelTargets, targets.length) }, worker));
  return reports;
}
