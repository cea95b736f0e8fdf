import { TlsgateError } from "@tlsgate/core";

/**
 * A command line the CLI cannot use (a bad `--format`, overlapping shards). Like every
 * TlsgateError it is reported in one line by main.ts, with exit code 2.
 */
export class UsageError extends TlsgateError<"usage"> {
  override readonly name = "UsageError" as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super("usage", message, options);
  }
}
