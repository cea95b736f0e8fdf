import type { Evaluation, Finding, RuleInfo } from "@tlsgate/core";
import { PolicyError } from "@tlsgate/core";
import { describe, expect, it } from "vitest";
import { FakeCore } from "../test/support/fake-core.js";
import {
  MAX_ANNOTATIONS,
  annotateFindings,
  annotatePolicyError,
  findingAnnotations,
  repoPath,
} from "./annotations.js";

const WORKSPACE = "/repo";

function rule(
  id: string,
  severity: RuleInfo["severity"],
  file = "/repo/tls/policy.json",
): RuleInfo {
  return { id, severity, title: `Title of ${id}`, source: { file, line: 3, column: 5 } };
}

function finding(ruleId: string, status: Finding["status"], message: string): Finding {
  return {
    ruleId,
    severity: "error",
    status,
    target: "a.example",
    pointer: "/x",
    value: 1,
    message,
  };
}

function evaluation(target: string, rules: RuleInfo[], findings: Finding[]): Evaluation {
  return {
    policy: { name: "p", version: "1.0.0", sha256: "0".repeat(64) },
    target,
    verdict: "fail",
    findings,
    counts: { rules: rules.length, pass: 0, fail: 0, inconclusive: 0, off: 0 },
    rules: Object.fromEntries(rules.map((r) => [r.id, r])),
  };
}

describe("findingAnnotations", () => {
  it("makes one annotation per failing rule and target, by severity, at the rule's line", () => {
    const rules = [
      rule("weak", "warning"),
      rule("old", "error"),
      rule("pq", "info", "/elsewhere/p.json"),
    ];
    const evaluations = [
      evaluation("a.example", rules, [
        finding("weak", "fail", "weak 1"),
        finding("old", "fail", "old 1"),
        finding("old", "fail", "old 2"),
        finding("pq", "fail", "no pq"),
      ]),
      evaluation("b.example", rules, [finding("old", "inconclusive", "old unknown")]),
    ];
    expect(findingAnnotations(evaluations, WORKSPACE)).toEqual([
      {
        level: "error",
        message: "a.example: Title of old\n- old 1\n- old 2",
        properties: { title: "old", file: "tls/policy.json", startLine: 3, startColumn: 5 },
      },
      {
        level: "warning",
        message: "a.example: Title of weak\n- weak 1",
        properties: { title: "weak", file: "tls/policy.json", startLine: 3, startColumn: 5 },
      },
      {
        level: "warning",
        message: "b.example: inconclusive: Title of old\n- old unknown",
        properties: { title: "old", file: "tls/policy.json", startLine: 3, startColumn: 5 },
      },
      { level: "notice", message: "a.example: Title of pq\n- no pq", properties: { title: "pq" } },
    ]);
  });

  it("lists five findings and counts the rest", () => {
    const findings = Array.from({ length: 8 }, (_, i) => finding("old", "fail", `m${i}`));
    const [annotation] = findingAnnotations(
      [evaluation("a.example", [rule("old", "error")], findings)],
      WORKSPACE,
    );
    expect(annotation?.message).toBe(
      "a.example: Title of old\n- m0\n- m1\n- m2\n- m3\n- m4\n- and 3 more",
    );
  });
});

describe("annotateFindings", () => {
  it(`emits at most ${MAX_ANNOTATIONS} and says how many it left out`, () => {
    const core = new FakeCore();
    const evaluations = Array.from({ length: 60 }, (_, i) =>
      evaluation(`t${i}.example`, [rule("old", "error")], [finding("old", "fail", "old")]),
    );
    expect(annotateFindings(core, evaluations, WORKSPACE)).toBe(10);
    expect(core.annotations).toHaveLength(MAX_ANNOTATIONS);
    expect(core.logs).toEqual([
      "tlsgate: 10 more rule failure(s) not annotated; see the job summary.",
    ]);
  });
});

describe("annotatePolicyError", () => {
  it("points at the file, line and column in the repository", () => {
    const core = new FakeCore();
    const error = new PolicyError("invalid", "severity must be one of error, warning", {
      file: "/repo/tls/policy.yaml",
      line: 12,
      column: 7,
      pointer: "/rules/x/severity",
    });
    annotatePolicyError(core, error, WORKSPACE);
    expect(core.annotations).toEqual([
      {
        level: "error",
        message: "/rules/x/severity: severity must be one of error, warning",
        properties: {
          title: "tlsgate policy error (invalid)",
          file: "tls/policy.yaml",
          startLine: 12,
          startColumn: 7,
        },
      },
    ]);
  });

  it("annotates the job when the file is outside the repository", () => {
    const core = new FakeCore();
    annotatePolicyError(core, new PolicyError("extends-not-found", "no preset named x"), WORKSPACE);
    expect(core.annotations).toEqual([
      {
        level: "error",
        message: "no preset named x",
        properties: { title: "tlsgate policy error (extends-not-found)" },
      },
    ]);
  });
});

describe("repoPath", () => {
  it.each([
    ["/repo/a/b.json", "a/b.json"],
    ["/repo", null],
    ["/other/b.json", null],
    ["/repository/b.json", null],
    ["relative.json", null],
  ])("%s → %s", (file, expected) => {
    expect(repoPath(file, WORKSPACE)).toBe(expected);
  });
});
