/**
 * The one error family of tlsgate. Expected outcomes (alerts, timeouts, policy failures) are data
 * in reports and evaluations; a TlsgateError is bad input the caller must fix, or a decoder
 * refusing bytes. Every subclass has a literal `name`, a string-union `code` and its own context
 * fields; only the CLI and the Action turn them into exit codes or a failed step.
 */
export class TlsgateError<Code extends string = string> extends Error {
  override readonly name: string = "TlsgateError";
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  /** What a person reads: one line per problem, without the program's name. */
  toLines(): string[] {
    return [this.message];
  }
}

/** Whether `error` is one of tlsgate's own errors (and so carries a user-facing message). */
export function isTlsgateError(error: unknown): error is TlsgateError {
  return error instanceof TlsgateError;
}
