// The public API of the reporters: pure functions (evaluations, reports, options) → string.
export { formatJson, toJsonResult } from "./json.js";
export type { JsonOptions, JsonResult } from "./json.js";
export { formatJunit } from "./junit.js";
export { formatMarkdown } from "./markdown.js";
export { htmlText, markdownCode, markdownText } from "./markdown-escape.js";
export type { MarkdownOptions } from "./markdown.js";
export { RESULT_SCHEMA_ID, resultSchema } from "./result-schema.js";
export { formatSarif } from "./sarif.js";
export type { SarifOptions } from "./sarif.js";
export type { FormatOptions } from "./format-options.js";
export { formatText } from "./text.js";
export type { TextOptions } from "./text.js";
export { REPORT_FORMATS, formatResults, isReportFormat } from "./format.js";
export type { AnyFormatOptions, ReportFormat } from "./format.js";
export { formatNdjson, formatNdjsonGate, formatNdjsonResult } from "./ndjson.js";
