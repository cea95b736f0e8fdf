import { isAbsolute, relative } from "node:path";

export const POLICY_ERROR_CODES = [
  /** The file is not well-formed JSON or YAML. */
  "parse",
  /** The document does not match the policy schema, or a bare severity names an unknown rule. */
  "invalid",
  /** A rule's schema names a property path that the ScanReport does not have. */
  "unknown-path",
  /** An `extends` entry names no preset, file or installed package. */
  "extends-not-found",
  /** `extends` leads back to a document that is already being resolved. */
  "extends-cycle",
  /** A `pattern` could backtrack catastrophically, or is too long. */
  "unsafe-pattern",
  /** A rule's schema is not a valid JSON Schema under ajv's strict mode. */
  "schema",
] as const;
export type PolicyErrorCode = (typeof POLICY_ERROR_CODES)[number];

export interface PolicyErrorDetails {
  /** The policy file (or preset / package label) the error is in; null when not from a file. */
  file?: string | null;
  /** 1-based line and column of the offending text; null when unknown. */
  line?: number | null;
  column?: number | null;
  /** JSON pointer into the policy document, e.g. `/rules/no-tls10/schema`. */
  pointer?: string | null;
  cause?: unknown;
}

/**
 * A policy that cannot be loaded, resolved or compiled: bad input, reported with where it is.
 * `message` is the plain explanation; `toString()` prefixes `file:line:column pointer:`.
 */
export class PolicyError extends Error {
  override readonly name = "PolicyError" as const;
  readonly code: PolicyErrorCode;
  readonly file: string | null;
  readonly line: number | null;
  readonly column: number | null;
  readonly pointer: string | null;

  constructor(code: PolicyErrorCode, message: string, details: PolicyErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.file = details.file ?? null;
    this.line = details.line ?? null;
    this.column = details.column ?? null;
    this.pointer = details.pointer ?? null;
  }

  /** Where the error is: `policies/acme.yaml:12:7 /rules/x/schema`, or "" when unknown. */
  get location(): string {
    let where = "";
    if (this.file !== null) {
      where = displayPath(this.file);
      if (this.line !== null)
        where += `:${this.line}${this.column === null ? "" : `:${this.column}`}`;
    }
    if (this.pointer !== null && this.pointer !== "") where += `${where ? " " : ""}${this.pointer}`;
    return where;
  }

  override toString(): string {
    const where = this.location;
    return where ? `${where}: ${this.message}` : this.message;
  }
}

/** A file path relative to the working directory when it lies below it. */
export function displayPath(file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(process.cwd(), file);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}
