/**
 * Reading saved results back: a bare ScanReport, a list of them, or tlsgate's JSON output
 * (`--format json`), so `check` and `merge` take whatever an earlier run wrote.
 */
import { readFileSync } from "node:fs";
import { validateScanReport, type Evaluation, type ScanReport } from "@tlsgate/core";
import { UsageError } from "./errors.js";

export interface SavedResults {
  reports: ScanReport[];
  evaluations: Evaluation[];
}

export function readSavedResults(file: string): SavedResults {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const candidates: unknown[] = [];
  const evaluations: Evaluation[] = [];
  if (Array.isArray(value)) candidates.push(...value);
  else if (isObject(value) && Array.isArray(value.results)) {
    for (const result of value.results) {
      if (!isObject(result)) continue;
      if (result.report != null) candidates.push(result.report);
      if (Array.isArray(result.evaluations))
        evaluations.push(...(result.evaluations as Evaluation[]));
    }
  } else candidates.push(value);

  const reports = candidates.map((candidate, index) => {
    const validation = validateScanReport(candidate);
    if (!validation.valid) {
      const issue = validation.issues[0];
      throw new UsageError(
        `${file}: entry ${index} is not a ScanReport: ${issue?.pointer ?? "/"} ${issue?.message ?? ""}`.trim(),
      );
    }
    return candidate as ScanReport;
  });
  return { reports, evaluations };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
