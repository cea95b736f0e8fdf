/** Process exit codes, documented in the README; only the CLI turns outcomes into these. */
export const EXIT = {
  pass: 0,
  policyViolation: 1,
  usage: 2,
  unscannable: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
