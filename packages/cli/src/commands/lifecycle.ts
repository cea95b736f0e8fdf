/**
 * The policy lifecycle commands: `policy diff` and `policy impact` (under `tlsgate policy`) and
 * `tlsgate diff` (drift between two saved scans). Thin: core compares, this reads and prints.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import type { FailOn, ScanReport } from "@tlsgate/core";
import { FAIL_ON, InputError } from "@tlsgate/core/settings";
import { EXIT, type ExitCode } from "../exit-codes.js";
import type { Io } from "../io.js";

/** Core itself loads when a command runs, not for `--help` or `--version`. */
const loadCore = () => import("@tlsgate/core");

const FORMATS = ["text", "markdown", "json"] as const;
type Format = (typeof FORMATS)[number];

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function formatOf(value: string): Format {
  if ((FORMATS as readonly string[]).includes(value)) return value as Format;
  throw new InputError(
    "invalid-option",
    "format",
    `expected one of ${FORMATS.join(", ")}, got ${JSON.stringify(value)}`,
  );
}

function allowOf(dirs: readonly string[], cwd: string): { allowPaths: string[] } {
  return { allowPaths: dirs.map((dir) => resolve(cwd, dir)) };
}

/** Reports of saved scans, through the one loader of saved results. */
async function readReports(files: readonly string[], cwd: string): Promise<ScanReport[]> {
  const { readSavedResults } = await loadCore();
  return files.flatMap((file) => readSavedResults(resolve(cwd, file), file).reports);
}

interface DiffFlags {
  format: string;
  allowPolicyPath: string[];
}

interface ImpactFlags extends DiffFlags {
  scan: string[];
  failOn?: string;
  inconclusive?: string;
  now?: string;
  ca: string[];
  config?: string;
}

/** `tlsgate policy diff` and `tlsgate policy impact`. */
export function registerPolicyLifecycleCommands(
  policy: Command,
  io: Io,
  setExitCode: (code: ExitCode) => void,
): void {
  policy
    .command("diff")
    .description(
      "Compare two versions of a policy after resolving extends: rules added, removed and changed, waivers.",
    )
    .argument("<old>", "policy file, preset, package or git:REF:path")
    .argument("<new>", "policy file, preset, package or git:REF:path")
    .option("-f, --format <format>", "text, markdown or json", "text")
    .option(
      "--allow-policy-path <dir>",
      "a folder outside the policy's repository that extends may read (repeatable)",
      collect,
      [],
    )
    .addHelpText(
      "after",
      "\nExamples:\n  $ tlsgate policy diff git:origin/main:tls-policy.yaml tls-policy.yaml\n  $ tlsgate policy diff intermediate modern --format markdown",
    )
    .action(async (oldRef: string, newRef: string, flags: DiffFlags) => {
      const format = formatOf(flags.format);
      const {
        diffPolicies,
        formatPolicyDiffJson,
        formatPolicyDiffMarkdown,
        formatPolicyDiffText,
        loadPolicyRef,
      } = await loadCore();
      const options = allowOf(flags.allowPolicyPath, io.cwd);
      const diff = diffPolicies(
        loadPolicyRef(oldRef, io.cwd, options),
        loadPolicyRef(newRef, io.cwd, options),
      );
      const write = {
        text: formatPolicyDiffText,
        markdown: formatPolicyDiffMarkdown,
        json: formatPolicyDiffJson,
      };
      io.stdout(write[format](diff));
      setExitCode(EXIT.pass);
    });

  policy
    .command("impact")
    .description(
      "Evaluate two versions of a policy over the same scans: per target, rules that newly fail, newly pass or change severity. Exit 1 when a target newly fails the gate.",
    )
    .argument("<old>", "policy file, preset, package or git:REF:path")
    .argument("<new>", "policy file, preset, package or git:REF:path")
    .argument("[targets...]", "targets to scan once (instead of --scan)")
    .option("-s, --scan <file>", "a saved report or tlsgate JSON output (repeatable)", collect, [])
    .option("-f, --format <format>", "text, markdown or json", "text")
    .option(
      "--fail-on <severity>",
      `lowest severity that fails: ${FAIL_ON.join(", ")} (default: error)`,
    )
    .option("--inconclusive <how>", "how inconclusive findings gate: fail or pass (default: fail)")
    .option("--now <YYYY-MM-DD>", "the date waivers are judged at (default: today, UTC)")
    .option("--ca <file>", "extra trust anchors, PEM, when scanning (repeatable)", collect, [])
    .option("--config <file>", "a tlsgate.config.json whose waivers apply under both versions")
    .option(
      "--allow-policy-path <dir>",
      "a folder outside the policy's repository that extends may read (repeatable)",
      collect,
      [],
    )
    .addHelpText(
      "after",
      "\nExamples:\n  $ tlsgate policy impact git:origin/main:tls-policy.yaml tls-policy.yaml --scan scans.json\n  $ tlsgate policy impact intermediate modern example.com:443",
    )
    .action(async (oldRef: string, newRef: string, targets: string[], flags: ImpactFlags) => {
      setExitCode(await impactCommand(oldRef, newRef, targets, flags, io));
    });
}

