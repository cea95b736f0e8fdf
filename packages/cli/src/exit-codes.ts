import type { RunOutcome } from "@tlsgate/core";

/** Process exit codes, documented in the README; only the CLI turns outcomes into these. */
export const EXIT = {
  pass: 0,
  policyViolation: 1,
  usage: 2,
  unscannable: 3,
  /** A bug in tlsgate, not a verdict: one line on stderr, the stack with --debug. */
  internal: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code of a run's gate: core decides the outcome, this only numbers it. */
export function exitCodeFor(outcome: RunOutcome): ExitCode {
  switch (outcome) {
    case "pass":
      return EXIT.pass;
    case "violation":
      return EXIT.policyViolation;
    case "unscannable":
    case "inconclusive":
      return EXIT.unscannable;
  }
}
