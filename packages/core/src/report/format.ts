/** Every reporter by name, for shells that let the user pick one (`--format`, `-o FMT=PATH`). */
import type { Evaluation } from "../policy/types.js";
import type { ScanReport } from "../scan-report/types.js";
import { formatHtml } from "./html.js";
import { formatJson } from "./json.js";
import { formatJunit } from "./junit.js";
import { formatMarkdown, type MarkdownOptions } from "./markdown.js";
import { formatNdjson } from "./ndjson.js";
import { formatSarif, type SarifOptions } from "./sarif.js";
import { formatText, type TextOptions } from "./text.js";

import type { ReportFormat } from "./format-names.js";

export { isReportFormat, REPORT_FORMATS, type ReportFormat } from "./format-names.js";

/** The options every reporter takes, plus those only some read (colour, SARIF location). */
export type AnyFormatOptions = TextOptions & MarkdownOptions & SarifOptions;

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
    case "html":
      return formatHtml(evaluations, reports, options);
  }
}