async function impactCommand(
  oldRef: string,
  newRef: string,
  targets: string[],
  flags: ImpactFlags,
  io: Io,
): Promise<ExitCode> {
  const format = formatOf(flags.format);
  const {
    checkRunWaivers,
    compilePolicy,
    formatImpactJson,
    formatImpactMarkdown,
    formatImpactText,
    loadConfig,
    loadPolicyRef,
    parseNow,
    policyImpact,
    runPlan,
  } = await loadCore();
  const failOn = flags.failOn ?? "error";
  if (!(FAIL_ON as readonly string[]).includes(failOn)) {
    throw new InputError(
      "invalid-option",
      "fail-on",
      `expected one of ${FAIL_ON.join(", ")}, got ${JSON.stringify(failOn)}`,
    );
  }
  const inconclusive = flags.inconclusive ?? "fail";
  if (inconclusive !== "fail" && inconclusive !== "pass") {
    throw new InputError(
      "invalid-option",
      "inconclusive",
      `expected fail or pass, got ${JSON.stringify(inconclusive)}`,
    );
  }
  const now = parseNow(flags.now) ?? new Date();
  if (targets.length > 0 && flags.scan.length > 0) {
    throw new InputError(
      "invalid-option",
      "scan",
      "saved reports and targets do not go together: judge one or scan the other",
    );
  }
  const options = allowOf(flags.allowPolicyPath, io.cwd);
  const before = compilePolicy(loadPolicyRef(oldRef, io.cwd, options));
  const after = compilePolicy(loadPolicyRef(newRef, io.cwd, options));
  const config = flags.config === undefined ? null : loadConfig(flags.config, io.cwd);
  // The waivers are judged as a run judges them, under either version, before any scan.
  const problems = checkRunWaivers([before, after], config, now);
  if (problems.length > 0) {
    const { reportProblems } = await import("../run-scan.js");
    reportProblems([], problems, io);
    return EXIT.usage;
  }
  let reports: ScanReport[];
  if (flags.scan.length > 0) reports = await readReports(flags.scan, io.cwd);
  else if (targets.length > 0) {
    const { planOrReport } = await import("../run-scan.js");
    // Scanned once through the one pipeline; its own evaluation (default policy) is not used.
    const plan = planOrReport({ cwd: io.cwd, targets, config: false, ca: flags.ca }, io);
    if (plan === null) return EXIT.usage;
    reports = (await runPlan(plan)).reports;
  } else {
    throw new InputError(
      "nothing-to-do",
      "scan",
      "no reports to judge: name saved reports with --scan, or targets to scan",
    );
  }
  const impact = policyImpact(before, after, reports, {
    gate: { failOn: failOn as FailOn, inconclusive },
    now,
    waivers: config?.waivers ?? [],
  });
  const write = { text: formatImpactText, markdown: formatImpactMarkdown, json: formatImpactJson };
  io.stdout(write[format](impact));
  return impact.newlyFailing > 0 ? EXIT.policyViolation : EXIT.pass;
}

/** `tlsgate diff OLD.json NEW.json`: what changed on each endpoint between two saved scans. */
export function registerDiffCommand(
  program: Command,
  io: Io,
  setExitCode: (code: ExitCode) => void,
): void {
  program
    .command("diff")
    .description(
      "Compare two saved scans of the same targets: protocols, suites, groups, preference, certificates, features. Exit 0 same, 1 changed, 2 error.",
    )
    .argument("<old>", "a saved report or tlsgate JSON output")
    .argument("<new>", "a saved report or tlsgate JSON output")
    .option("-f, --format <format>", "text, markdown or json", "text")
    .addHelpText(
      "after",
      "\nExample:\n  $ tlsgate scan --config tlsgate.config.json --format json > today.json\n  $ tlsgate diff yesterday.json today.json --format markdown",
    )
    .action(async (oldFile: string, newFile: string, flags: { format: string }) => {
      const format = formatOf(flags.format);
      const { diffScans, formatDriftJson, formatDriftMarkdown, formatDriftText } = await loadCore();
      const drift = diffScans(
        await readReports([oldFile], io.cwd),
        await readReports([newFile], io.cwd),
      );
      const write = { text: formatDriftText, markdown: formatDriftMarkdown, json: formatDriftJson };
      io.stdout(write[format](drift));
      setExitCode(drift.changed ? EXIT.policyViolation : EXIT.pass);
    });
}
