import { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { upgradeScanReport } from "../report/upgrade.js";
import { scanReportSchema } from "./schema.js";
import type { ScanReport } from "./types.js";

const addFormats = addFormatsModule.default;

/** One way a document differs from the ScanReport schema. */
export interface ScanReportIssue {
  /** JSON pointer into the document ("" for the whole document). */
  pointer: string;
  message: string;
}

export type ScanReportValidation =
  { valid: true; report: ScanReport; issues: [] } | { valid: false; issues: ScanReportIssue[] };

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled === undefined) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(ajv, ["date-time"]);
    compiled = ajv.compile(scanReportSchema);
  }
  return compiled;
}

/** Plain-language text for one ajv error against the ScanReport schema. */
function describe(error: ErrorObject): ScanReportIssue {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "required") {
    return {
      pointer: `${error.instancePath}/${String(params.missingProperty)}`,
      message: `missing property ${String(params.missingProperty)}`,
    };
  }
  if (error.keyword === "additionalProperties") {
    return {
      pointer: `${error.instancePath}/${String(params.additionalProperty)}`,
      message: `${String(params.additionalProperty)} is not a ScanReport field`,
    };
  }
  return { pointer: error.instancePath, message: error.message ?? error.keyword };
}

/**
 * Checks that a value is a ScanReport of the current schema version, after bringing a saved
 * report of an older version up to it (report/upgrade.ts): `report` is the upgraded copy, so
 * callers use it, not their input. Invalid input is data, not an exception: the result lists
 * every issue with its JSON pointer.
 */
export function validateScanReport(input: unknown): ScanReportValidation {
  const validate = validator();
  const value = upgradeScanReport(input);
  if (validate(value)) return { valid: true, report: value as ScanReport, issues: [] };
  const seen = new Set<string>();
  const issues: ScanReportIssue[] = [];
  for (const error of validate.errors ?? []) {
    const issue = describe(error);
    const key = `${issue.pointer}\u0000${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return { valid: false, issues };
}
