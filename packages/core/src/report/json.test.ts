import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { scanReportSchema } from "../scan-report/schema.js";
import { formatJson } from "./json.js";
import { resultSchema } from "./result-schema.js";
import { fixture } from "../../test/support/report-fixture.js";

describe("formatJson", () => {
  it("writes each target's report and evaluations, valid against the result schema", () => {
    const { evaluations, reports } = fixture();
    const output = JSON.parse(formatJson(evaluations, reports, { gate: {} }));
    const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
    addFormatsModule.default(ajv, ["date-time"]);
    ajv.addSchema(scanReportSchema);
    const validate = ajv.compile(resultSchema);
    expect(validate(output), ajv.errorsText(validate.errors)).toBe(true);
    expect(output.tool).toEqual({ name: "tlsgate", version: "0.0.0" });
    expect(output.gate).toEqual({
      verdict: "fail",
      outcome: "violation",
      reasons: [
        "policy violation: 1 rule failure(s) at or above error (1 finding(s))",
        "1 rule(s) at or above error are inconclusive (the scan could not establish what they check)",
      ],
      failOn: "error",
      inconclusive: "fail",
      blocking: 2,
    });
    expect(output.results.map((r: { target: string }) => r.target)).toEqual([
      "good.example:443",
      "bad.example:8443",
      "unknown.example:443",
    ]);
    expect(output.results[1].report).toEqual(reports[1]);
    expect(output.results[1].evaluations[0].findings[1]).toEqual({
      ruleId: "no-weak-suites",
      severity: "warning",
      status: "fail",
      target: "bad.example:8443",
      pointer: "/cipherSuites/4",
      value: reports[1]?.cipherSuites?.[4],
      message: "TLS_RSA_WITH_3DES_EDE_CBC_SHA (TLSv1.2) is not allowed",
    });
  });

  it("writes a null gate without gate options, and a report with no evaluation", () => {
    const { evaluations, reports } = fixture();
    const output = JSON.parse(
      formatJson(evaluations.slice(0, 1), reports, { indent: 0, toolVersion: "1.2.3" }),
    );
    expect(output.gate).toBeNull();
    expect(output.tool.version).toBe("1.2.3");
    expect(output.results.map((r: { evaluations: unknown[] }) => r.evaluations.length)).toEqual([
      1, 0, 0,
    ]);
  });
});
