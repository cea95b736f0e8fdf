import { Command, CommanderError } from "commander";
// Only the light settings here: each command loads what it runs when it runs (fast --version).
import { TlsgateError, escapeControlCharacters } from "@tlsgate/core/settings";
import { registerCheckCommand } from "./commands/check.js";
import { registerDemoCommand } from "./commands/demo.js";
import { registerDiffCommand } from "./commands/lifecycle.js";
import { registerInitCommand } from "./commands/init.js";
import { registerMergeCommand } from "./commands/merge.js";
import { registerPolicyCommand } from "./commands/policy.js";
import { registerRegistryCommand } from "./commands/registry.js";
import { registerScanCommand } from "./commands/scan.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import { processIo, type Io } from "./io.js";
import { CLI_VERSION } from "./version.js";

export type { Io } from "./io.js";

/** Runs the CLI with `argv` (without node and script) and resolves to the process exit code. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<ExitCode> {
  // --debug is read wherever it stands (before or after the command), like TLSGATE_DEBUG=1.
  const debug = argv.includes("--debug") || io.env.TLSGATE_DEBUG === "1";
  argv = argv.filter((arg) => arg !== "--debug");
  const program = new Command("tlsgate")
    .description("TLS policy-as-code: scan TLS endpoints and gate them on versioned policies.")
    .version(CLI_VERSION, "-v, --version")
    .option("--debug", "print the stack of an internal error")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError()
    .addHelpText(
      "after",
      "\nExamples:\n  $ tlsgate demo\n  $ tlsgate scan example.com --policy modern\n  $ tlsgate check --scan scan.json --policy ./tls-policy.yaml",
    );

  let exitCode: ExitCode = EXIT.pass;
  const setExitCode = (code: ExitCode): void => {
    exitCode = code;
  };
  for (const register of [
    registerScanCommand,
    registerCheckCommand,
    registerPolicyCommand,
    registerMergeCommand,
    registerDiffCommand,
    registerInitCommand,
    registerDemoCommand,
    registerRegistryCommand,
  ]) {
    register(program, io, setExitCode);
  }
  for (const command of program.commands) command.exitOverride();

  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through exitOverride with exit code 0.
      return error.exitCode === 0 ? EXIT.pass : EXIT.usage;
    }
    return exitCodeOfError(error, io, debug);
  }
  return exitCode;
}

/**
 * The one place the CLI turns an error into an exit code: tlsgate's own errors are bad input
 * (exit 2, one line per problem); anything else is a bug in tlsgate (exit 4, never a verdict's
 * code), in one line, with the stack only when asked for.
 */
function exitCodeOfError(error: unknown, io: Io, debug: boolean): ExitCode {
  if (error instanceof TlsgateError) {
    for (const line of error.toLines()) io.stderr(`tlsgate: ${escapeControlCharacters(line)}\n`);
    return EXIT.usage;
  }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  io.stderr(`tlsgate: internal error: ${oneLine(text)}\n`);
  if (debug && error instanceof Error && error.stack !== undefined) io.stderr(`${error.stack}\n`);
  else io.stderr("tlsgate: run again with --debug for the stack, and report it\n");
  return EXIT.internal;
}

function oneLine(text: string): string {
  return escapeControlCharacters(text.replace(/\s*[\r\n]+\s*/g, " ")).slice(0, 500);
}
