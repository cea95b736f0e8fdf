import { resolve } from "node:path";
import { Option, type Command } from "commander";
import { FAIL_ON, PolicyCache, evaluate, type FailOn } from "@tlsgate/core";
import type { ExitCode } from "../exit-codes.js";
import { exitCodeOf } from "../gate.js";
import type { Io } from "../io.js";
import { parseFormat, parseOutput, writeOutputs } from "../outputs.js";
import { DEFAULT_POLICY } from "../policies.js";
import { readSavedResults } from "../reports-input.js";
import { detectTerminal } from "../terminal.js";

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `tlsgate check --scan report.json`: evaluate saved reports offline, no network. */
export function registerCheckCommand(
  program: Command,
  io: Io,
  setExitCode: (code: ExitCode) => void,
): void {
  program
    .command("check")
    .description("Evaluate saved scan reports against a policy, offline.")
    .requiredOption(
      "-s, --scan <file>",
      "a saved report or tlsgate JSON output (repeatable)",
      collect,
      [],
    )
    .option("-p, --policy <name|file>", "preset name or policy file", DEFAULT_POLICY)
    .option("-f, --format <format>", "stdout format: text, json, markdown, sarif, junit", "text")
    .option("-o, --output <format=path>", "also write a format to a file (repeatable)", collect, [])
    .addOption(
      new Option("--fail-on <severity>", "lowest severity that fails")
        .choices(FAIL_ON)
        .default("error"),
    )
    .addOption(
      new Option("--inconclusive <how>", "how inconclusive findings gate")
        .choices(["fail", "pass"])
        .default("fail"),
    )
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ tlsgate scan example.com --format json > scan.json",
        "  $ tlsgate check --scan scan.json --policy modern",
        "  $ tlsgate check --scan shard-1.json --scan shard-2.json --policy ./prod.yaml --format sarif",
      ].join("\n"),
    )
    .action(
      (flags: {
        scan: string[];
        policy: string;
        format: string;
        output: string[];
        failOn: FailOn;
        inconclusive: "fail" | "pass";
      }) => {
        const reports = flags.scan.flatMap(
          (file) => readSavedResults(resolve(io.cwd, file)).reports,
        );
        const compiled = new PolicyCache().get(flags.policy, io.cwd);
        const evaluations = reports.map((report) => evaluate(compiled, report));
        const gate = { failOn: flags.failOn, inconclusive: flags.inconclusive };
        const outputs = [
          { format: parseFormat(flags.format), path: null },
          ...flags.output.map(parseOutput).map((o) => ({ ...o, path: resolve(io.cwd, o.path!) })),
        ];
        writeOutputs(outputs, evaluations, reports, {
          gate,
          color: detectTerminal(io.env, io).color,
          stdout: io.stdout,
        });
        setExitCode(exitCodeOf(evaluations, reports, gate));
      },
    );
}
