import type { Evaluation, Finding, RuleInfo, ScanReport } from "@tlsgate/core";
import { PolicyError } from "@tlsgate/core";
import { describe, expect, it } from "vitest";
import { FakeCore } from "../test/support/fake-core.js";
import {
  ANNOTATION_BUDGET,
  annotateFindings,
  annotatePolicyError,
  findingAnnotations,
  repoPath,
} from "./annotations.js";

const WORKSPACE = "/repo";
const CONTEXT = { workspace: WORKSPACE, reports: [], inconclusive: "fail" } as const;

/** Just what annotations read of a report. */
/** A report as far as the annotations read it: scanned (TLS 1.2 established) or not. */
function report(input: string, reachable: boolean | null, message?: string): ScanReport {
  const versions = ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"];
  return {
    target: { input, host: input, address: "127.0.0.1", port: 1 },
    reachable,
    protocols: Object.fromEntries(
      versions.map((v) => [v, reachable === true ? v === "TLSv1.2" : null]),
    ),
    errors: message === undefined ? [] : [{ probe: "connect", code: "refused", message }],
  } as unknown as ScanReport;
}

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
    expect(findingAnnotations(evaluations, CONTEXT)).toEqual([
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
      CONTEXT,
    );
    expect(annotation?.message).toBe(
      "a.example: Title of old\n- m0\n- m1\n- m2\n- m3\n- m4\n- and 3 more",
    );
  });
});

describe("findingAnnotations for a target that could not be scanned", () => {
  const rules = Array.from({ length: 31 }, (_, i) => rule(`r${i}`, "error"));
  const unknown = evaluation(
    "down.example",
    rules,
    rules.map((r) => finding(r.id, "inconclusive", `${r.id} is unknown`)),
  );
  const up = evaluation("up.example", [rule("old", "error")], [finding("old", "fail", "old 1")]);
  const reports = [
    report("down.example", false, "connect ECONNREFUSED 127.0.0.1:1"),
    report("up.example", true),
  ];

  it("gives it one annotation that says why, instead of one per unknown rule", () => {
    expect(findingAnnotations([unknown, up], { ...CONTEXT, reports })).toEqual([
      {
        level: "error",
        message: "down.example: not scanned: connection refused by 127.0.0.1:1",
        properties: { title: "tlsgate: target not scanned" },
      },
      {
        level: "error",
        message: "up.example: Title of old\n- old 1",
        properties: { title: "old", file: "tls/policy.json", startLine: 3, startColumn: 5 },
      },
    ]);
  });

  it("makes it a warning when inconclusive passes, and says no connection was tried without an error", () => {
    const annotations = findingAnnotations([unknown], {
      workspace: WORKSPACE,
      reports: [report("down.example", null)],
      inconclusive: "pass",
    });
    expect(annotations).toEqual([
      {
        level: "warning",
        message: "down.example: not scanned: no connection was attempted",
        properties: { title: "tlsgate: target not scanned" },
      },
    ]);
  });
});

describe("annotateFindings", () => {
  const many = (count: number, severity: RuleInfo["severity"], prefix: string): Evaluation[] =>
    Array.from({ length: count }, (_, i) =>
      evaluation(`${prefix}${i}.example`, [rule("r", severity)], [finding("r", "fail", "x")]),
    );

  it("stays within what GitHub shows per level and step, and says how many it left out", () => {
    const core = new FakeCore();
    const evaluations = [
      ...many(60, "error", "e"),
      ...many(12, "warning", "w"),
      ...many(3, "info", "n"),
    ];
    expect(annotateFindings(core, evaluations, CONTEXT)).toBe(53);
    const levels = core.annotations.map((a) => a.level);
    expect(levels.filter((l) => l === "error")).toHaveLength(ANNOTATION_BUDGET.error);
    expect(levels.filter((l) => l === "warning")).toHaveLength(ANNOTATION_BUDGET.warning);
    expect(levels.filter((l) => l === "notice")).toHaveLength(4);
    expect(core.annotations[0]!.message).toBe("e0.example: Title of r\n- x");
    expect(core.annotations.at(-1)).toEqual({
      level: "notice",
      message:
        "tlsgate: 53 more annotation(s) left out (GitHub shows 10 of each level per step); the job summary has every finding.",
      properties: { title: "tlsgate: annotations left out" },
    });
  });

  it("emits everything, with no notice, when it fits", () => {
    const core = new FakeCore();
    expect(annotateFindings(core, many(9, "error", "e"), CONTEXT)).toBe(0);
    expect(core.annotations.map((a) => a.level)).toEqual(Array(9).fill("error"));
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
