/**
 * `@tlsgate/core/settings`: what a shell needs before it does anything (help, `--version`,
 * option defaults, turning an error into an exit code), without loading the scanner, ajv or the
 * presets. Everything here is also exported by `@tlsgate/core`; the classes are the same ones.
 */
export { CONFIG_FILE, CONFIG_SCHEMA_ID } from "./config/names.js";
export { escapeControlCharacters } from "./control-characters.js";
export { TlsgateError } from "./errors.js";
export { FAIL_ON } from "./policy/types.js";
export type { FailOn } from "./policy/types.js";
export { InputError } from "./run/input-error.js";
export { RUN_DEFAULTS, RUN_LIMITS } from "./run/defaults.js";
export { REPORT_FORMATS } from "./report/format-names.js";
export type { ReportFormat } from "./report/format-names.js";
