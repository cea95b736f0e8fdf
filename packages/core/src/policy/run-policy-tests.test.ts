import { afterEach, describe, expect, it } from "vitest";
import { sampleReport } from "../../test/support/sample-report.js";
import { runPolicyTests } from "./run-policy-tests.js";
import { readSampleReport, sampleReportNames } from "./sample-reports.js";
import { validateScanReport } from "../scan-report/validate.js";
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
      "c.case.json": { report: sampleReport(), expect: {} },
    });
    dirs.push(dir);
    const given = policyOf({
      "no-tls10": {
        severity: "error",
        title: "No TLS 1.0",
        schema: { properties: { protocols: { properties: { "TLSv1.0": { const: false } } } } },
      },
    });
    const run = runPolicyTests(
      [dir.path("a.case.json"), dir.path("b.case.json"), dir.path("c.case.json")],
      { policy: given },
    );
    expect(run.cases.map((c) => [c.ok, c.error])).toEqual([
      [true, null],
      [false, 'expect.no-tls10: "maybe" is not one of pass, fail, inconclusive, off'],
      [false, "/expect is empty: the case asserts nothing; name a rule and its status"],
    ]);
    expect(runPolicyTests(dir.path("a.case.json")).cases[0]?.error).toBe(
      "the case names no policy and none was given",
    );
  });

  it("merges a partial report over a named sample report, lists replaced", () => {
    const rc4 = {
      protocol: "TLSv1.2",
      code: "0x0005",
      iana: "TLS_RSA_WITH_RC4_128_SHA",
      openssl: "RC4-SHA",
      kex: "RSA",
      auth: "RSA",
      encryption: "RC4_128",
      bits: 128,
      mac: "SHA",
      aead: false,
      forwardSecrecy: false,
      export: false,
      strength: "insecure",
    };
    const withRc4 = {
      ...policy,
      rules: {
        ...policy.rules,
        "no-rc4": {
          severity: "error",
          title: "No RC4",
          schema: {
            properties: {
              cipherSuites: {
                items: { properties: { encryption: { not: { const: "RC4_128" } } } },
              },
            },
          },
        },
      },
    };
    const dir = tempDir({
      "policy.json": withRc4,
      "base-only.case.yaml":
        "base: mozilla-intermediate\nexpect: { no-tls10: pass, no-rc4: pass }\n",
      "tls10.case.yaml": [
        "base: mozilla-intermediate",
        "report: { protocols: { TLSv1.0: true } }",
        "expect: { no-tls10: fail, no-rc4: pass }",
        "",
      ].join("\n"),
      "rc4.case.json": {
        base: "mozilla-intermediate",
        report: { cipherSuites: [rc4] },
        expect: { "no-tls10": "pass", "no-rc4": "fail" },
      },
      "wrong.case.yaml":
        "base: mozilla-intermediate\nreport: { protocols: { TLSv1.0: true } }\nexpect: { no-tls10: pass }\n",
      "misspelt.case.yaml": "base: mozila-intermediate\nexpect: { no-tls10: pass }\n",
      "file-report.case.yaml": "base: legacy\nreport: ./r.json\nexpect: { no-tls10: fail }\n",
    });
    dirs.push(dir);
    const run = runPolicyTests(dir.path(""), { policy: dir.path("policy.json") });
    const byName = new Map(run.cases.map((c) => [c.name, c]));
    expect(byName.get("base-only")?.ok).toBe(true);
    expect(byName.get("tls10")?.ok).toBe(true);
    const rc4Case = byName.get("rc4");
    expect(rc4Case?.ok).toBe(true);
    // The list replaced the sample's: one suite, not the sample's with the first one changed.
    expect(rc4Case?.evaluation?.findings.map((f) => [f.ruleId, f.pointer, f.message])).toEqual([
      ["no-rc4", "/cipherSuites/0", "TLS_RSA_WITH_RC4_128_SHA (TLSv1.2) is not allowed"],
    ]);
    expect(byName.get("wrong")?.mismatches).toEqual([
      { ruleId: "no-tls10", expected: "pass", actual: "fail", messages: ["TLSv1.0 is enabled"] },
    ]);
    expect(byName.get("misspelt")?.error).toBe(
      'base: no sample report "mozila-intermediate" (did you mean mozilla-intermediate?); samples: legacy, mozilla-intermediate, mozilla-modern, mozilla-old (or a report file such as ./reports/x.json)',
    );
    expect(byName.get("file-report")?.error).toBe(
      "with base, report is the part that differs: an object, not a file",
    );
    expect([run.passed, run.failed]).toEqual([3, 3]);
  });

  it("ships sample reports that are valid ScanReports", () => {
    const names = sampleReportNames();
    expect(names).toEqual(["legacy", "mozilla-intermediate", "mozilla-modern", "mozilla-old"]);
    for (const name of names) expect(validateScanReport(readSampleReport(name)).issues).toEqual([]);
    expect(readSampleReport("nope")).toBeUndefined();
  });
});
