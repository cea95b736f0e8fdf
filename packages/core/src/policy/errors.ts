import { isAbsolute, relative } from "node:path";
import { TlsgateError } from "../errors.js";

export const POLICY_ERROR_CODES = [
  /** The file is not well-formed JSON or YAML. */
  "parse",
  /** The document does not match the policy schema, or a bare severity names an unknown rule. */
  "invalid",
  /** A rule's schema names a property path that the ScanReport does not have. */
  "unknown-path",
  /** An `extends` entry names no preset, file or installed package. */
  "extends-not-found",
  /** An `extends` file lies outside the policy's repository and every allowed folder. */
  "extends-outside",
  /** `extends` leads back to a document that is already being resolved. */
  "extends-cycle",
  /** A `pattern` the linear-time engine (RE2) cannot compile, or one that is too long. */
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

/** One problem in a policy, with where it is. */
export interface PolicyIssue {
  code: PolicyErrorCode;
  message: string;
  file: string | null;
  line: number | null;
  column: number | null;
  pointer: string | null;
}

/**
 * A policy that cannot be loaded, resolved or compiled: bad input, reported with where it is.
 * A loader that finds several problems throws once with all of them in `issues` (the first is
 * also the error's own code, message and position). `message` is the plain explanation of the
 * first; `toString()` gives one `file:line:column pointer: message` line per issue.
 */
export class PolicyError extends TlsgateError<PolicyErrorCode> {
  override readonly name = "PolicyError" as const;
  readonly file: string | null;
  readonly line: number | null;
  readonly column: number | null;
  readonly pointer: string | null;
  /** Every problem found, in document order; at least one. */
  readonly issues: readonly PolicyIssue[];

  constructor(code: PolicyErrorCode, message: string, details: PolicyErrorDetails = {}) {
    super(code, message, details);
    this.file = details.file ?? null;
    this.line = details.line ?? null;
    this.column = details.column ?? null;
    this.pointer = details.pointer ?? null;
    this.issues = [
      {
        code,
        message,
        file: this.file,
        line: this.line,
        column: this.column,
        pointer: this.pointer,
      },
    ];
  }

  /** One error for several problems (at least one); the first gives the error its code. */
  static of(issues: readonly [PolicyIssue, ...PolicyIssue[]], cause?: unknown): PolicyError {
    const [first] = issues;
    const error = new PolicyError(first.code, first.message, { ...first, cause });
    (error as { issues: readonly PolicyIssue[] }).issues = issues;
    return error;
  }

  /** Where the error is: `policies/acme.yaml:12:7 /rules/x/schema`, or "" when unknown. */
  get location(): string {
    return locationOf(this);
  }

  override toLines(): string[] {
    return this.issues.map((issue) => `policy error: ${formatPolicyIssue(issue)}`);
  }

  /** One line per issue: `file:line:column pointer: message`. */
  override toString(): string {
    return this.issues.map(formatPolicyIssue).join("\n");
  }
}

/** `policies/acme.yaml:12:7 /rules/x/schema: message`, or the message alone when unplaced. */
export function formatPolicyIssue(issue: PolicyIssue): string {
  const where = locationOf(issue);
  return where ? `${where}: ${issue.message}` : issue.message;
}

function locationOf(issue: Omit<PolicyIssue, "code" | "message">): string {
  let where = "";
  if (issue.file !== null) {
    where = displayPath(issue.file);
    if (issue.line !== null)
      where += `:${issue.line}${issue.column === null ? "" : `:${issue.column}`}`;
  }
  if (issue.pointer !== null && issue.pointer !== "")
    where += `${where ? " " : ""}${issue.pointer}`;
  return where;
}

/** A file path relative to the working directory when it lies below it. */
export function displayPath(file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(process.cwd(), file);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}
