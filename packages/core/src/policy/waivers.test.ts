import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { formatJson } from "../report/json.js";
import { formatSarif } from "../report/sarif.js";
import { resultSchema } from "../report/result-schema.js";
import { scanReportSchema } from "../scan-report/schema.js";
import { compiled, protocols } from "../../test/support/policy.js";
import { sampleReport } from "../../test/support/sample-report.js";
import { evaluate, ruleStatuses } from "./evaluate.js";
import { compileGlob } from "./glob.js";
import type { Waiver } from "./types.js";
import { checkWaiverDate, parseDay, WaiverSet } from "./waivers.js";

const waiver = (targets: string[], expires = "2027-03-31"): Waiver => ({
  rule: "no-tls10",
  targets,
  reason: "OPS-123",
  expires,
  source: { file: "/repo/tls.yaml", line: 12, column: 5, pointer: "/waivers/0" },
  expiresAt: { line: 15, column: 5 },
});

describe("compileGlob", () => {
  it.each([
    ["*.vendor.example.com", "a.vendor.example.com", true],
    ["*.vendor.example.com", "a.b.vendor.example.com:8443", false],
    ["*.vendor.example.com*", "a.b.vendor.example.com:8443", true],
    ["*.vendor.example.com", "vendor.example.com", false],
    ["legacy.example.com:443", "legacy.example.com:443", true],
    ["legacy.example.com:443", "legacyXexample.com:443", false],
    ["host?.example", "host1.example", true],
    ["[::1]:*", "[::1]:8443", true],
    ["a+b(c)|d", "a+b(c)|d", true],
  ])("%s matches %s: %s", (glob, text, expected) => {
    expect(compileGlob(glob).test(text)).toBe(expected);
  });

  it("matches in linear time whatever the glob", () => {
    const glob = compileGlob(`${"*a".repeat(100)}b`);
    expect(glob.test("a".repeat(50_000))).toBe(false);
  });
});

describe("waiver dates", () => {
  it("reads real dates only", () => {
    expect(parseDay("2027-03-31")).toBe(Date.UTC(2027, 2, 31) / 86_400_000);
    for (const bad of ["2027-02-30", "2027-13-01", "27-03-31", "2027-3-31"]) {
      expect(parseDay(bad)).toBeNull();
    }
  });

  it("refuses an expiry further ahead than allowed", () => {
    const now = new Date("2027-01-01T23:59:00Z");
    expect(checkWaiverDate(waiver(["*"]), now, 89)).toBeNull();
    expect(checkWaiverDate(waiver(["*"]), now, 88)).toBe(
      "waiver of no-tls10 expires 2027-03-31, 89 days ahead: at most 88 days (maxWaiverDays) are allowed",
    );
  });
});

describe("WaiverSet", () => {
  const policy = compiled({
    "no-tls10": {
      severity: "error",
      title: "No TLS 1.0",
      schema: protocols({ "TLSv1.0": { const: false } }),
    },
  });
  const report = sampleReport("legacy.example.com:443");
  report.protocols["TLSv1.0"] = true;

  it("waives a matching target's findings until the last day, then lets them block", () => {
    const w = waiver(["legacy.example.com:*"]);
    const onLastDay = new WaiverSet([w], new Date("2027-03-31T23:00:00Z")).apply(
      evaluate(policy, report),
      [w],
    );
    expect(onLastDay.verdict).toBe("pass");
    expect(onLastDay.counts).toMatchObject({ fail: 0, waived: 1 });
    // One answer to "what status has this rule" for counts, impact and policy tests alike.
    expect(ruleStatuses(onLastDay)).toEqual({ "no-tls10": "waived" });
    expect(onLastDay.findings[0]).toMatchObject({
      status: "waived",
      waiver: { daysLeft: 0, expired: false, expires: "2027-03-31", reason: "OPS-123" },
    });
    const after = new WaiverSet([w], new Date("2027-04-01T00:00:00Z")).apply(
      evaluate(policy, report),
      [w],
    );
    expect(after.verdict).toBe("fail");
    expect(after.findings[0]).toMatchObject({
      status: "fail",
      message: "TLSv1.0 is enabled (waiver expired on 2027-03-31)",
      waiver: { daysLeft: -1, expired: true },
    });
  });

  it("names a waiver that matches no target, and one that waives nothing", () => {
    const none = waiver(["other.example:443"]);
    const idle = waiver(["legacy.example.com:443"]);
    const set = new WaiverSet([none, idle], new Date("2027-01-01T00:00:00Z"));
    const clean = sampleReport("legacy.example.com:443");
    set.apply(evaluate(policy, clean), [none, idle]);
    expect(set.unused()).toEqual([
      "/repo/tls.yaml:12:5: waiver of no-tls10 matches no target (other.example:443)",
      "/repo/tls.yaml:12:5: waiver of no-tls10 waives nothing: the rule passes on its targets",
    ]);
  });

  it("writes waived findings that the result schema accepts, and SARIF suppressions", () => {
    const w = waiver(["legacy.example.com:443"]);
    const evaluation = new WaiverSet([w], new Date("2027-01-01T00:00:00Z")).apply(
      evaluate(policy, report),
      [w],
    );
    const output = JSON.parse(formatJson([evaluation], [report], { gate: {} }));
    const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
    addFormatsModule.default(ajv, ["date-time"]);
    ajv.addSchema(scanReportSchema);
    const validate = ajv.compile(resultSchema);
    expect(validate(output), ajv.errorsText(validate.errors)).toBe(true);
    expect(output.gate).toMatchObject({ verdict: "pass", blocking: 0 });
    const sarif = JSON.parse(formatSarif([evaluation], [report], { gate: {} }));
    expect(sarif.runs[0].results[0].suppressions).toEqual([
      {
        kind: "external",
        status: "accepted",
        justification: "OPS-123 (waived until 2027-03-31, /repo/tls.yaml:12:5)",
      },
    ]);
  });
});
