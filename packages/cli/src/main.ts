import { Command, CommanderError } from "commander";
import { EXIT, type ExitCode } from "./exit-codes.js";
import { registerRegistryCommand } from "./commands/registry.js";
import { CLI_VERSION } from "./version.js";

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Runs the CLI with `argv` (without node and script) and resolves to the process exit code. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<ExitCode> {
  const program = new Command("tlsgate")
    .description("TLS policy-as-code: scan TLS endpoints and gate them on versioned policies.")
    .version(CLI_VERSION, "-v, --version")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError();

  let exitCode: ExitCode = EXIT.pass;
  registerRegistryCommand(program, io, (code) => (exitCode = code));

  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through exitOverride with exit code 0.
      return error.exitCode === 0 ? EXIT.pass : EXIT.usage;
    }
    throw error;
  }
  return exitCode;
}
