import { PRESET_NAMES } from "@tlsgate/policies";
import type { ValidateFunction } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { createRuleAjv } from "./ajv.js";
import { prepareRuleSchema } from "./lint.js";
import { createPolicyAjv } from "./load.js";
import { policySchema } from "./policy-schema.js";
import { PRECOMPILED_POLICY_SCHEMA } from "./precompiled-policy-schema.js";
import { PRECOMPILED_RULES } from "./precompiled-rules.js";
import { resolvePolicyRef } from "./resolve.js";
import { readSampleReport, sampleReportNames } from "./sample-reports.js";

/** Each sample report, and each with one top-level field unknown (null), to reach every error. */
function reports(): unknown[] {
  return sampleReportNames().flatMap((name) => {
    const report = readSampleReport(name) as Record<string, unknown>;
    return [report, ...Object.keys(report).map((field) => ({ ...report, [field]: null }))];
  });
}

/** What a validator says of `value`: valid or not, and every error as ajv gives it. */
function verdict(validate: ValidateFunction, value: unknown): unknown {
  const valid = validate(value);
  return { valid, errors: validate.errors ?? null };
}

describe("precompiled validators", () => {
  it("cover every rule of every preset (npm run generate:validators is up to date)", () => {
    for (const name of PRESET_NAMES) {
      for (const [id, rule] of Object.entries(resolvePolicyRef(name).rules)) {
        if (rule.severity === "off") continue;
        const key = JSON.stringify(prepareRuleSchema(rule.schema).prepared);
        expect(PRECOMPILED_RULES.has(key), `${name}: ${id}`).toBe(true);
      }
    }
    expect(PRECOMPILED_POLICY_SCHEMA.key).toBe(JSON.stringify(policySchema));
  });

  it("give the same verdicts and errors as the rules compiled at run time", () => {
    const ajv = createRuleAjv();
    const values = reports();
    expect(values.length).toBeGreaterThan(20);
    for (const [key, precompiled] of PRECOMPILED_RULES) {
      const compiled = ajv.compile(JSON.parse(key) as object);
      for (const value of values) {
        expect(verdict(precompiled as ValidateFunction, value)).toEqual(verdict(compiled, value));
      }
    }
  });

  it("judge policy documents as the policy schema compiled at run time does", () => {
    const compiled = createPolicyAjv().compile(policySchema);
    const precompiled = PRECOMPILED_POLICY_SCHEMA.validate as ValidateFunction;
    const documents: unknown[] = [
      { name: "acme/prod", rules: { hsts: "off" } },
      { name: "", version: 3, extends: "modern", rules: { "Bad Id": {}, x: { severity: "no" } } },
      { name: "acme/x", rules: { r: { schema: {}, title: "", remediation: { nginx: 1 } } } },
      { name: "acme/x", $schema: "not a uri", unknown: true },
      null,
      [],
    ];
    for (const document of documents) {
      expect(verdict(precompiled, document)).toEqual(verdict(compiled, document));
    }
    expect(verdict(precompiled, documents[1])).toMatchObject({ valid: false });
  });
});
