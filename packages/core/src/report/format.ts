/** Every reporter by name, for shells that let the user pick one (`--format`, `-o FMT=PATH`). */
import type { Evaluation } from "../policy/types.js";
import type { ScanReport } from "../scan-report/types.js";
import { formatJson } from "./json.js";
import { formatJunit } from "./junit.js";
import { formatMarkdown } from "./markdown.js";
import { formatNdjson } from "./ndjson.js";
import { formatSarif, type SarifOptions } from "./sarif.js";
import { formatText, type TextOptions } from "./text.js";

export const REPORT_FORMATS = ["text", "json", "markdown", "sarif", "junit", "ndjson"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}

/** The options every reporter takes, plus those only some read (colour, SARIF location). */
export type AnyFormatOptions = TextOptions & SarifOptions;

export function formatResults(
  format: ReportFormat,
  evaluations: readonly Evaluation[],
  reports: readonly ScanReport[],
  options: AnyFormatOptions = {},
): string {
  switch (format) {
    case "text":
      return formatText(evaluations, reports, options);
    case "json":
      return formatJson(evaluations, reports, options);
    case "markdown":
      return formatMarkdown(evaluations, reports, options);
    case "sarif":
      return formatSarif(evaluations, reports, options);
    case "junit":
      return formatJunit(evaluations, reports, options);
    case "ndjson":
      return formatNdjson(evaluations, reports, options);
  }
}
