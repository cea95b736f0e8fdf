/**
 * Named sample ScanReports shipped in packages/core/samples/ (real scans of loopback servers; see
 * the README there). A policy test case names one as its `base` and gives only what differs.
 */
import { readdirSync, readFileSync } from "node:fs";

// From src/policy and dist/policy alike, the package root is two folders up. Computed when asked:
// a bundle that never reads samples (the Action's) need not have them.
const samplesDir = (): URL => new URL("../../samples/", import.meta.url);

/** Names of the shipped sample reports, sorted ("mozilla-intermediate", …). */
export function sampleReportNames(): string[] {
  return readdirSync(samplesDir())
    .filter((file) => file.endsWith(".json"))
    .map((file) => file.slice(0, -".json".length))
    .sort();
}

/** A shipped sample report (parsed, not validated), or undefined when no sample has that name. */
export function readSampleReport(name: string): unknown {
  if (!sampleReportNames().includes(name)) return undefined;
  return JSON.parse(readFileSync(new URL(`${name}.json`, samplesDir()), "utf8")) as unknown;
}
