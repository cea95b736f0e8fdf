/** The output formats and where each goes: stdout for `--format`, files for `--output FMT=PATH`. */
import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import {
  InputError,
  REPORT_FORMATS,
  formatNdjsonGate,
  formatNdjsonResult,
  formatResults,
  isReportFormat,
  repositoryRoot,
  type Evaluation,
  type GateOptions,
  type ReportFormat,
  type RunGate,
  type ScanReport,
  type TargetResult,
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

/** Whether every output streams, so that the run need not keep its reports. */
export function onlyStreamed(outputs: readonly OutputSpec[]): boolean {
  return outputs.every((output) => output.format === "ndjson");
}

/**
 * The ndjson outputs, written a line at a time as targets are judged, then the gate line. `close`
 * without `finish` (a run that failed) leaves the streams without a gate line: a reader must
 * treat a stream without one as incomplete.
 */
export function openStreams(
  outputs: readonly OutputSpec[],
  stdout: (text: string) => void,
  stdoutReady?: () => Promise<void>,
): {
  /** Writes a result's line; on stdout, resolves once stdout can take the next (see Io). */
  onResult: (result: TargetResult) => Promise<void> | undefined;
  finish: (gate: RunGate, options: GateOptions) => void;
  close: () => void;
} {
  const writers = outputs
    .filter((output) => output.format === "ndjson")
    .map((output) => {
      if (output.path === null) return { write: stdout, close: () => {} };
      const fd = openSync(output.path, "w");
      return { write: (text: string) => void writeSync(fd, text), close: () => closeSync(fd) };
    });
  const toStdout = outputs.some((output) => output.format === "ndjson" && output.path === null);
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    for (const writer of writers) writer.close();
  };
  return {
    onResult: ({ report, evaluation }) => {
      const line = formatNdjsonResult(report, [evaluation]);
      for (const writer of writers) writer.write(line);
      // Files are written synchronously; only stdout can fall behind.
      return toStdout ? stdoutReady?.() : undefined;
    },
    finish: (gate, options) => {
      const line = formatNdjsonGate(gate, { gate: options, toolVersion: CLI_VERSION });
      for (const writer of writers) writer.write(line);
      close();
    },
    close,
  };
}

/**
 * `--format` on stdout and each `--output` to its file (checked writable by planRun); ndjson
 * outputs were streamed already.
 */
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
    if (output.format === "ndjson") continue;
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
