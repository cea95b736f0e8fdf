// Runs the data-driven preset cases (cases/<preset>/*.case.json) through core's policy test
// runner, the same one `tlsgate policy test` uses. A case names the rules that do not pass; this
// test also requires every rule it does not name to pass, so that a single deviation fails
// exactly the rules it breaks, and that every rule of a preset passes, fails and is inconclusive
// in some case.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runPolicyTests, validateScanReport } from "@tlsgate/core";
import { ruleStatuses } from "@tlsgate/core/policy";
import type { ExpectedStatus, FindingStatus, PolicyCaseResult } from "@tlsgate/core";
import { PRESET_NAMES } from "@tlsgate/policies";
import { PRESET_TESTS_DIR, ownRules } from "./support.js";

const CASES_DIR = join(PRESET_TESTS_DIR, "cases");
const REPORTS_DIR = join(PRESET_TESTS_DIR, "reports");

interface CaseFile {
  name: string;
  policy: string;
  report: string;
  expect: Record<string, ExpectedStatus>;
}

const readCase = (file: string): CaseFile => JSON.parse(readFileSync(file, "utf8")) as CaseFile;

describe("base reports", () => {
  const files = readdirSync(REPORTS_DIR).filter((f) => f.endsWith(".json"));

  it("exist for each Mozilla level, built by hand and captured from a real server", () => {
    expect(files.sort()).toEqual([
      "captured-compatible.json",
      "captured-intermediate.json",
      "captured-modern.json",
      "compatible.json",
      "intermediate.json",
      "modern.json",
    ]);
  });

  it.each(files)("%s is a valid ScanReport", (file) => {
    const validation = validateScanReport(
      JSON.parse(readFileSync(join(REPORTS_DIR, file), "utf8")),
    );
    expect(validation.issues).toEqual([]);
    expect(validation.valid).toBe(true);
  });
});

it("has a folder of cases for every preset and no other", () => {
  expect(readdirSync(CASES_DIR).sort()).toEqual([...PRESET_NAMES]);
});

describe.each(PRESET_NAMES)("%s", (preset) => {
  const run = runPolicyTests(join(CASES_DIR, preset));
  const statuses = new Map<PolicyCaseResult, Record<string, FindingStatus>>(
    run.cases.map((result) => [
      result,
      result.evaluation === null ? {} : ruleStatuses(result.evaluation),
    ]),
  );

  it("has cases", () => {
    expect(run.cases.length).toBeGreaterThan(1);
  });

  it.each(run.cases.map((result) => [result.name, result] as const))("%s", (_, result) => {
    const testCase = readCase(result.file);
    expect(testCase.policy, "a case names the preset of its folder").toBe(preset);
    expect(result.error).toBeNull();
    expect(result.policy?.name).toBe(`tlsgate/${preset}`);
    expect(result.mismatches).toEqual([]);
    const unexpected = Object.entries(statuses.get(result) ?? {}).filter(
      ([ruleId, status]) => !(ruleId in testCase.expect) && status !== "pass",
    );
    expect(unexpected, "rules the case does not name must pass").toEqual([]);
  });

  it("has a case where every rule passes", () => {
    const all = run.cases.filter((result) => {
      const byRule = Object.values(statuses.get(result) ?? {});
      return byRule.length > 0 && byRule.every((status) => status === "pass");
    });
    expect(all.map((result) => result.name)).not.toEqual([]);
  });

  // Rules a preset inherits are the extended preset's (load.test.ts holds them equal), so its
  // cases cover them; each preset's cases cover the rules it defines itself.
  it.each(Object.keys(ownRules(preset)))(
    "%s passes, fails and is inconclusive in some case",
    (id) => {
      const seen = new Set(run.cases.map((result) => statuses.get(result)?.[id]));
      expect([...seen].filter((s) => s !== undefined).sort()).toEqual([
        "fail",
        "inconclusive",
        "pass",
      ]);
    },
  );
});
