import { describe, expect, it } from "vitest";
import { sampleReport } from "../../test/support/sample-report.js";
import { createRuleAjv } from "./ajv.js";
import { evaluate } from "./evaluate.js";
import { MAX_PATTERN_LENGTH, checkPattern, linearRegExp } from "./linear-pattern.js";
import { compiled } from "../../test/support/policy.js";

// Patterns that take a backtracking engine (JavaScript's RegExp) exponential or high-polynomial
// time on a long string that almost matches. Under RE2 each runs in linear time, so these tests
// finish at once; run with RegExp instead and they do not finish before the test timeout.
const CATASTROPHIC = [
  "^(a+)+$",
  "^.*.*.*!",
  `^${".{0,32}".repeat(10)}!`,
  "^(a|aa)+$",
  "(\\w+\\s?)*$",
];
const HOSTILE = "a".repeat(16 * 1024);

describe("linear-time policy patterns", () => {
  it.each(CATASTROPHIC)("accepts %s and decides it on a 16 KB string", (pattern) => {
    expect(checkPattern(pattern)).toBeNull();
    const policy = compiled({
      p: {
        severity: "error",
        title: "pattern on a hostile string",
        schema: { properties: { certificate: { properties: { trustError: { pattern } } } } },
      },
    });
    const report = sampleReport("hostile.example");
    report.certificate!.trustError = `${HOSTILE}b`;
    const expected = new RegExp(pattern, "u").test("aaab") ? "pass" : "fail";
    // The same pattern on a short string, where the backtracking engine is quick, agrees.
    expect(linearRegExp(pattern, "u").test("aaab")).toBe(expected === "pass");
    const [finding] = evaluate(policy, report).findings;
    expect(finding?.status ?? "pass").toBe(
      linearRegExp(pattern, "u").test(`${HOSTILE}b`) ? "pass" : "fail",
    );
  });

  it("is the engine rule schemas compile with", () => {
    const ajv = createRuleAjv();
    expect(ajv.opts.code.regExp).toBe(linearRegExp);
    // `\\pN` (no braces) is RE2 syntax that RegExp with the u flag refuses.
    const validate = ajv.compile({ type: "string", pattern: "^\\pN+$" });
    expect(validate("٣٤")).toBe(true);
    expect(validate("3a")).toBe(false);
    // Two patterns in one schema are two patterns (ajv keys them by their text).
    const both = ajv.compile({
      type: "array",
      prefixItems: [
        { type: "string", pattern: "^a$" },
        { type: "string", pattern: "^b$" },
      ],
    });
    expect(both(["a", "b"])).toBe(true);
    expect(both(["a", "a"])).toBe(false);
  });

  it.each([
    ["^(a)\\1$", /invalid escape sequence/],
    ["(?=x)", /unsupported Perl syntax/],
    ["(?<!x)y", /unsupported Perl syntax|invalid/],
    ["[", /missing closing \]/],
    ["a".repeat(MAX_PATTERN_LENGTH + 1), /characters long/],
  ])("refuses %s", (pattern, message) => {
    expect(checkPattern(pattern)).toMatch(message);
  });
});
