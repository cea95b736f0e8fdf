import { resolve } from "node:path";
import type { Command } from "commander";
import { EXIT, type ExitCode } from "../exit-codes.js";
import type { Io } from "../io.js";
import { registerPolicyLifecycleCommands } from "./lifecycle.js";

/** `tlsgate policy validate (lint)|show|test`: work on policy files without scanning anything. */
export function registerPolicyCommand(
  program: Command,
  io: Io,
  setExitCode: (code: ExitCode) => void,
): void {
  const policy = program.command("policy").description("Validate, inspect and test policies.");

  policy
    .command("validate")
    .alias("lint")
    .description(
      "Load a policy with everything it extends, and lint it against the ScanReport schema (rule paths, values, patterns, message placeholders).",
    )
    .argument("<policy>", "policy file, preset name or package")
    .option(...ALLOW_POLICY_PATH)
    .addHelpText("after", "\nExample:\n  $ tlsgate policy validate ./tls-policy.yaml")
    .action(async (ref: string, flags: AllowFlags) => {
      const { loadNamedPolicy } = await import("@tlsgate/core");
      const resolved = loadNamedPolicy(ref, io.cwd, allowOf(flags, io.cwd));
      const rules = Object.values(resolved.rules).filter((rule) => rule.severity !== "off").length;
      io.stdout(
        `${ref}: valid — ${resolved.name}@${resolved.version}, ${rules} rules, sha256 ${resolved.sha256}\n`,
      );
    });

  policy
    .command("show")
    .description("Print a policy resolved: every rule after `extends` and overrides, as JSON.")
    .argument("<policy>", "preset name, policy file or package")
    .option(...ALLOW_POLICY_PATH)
    .addHelpText(
      "after",
      "\nExamples:\n  $ tlsgate policy show intermediate\n  $ tlsgate policy show ./tls-policy.yaml | jq '.rules | keys'",
    )
    .action(async (ref: string, flags: AllowFlags) => {
      const { loadNamedPolicy } = await import("@tlsgate/core");
      io.stdout(
        `${JSON.stringify(loadNamedPolicy(ref, io.cwd, allowOf(flags, io.cwd)), null, 2)}\n`,
      );
    });

  policy
    .command("test")
    .description(
      "Run policy test cases: *.case.json/yaml files of {report or base + report, expect: {ruleId: status}}.",
    )
    .argument("<dir>", "folder of cases")
    .option("-p, --policy <policy>", "policy for cases that do not name one")
    .option(...ALLOW_POLICY_PATH)
    .addHelpText(
      "after",
      [
        "",
        "A case in a few lines: a report file or a sample report shipped with tlsgate as base",
        // The samples in @tlsgate/core/samples (authoring.test.ts holds this list to them).
        "(legacy, mozilla-intermediate, mozilla-modern, mozilla-old), and only what differs:",
        "",
        "  # cases/tls10.case.yaml",
        "  base: mozilla-intermediate",
        "  report: { protocols: { TLSv1.0: true } }",
        "  expect: { tls-versions: fail }",
        "",
        "Example:",
        "  $ tlsgate policy test policies/cases --policy ./tls-policy.yaml",
      ].join("\n"),
    )
    .action(async (dir: string, flags: { policy?: string } & AllowFlags) => {
      const { runPolicyTests } = await import("@tlsgate/core");
      const run = runPolicyTests(resolve(io.cwd, dir), {
        ...(flags.policy === undefined ? {} : { policy: flags.policy }),
        cwd: io.cwd,
        ...allowOf(flags, io.cwd),
      });
      for (const result of run.cases) {
        io.stdout(`${result.ok ? "ok  " : "FAIL"}  ${result.name}\n`);
        if (result.error !== null) io.stdout(`      ${result.error}\n`);
        for (const mismatch of result.mismatches) {
          const why = mismatch.messages.length > 0 ? ` (${mismatch.messages.join("; ")})` : "";
          io.stdout(
            `      ${mismatch.ruleId}: expected ${mismatch.expected}, got ${mismatch.actual}${why}\n`,
          );
        }
      }
      io.stdout(`${run.passed} passed, ${run.failed} failed\n`);
      if (run.cases.length === 0) {
        io.stderr(`tlsgate: no *.case.json or *.case.yaml files in ${dir}\n`);
        setExitCode(EXIT.usage);
        return;
      }
      setExitCode(run.failed === 0 ? EXIT.pass : EXIT.policyViolation);
    });

  registerPolicyLifecycleCommands(policy, io, setExitCode);
}

interface AllowFlags {
  allowPolicyPath: string[];
}

const ALLOW_POLICY_PATH = [
  "--allow-policy-path <dir>",
  "a folder outside the policy's repository that extends may read (repeatable)",
  (value: string, previous: string[]) => [...previous, value],
  [] as string[],
] as const;

function allowOf(flags: AllowFlags, cwd: string): { allowPaths: string[] } {
  return { allowPaths: flags.allowPolicyPath.map((dir) => resolve(cwd, dir)) };
}
