/**
 * A usage or configuration error the CLI reports in one line and exits 2 for. Only the CLI turns
 * errors into exit codes; core's errors (PolicyError, TargetError) are mapped in main.ts.
 */
export class UsageError extends Error {
  override readonly name = "UsageError" as const;
}
