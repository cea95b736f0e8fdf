/** The output formats and where each goes: stdout for `--format`, files for `--output FMT=PATH`. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import {
  formatJson,
  formatJunit,
  formatMarkdown,
  formatSarif,
  formatText,
  type Evaluation,
  type GateOptions,
  type ScanReport,
} from "@tlsgate/core";
import { UsageError } from "./errors.js";
import { CLI_VERSION } from "./version.js";

export const FORMATS = ["text", "json", "markdown", "sarif", "junit"] as const;
export type Format = (typeof FORMATS)[number];

export interface OutputSpec {
  format: Format;
  /** null: stdout. */
  path: string | null;
}

export function parseFormat(value: string): Format {
  if ((FORMATS as readonly string[]).includes(value)) return value as Format;
  throw new UsageError(`unknown format "${value}" (expected ${FORMATS.join(", ")})`);
}

/** `json=report.json` → {format: "json", path: "report.json"}. */
export function parseOutput(value: string): OutputSpec {
  const match = /^([a-z]+)=(.+)$/.exec(value);
  if (match === null) {
    throw new UsageError(`--output wants FORMAT=PATH (e.g. sarif=tlsgate.sarif), got "${value}"`);
  }
  return { format: parseFormat(match[1]!), path: match[2]! };
}

export function render(
  format: Format,
  evaluations: readonly Evaluation[],
  reports: readonly ScanReport[],
  options: { gate: GateOptions; color: boolean },
): string {
  const common = { toolVersion: CLI_VERSION, gate: options.gate };
  switch (format) {
    case "text":
      return formatText(evaluations, reports, { ...common, color: options.color });
    case "json":
      return formatJson(evaluations, reports, common);
    case "markdown":
      return formatMarkdown(evaluations, reports, common);
    case "sarif":
      return formatSarif(evaluations, reports, common);
    case "junit":
      return formatJunit(evaluations, reports, common);
  }
}

export function writeOutputs(
  outputs: readonly OutputSpec[],
  evaluations: readonly Evaluation[],
  reports: readonly ScanReport[],
  options: { gate: GateOptions; color: boolean; stdout: (text: string) => void },
): void {
  for (const output of outputs) {
    if (output.path === null) {
      options.stdout(render(output.format, evaluations, reports, options));
      continue;
    }
    const text = render(output.format, evaluations, reports, { ...options, color: false });
    mkdirSync(dirname(output.path), { recursive: true });
    writeFileSync(output.path, text);
  }
}
