/** The reporters' names alone, light enough for help text and option parsing. */
export const REPORT_FORMATS = [
  "text",
  "json",
  "markdown",
  "sarif",
  "junit",
  "ndjson",
  "html",
] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}
