import { TlsgateError } from "@tlsgate/core";

/** An input only the Action reads (`comment`) with a value it cannot use. */
export class UsageError extends TlsgateError<"usage"> {
  override readonly name = "UsageError" as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super("usage", message, options);
  }
}
