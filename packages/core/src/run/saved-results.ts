/**
 * Reading saved results back: a bare ScanReport, a list of them, or tlsgate's JSON output
 * (`--format json`), so that `check` and `merge` take whatever an earlier run wrote. A file that
 * holds no report is an error, never an empty list that would pass a gate.
 */
import { readFileSync, statSync } from "node:fs";
import type { Evaluation } from "../policy/types.js";
import type { ScanReport } from "../scan-report/types.js";
import { validateScanReport } from "../scan-report/validate.js";
import { InputError } from "./input-error.js";

export interface SavedResults {
  reports: ScanReport[];
  evaluations: Evaluation[];
}

/** Saved results are JSON written by tlsgate; a larger file is not one. */
const MAX_SAVED_BYTES = 256 * 1024 * 1024;

/** Reads `path`; errors name the file as the user wrote it (`file`). */
export function readSavedResults(path: string, file: string = path): SavedResults {
  let value: unknown;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new Error("not a regular file");
    if (stat.size > MAX_SAVED_BYTES) throw new Error("larger than 256 MiB");
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new InputError("unreadable", "scan", `cannot read ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const candidates: unknown[] = [];
  const evaluations: Evaluation[] = [];
  if (Array.isArray(value)) candidates.push(...value);
  else if (isObject(value) && Array.isArray(value.results)) {
    for (const [index, result] of value.results.entries()) {
      if (!isObject(result) || !("report" in result)) {
        throw new InputError("unreadable", "scan", `${file}: /results/${index} has no report`);
      }
      candidates.push(result.report);
      if (Array.isArray(result.evaluations))
        evaluations.push(...(result.evaluations as Evaluation[]));
    }
  } else candidates.push(value);

  if (candidates.length === 0) {
    throw new InputError("nothing-to-do", "scan", `${file} holds no scan report`);
  }
  const reports = candidates.map((candidate, index) => {
    const validation = validateScanReport(candidate);
    if (!validation.valid) {
      const issue = validation.issues[0];
      throw new InputError(
        "unreadable",
        "scan",
        `${file}: entry ${index} is not a ScanReport: ${issue?.pointer || "/"} ${issue?.message ?? ""}`.trim(),
      );
    }
    return validation.report;
  });
  return { reports, evaluations };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
