import { main } from "../src/main.js";
import type { ExitCode } from "../src/exit-codes.js";

export interface CliRun {
  code: ExitCode;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output, as a non-TTY would see it. */
export async function runCli(
  argv: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    stdoutIsTty: false,
    stderrIsTty: false,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
  });
  return { code, stdout, stderr };
}
