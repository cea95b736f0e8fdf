/** Why the test harness gave up. */
export const HARNESS_ERROR_CODES = [
  /** The caller asked for something the harness cannot do (bad option, unknown suite). */
  "bad-input",
  /** A command (openssl, gnutls-cli, …) could not be started, e.g. it is not installed. */
  "spawn-failed",
  /** A command ran but failed or printed something the harness cannot parse. */
  "command-failed",
  /** A server exited before it was ready, e.g. it rejected its configuration. */
  "server-exited",
  /** A server did not report that it listens within the start timeout. */
  "start-timeout",
  /** Every attempt to bind a free port collided with another listener. */
  "port-in-use",
] as const;
export type HarnessErrorCode = (typeof HARNESS_ERROR_CODES)[number];

/**
 * A failure of the test harness itself (never an outcome of the code under test). `output` holds
 * the tail of what the failing command printed, for diagnostics.
 */
export class HarnessError extends Error {
  override readonly name = "HarnessError";
  readonly code: HarnessErrorCode;
  readonly output: string;

  constructor(
    code: HarnessErrorCode,
    message: string,
    options?: { output?: string; cause?: unknown },
  ) {
    const output = options?.output ?? "";
    super(output === "" ? message : `${message}\n--- output ---\n${output}`, {
      cause: options?.cause,
    });
    this.code = code;
    this.output = output;
  }
}
