import type { Command } from "commander";
import { FAIL_ON, REPORT_FORMATS, RUN_DEFAULTS } from "@tlsgate/core/settings";
import type { ExitCode } from "../exit-codes.js";
import type { Io } from "../io.js";
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
    .option("-s, --scan <file>", "a saved report or tlsgate JSON output (repeatable)", collect, [])
    .option(
      "-p, --policy <name|file>",
      `preset name or policy file (default: ${RUN_DEFAULTS.policy})`,
    )
    .option("-f, --format <format>", `stdout format: ${REPORT_FORMATS.join(", ")}`, "text")
    .option("--details", "per-target details in text and Markdown even for many targets")
    .option("--no-details", "only the overview in text and Markdown, even for a few targets")
    .option("--sarif-category <name>", "SARIF run category (automationDetails.id), one per job")
    .option("-o, --output <format=path>", "also write a format to a file (repeatable)", collect, [])
    .option(
      "--fail-on <severity>",
      `lowest severity that fails: ${FAIL_ON.join(", ")} (default: error)`,
    )
    .option("--inconclusive <how>", "how inconclusive findings gate: fail or pass (default: fail)")
    .option(
      "--allow-policy-path <dir>",
      "a folder outside the policy's repository that extends may read (repeatable)",
      collect,
      [],
    )
    .option("-c, --config <file>", "configuration file for policy, gate defaults and waivers")
    .option("--now <YYYY-MM-DD>", "the date waivers are judged at (default: today, UTC)")
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
    .action(async (flags: CheckFlags) => {
      const [{ outputSpecs }, { runScan }] = await Promise.all([
        import("../outputs.js"),
        import("../run-scan.js"),
      ]);
      const outputs = outputSpecs(flags.format, flags.output, io.cwd);
      const { exitCode } = await runScan(
        {
          cwd: io.cwd,
          reports: flags.scan,
          policy: flags.policy ?? null,
          // Judging saved reports reads a config file only when one is named.
          config: flags.config ?? false,
          failOn: flags.failOn ?? null,
          inconclusive: flags.inconclusive ?? null,
          allowPolicyPaths: flags.allowPolicyPath,
          now: flags.now ?? null,
        },
        {
          outputs,
          color: detectTerminal(io.env, io).color,
          progress: false,
          io,
          ...(flags.details === undefined ? {} : { details: flags.details }),
          ...(flags.sarifCategory === undefined ? {} : { sarifCategory: flags.sarifCategory }),
        },
      );
      setExitCode(exitCode);
    });
}

interface CheckFlags {
  scan: string[];
  policy?: string;
  format: string;
  output: string[];
  failOn?: string;
  inconclusive?: string;
  allowPolicyPath: string[];
  config?: string;
  details?: boolean;
  sarifCategory?: string;
  now?: string;
}
