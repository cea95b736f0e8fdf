/** The policy `scan` and `check` use when none is named. */
export const DEFAULT_POLICY = "intermediate";
