import { afterEach, describe, expect, it } from "vitest";
import { sampleReport } from "../../test/support/sample-report.js";
import { runPolicyTests } from "./run-policy-tests.js";
import { policyOf } from "../../test/support/policy.js";
import { tempDir } from "../../test/support/temp-dir.js";

const dirs: { remove(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

const policy = {
  name: "acme/prod",
  version: "1.0.0",
  rules: {
    "no-tls10": {
      severity: "error",
      title: "No TLS 1.0",
      schema: { properties: { protocols: { properties: { "TLSv1.0": { const: false } } } } },
    },
    "ocsp-stapling": {
      severity: "off",
      title: "OCSP stapling",
      schema: { properties: { certificate: { properties: { ocspStapled: { const: true } } } } },
    },
  },
};

describe("runPolicyTests", () => {
  it("runs JSON and YAML cases from a folder and reports mismatches per case", () => {
    const dir = tempDir({
      "policy.json": policy,
      "reports/good.json": sampleReport(),
      "cases/good.case.json": {
        policy: "../policy.json",
        report: "../reports/good.json",
        expect: { "no-tls10": "pass", "ocsp-stapling": "off" },
      },
      "cases/tls10.case.yaml": [
        "name: TLS 1.0 enabled",
        "policy: ../policy.json",
        "report: ../reports/good.json",
        "overrides:",
        "  protocols: { TLSv1.0: true }",
        "expect:",
        "  no-tls10: fail",
        "",
      ].join("\n"),
      "cases/unknown.case.yml": [
        "policy: ../policy.json",
        "report: ../reports/good.json",
        "overrides:",
        "  protocols: { TLSv1.0: null }",
        "expect:",
        "  no-tls10: pass",
        "  no-such-rule: fail",
        "",
      ].join("\n"),
      "cases/broken.case.json": {
        policy: "../policy.json",
        report: "../reports/good.json",
        overrides: { protocols: { "TLSv1.0": "yes" } },
        expect: { "no-tls10": "fail" },
      },
      "cases/notes.md": "not a case",
    });
    dirs.push(dir);
    const run = runPolicyTests(dir.path("cases"));
    expect([run.passed, run.failed]).toEqual([2, 2]);
    expect(run.cases.map((c) => [c.name, c.ok])).toEqual([
      ["broken", false],
      ["good", true],
      ["TLS 1.0 enabled", true],
      ["unknown", false],
    ]);
    expect(run.cases[0]?.error).toBe(
      "the report is not a valid ScanReport: /protocols/TLSv1.0 must be boolean,null",
    );
    expect(run.cases[1]?.policy).toMatchObject({ name: "acme/prod", version: "1.0.0" });
    expect(run.cases[3]?.mismatches).toEqual([
      {
        ruleId: "no-tls10",
        expected: "pass",
        actual: "inconclusive",
        messages: ["TLSv1.0 support is unknown"],
      },
      { ruleId: "no-such-rule", expected: "fail", actual: "missing", messages: [] },
    ]);
  });

  it("runs cases that name no policy against the given one, and says when there is none", () => {
    const dir = tempDir({
      "a.case.json": { report: sampleReport(), expect: { "no-tls10": "pass" } },
      "b.case.json": { report: sampleReport(), expect: { "no-tls10": "maybe" } },
    });
    dirs.push(dir);
    const given = policyOf({
      "no-tls10": {
        severity: "error",
        title: "No TLS 1.0",
        schema: { properties: { protocols: { properties: { "TLSv1.0": { const: false } } } } },
      },
    });
    const run = runPolicyTests([dir.path("a.case.json"), dir.path("b.case.json")], {
      policy: given,
    });
    expect(run.cases.map((c) => [c.ok, c.error])).toEqual([
      [true, null],
      [false, 'expect.no-tls10: "maybe" is not one of pass, fail, inconclusive, off'],
    ]);
    expect(runPolicyTests(dir.path("a.case.json")).cases[0]?.error).toBe(
      "the case names no policy and none was given",
    );
  });
});
