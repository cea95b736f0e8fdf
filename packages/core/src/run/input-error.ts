import { TlsgateError } from "../errors.js";

export const INPUT_ERROR_CODES = [
  /** Nothing to scan or judge: no targets, no reports. */
  "nothing-to-do",
  /** A file the run needs (targets file, CA bundle, saved report) cannot be read. */
  "unreadable",
  /** An output file cannot be written. */
  "unwritable",
  /** An option's value is not one the run accepts. */
  "invalid-option",
] as const;
export type InputErrorCode = (typeof INPUT_ERROR_CODES)[number];

/**
 * Input to a run that the caller must fix: a bad option value, an unreadable file, nothing to
 * do. `field` names the setting in neutral words ("timeout", "targets-file"), so the CLI and the
 * Action print the same line for the same mistake.
 */
export class InputError extends TlsgateError<InputErrorCode> {
  override readonly name = "InputError" as const;
  /** The setting, as in action.yml and the long CLI flag without dashes; null for none. */
  readonly field: string | null;

  constructor(
    code: InputErrorCode,
    field: string | null,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, field === null ? message : `${field}: ${message}`, options);
    this.field = field;
  }
}
