/** Colour and progress decisions, made once from the environment and the streams. */
export interface Terminal {
  /** ANSI colour on stdout. */
  color: boolean;
  /** Live progress on stderr. */
  progress: boolean;
}

export function detectTerminal(
  env: NodeJS.ProcessEnv,
  streams: { stdoutIsTty: boolean; stderrIsTty: boolean },
  options: { progress?: boolean } = {},
): Terminal {
  // https://no-color.org: any non-empty NO_COLOR disables colour; FORCE_COLOR=0 does too.
  const force = env.FORCE_COLOR;
  let color = streams.stdoutIsTty;
  if (force !== undefined) color = force !== "0" && force !== "false";
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") color = false;
  const progress = options.progress !== false && streams.stderrIsTty && env.CI !== "true";
  return { color, progress };
}
