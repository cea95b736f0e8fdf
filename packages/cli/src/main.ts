import { Command, CommanderError } from "commander";
import {
  CertificateError,
  ClientProfileError,
  ConfigError,
  PolicyError,
  TargetError,
} from "@tlsgate/core";
import { registerCheckCommand } from "./commands/check.js";
import { registerDemoCommand } from "./commands/demo.js";
import { registerInitCommand } from "./commands/init.js";
import { registerMergeCommand } from "./commands/merge.js";
import { registerPolicyCommand } from "./commands/policy.js";
import { registerRegistryCommand } from "./commands/registry.js";
import { registerScanCommand } from "./commands/scan.js";
import { UsageError } from "./errors.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import { processIo, type Io } from "./io.js";
import { CLI_VERSION } from "./version.js";

export type { Io } from "./io.js";

/** Runs the CLI with `argv` (without node and script) and resolves to the process exit code. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<ExitCode> {
  const program = new Command("tlsgate")
    .description("TLS policy-as-code: scan TLS endpoints and gate them on versioned policies.")
    .version(CLI_VERSION, "-v, --version")
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
    if (error instanceof PolicyError) {
      io.stderr(`tlsgate: policy error: ${error.toString()}\n`);
      return EXIT.usage;
    }
    if (
      error instanceof UsageError ||
      error instanceof TargetError ||
      error instanceof CertificateError ||
      error instanceof ClientProfileError ||
      error instanceof ConfigError
    ) {
      io.stderr(`tlsgate: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
  return exitCode;
}
