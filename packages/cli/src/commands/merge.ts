import { resolve } from "node:path";
import type { Command } from "commander";
import type { Evaluation, ScanReport } from "@tlsgate/core";
import type { ExitCode } from "../exit-codes.js";
import type { Io } from "../io.js";
import { CLI_VERSION } from "../version.js";

/**
 * `tlsgate merge shard-*.json`: one JSON result from the shards of a matrix run. A target that
 * appears in two shards is an error: shards must not overlap.
 */
export function registerMergeCommand(
  program: Command,
  io: Io,
  _setExitCode: (code: ExitCode) => void,
): void {
  program
    .command("merge")
    .description("Combine the JSON results of sharded scans into one.")
    .argument("<files...>", "tlsgate JSON results or saved ScanReports")
    .addHelpText(
      "after",
      [
        "",
        "Example:",
        "  $ tlsgate merge shards/*.json > tlsgate.json",
        "  $ tlsgate check --scan tlsgate.json --format markdown",
      ].join("\n"),
    )
    .action(async (files: string[]) => {
      const { InputError, formatJson, readSavedResults } = await import("@tlsgate/core");
      const reports: ScanReport[] = [];
      const evaluations: Evaluation[] = [];
      const seen = new Map<string, string>();
      for (const file of files) {
        const saved = readSavedResults(resolve(io.cwd, file));
        for (const report of saved.reports) {
          const previous = seen.get(report.target.input);
          if (previous !== undefined) {
            throw new InputError(
              "invalid-option",
              "merge",
              `target ${report.target.input} is in both ${previous} and ${file}: shards must not overlap`,
            );
          }
          seen.set(report.target.input, file);
          reports.push(report);
        }
        evaluations.push(...saved.evaluations);
      }
      io.stdout(formatJson(evaluations, reports, { toolVersion: CLI_VERSION }));
    });
}
