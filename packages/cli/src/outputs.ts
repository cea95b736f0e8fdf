/** The output formats and where each goes: stdout for `--format`, files for `--output FMT=PATH`. */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  InputError,
  REPORT_FORMATS,
  formatResults,
  isReportFormat,
  repositoryRoot,
  type Evaluation,
  type GateOptions,
  type ReportFormat,
  type ScanReport,
} from "@tlsgate/core";
import { CLI_VERSION } from "./version.js";

export interface OutputSpec {
  format: ReportFormat;
  /** null: stdout. */
  path: string | null;
}

export function parseFormat(value: string): ReportFormat {
  if (isReportFormat(value)) return value;
  throw new InputError(
    "invalid-option",
    "format",
    `unknown format "${value}" (expected ${REPORT_FORMATS.join(", ")})`,
  );
}

/** `json=report.json` → {format: "json", path: "report.json"}. */
export function parseOutput(value: string): OutputSpec {
  const match = /^([a-z]+)=(.+)$/.exec(value);
  if (match === null) {
    throw new InputError(
      "invalid-option",
      "output",
      `expected FORMAT=PATH (e.g. sarif=tlsgate.sarif), got "${value}"`,
    );
  }
  return { format: parseFormat(match[1]!), path: match[2]! };
}

/** `--format FMT` for stdout and every `--output FMT=PATH` (relative to `cwd`). */
export function outputSpecs(format: string, outputs: readonly string[], cwd: string): OutputSpec[] {
  return [
    { format: parseFormat(format), path: null },
    ...outputs.map(parseOutput).map((o) => ({ ...o, path: resolve(cwd, o.path!) })),
  ];
}

/** `--format` on stdout and each `--output` to its file (checked writable by planRun). */
export function writeOutputs(
  outputs: readonly OutputSpec[],
  evaluations: readonly Evaluation[],
  reports: readonly ScanReport[],
  options: {
    gate: GateOptions;
    color: boolean;
    stdout: (text: string) => void;
    /** Where SARIF locations are relative to: the repository holding the working folder. */
    cwd: string;
    details?: boolean;
    sarifCategory?: string;
  },
): void {
  const root = repositoryRoot(options.cwd) ?? options.cwd;
  for (const output of outputs) {
    const color = output.path === null && options.color;
    const text = formatResults(output.format, evaluations, reports, {
      toolVersion: CLI_VERSION,
      gate: options.gate,
      color,
      root,
      ...(options.details === undefined ? {} : { details: options.details }),
      ...(options.sarifCategory === undefined ? {} : { category: options.sarifCategory }),
    });
    if (output.path === null) options.stdout(text);
    else writeFileSync(output.path, text);
  }
}
