import type { Evaluation, ScanReport } from "@tlsgate/core";
import { describe, expect, it } from "vitest";
import { fitSummary, formatSummary } from "./summary.js";

/** Just what the summary reads of a report. */
function report(input: string, reachable: boolean | null, error?: string): ScanReport {
  return {
    target: { input, host: input, port: 443, address: reachable === null ? null : "127.0.0.1" },
    reachable,
    protocols: { "TLSv1.3": reachable === true ? true : null },
    errors: error === undefined ? [] : [{ probe: "connect", code: "refused", message: error }],
    scanner: { name: "tlsgate", version: "1.2.3" },
    cipherSuites: null,
    certificate: null,
    certificates: null,
    clients: null,
  } as unknown as ScanReport;
}

function evaluation(target: string): Evaluation {
  return {
    policy: { name: "p", version: "1.0.0", sha256: "a".repeat(64) },
    target,
    verdict: "pass",
    findings: [],
    counts: { rules: 1, pass: 1, fail: 0, inconclusive: 0, off: 0 },
    rules: {},
  };
}

describe("formatSummary", () => {
  it("adds the shard under the verdict; core's report says which target was not scanned and why", () => {
    const text = formatSummary(
      [evaluation("a.example"), evaluation("b.example")],
      [report("a.example", true), report("b.example", false, "connection refused | <closed>")],
      { gate: { failOn: "error" }, shard: { index: 2, count: 3 }, total: 5 },
    );
    const lines = text.split("\n");
    expect(lines.slice(0, 8)).toEqual([
      "## tlsgate: ❌ fail",
      "",
      "Shard 2/3: 2 of 5 target(s).",
      "",
      "Gate: fail-on **error**, inconclusive fails · 0 blocking finding(s)",
      "",
      "- 1 target(s) could not be scanned: b.example",
      "",
    ]);
    expect(text).toContain("| `a.example` (127.0.0.1) | p 1.0.0");
    expect(text).toContain(
      "| `b.example` (127.0.0.1) | p 1.0.0 <sub>aaaaaaaaaaaa</sub> | ❌ fail |",
    );
    expect(text).toContain("<sub>tlsgate 1.2.3</sub>");
  });

  it("is core's Markdown report when there is nothing to add", () => {
    const text = formatSummary([evaluation("a.example")], [report("a.example", true)], {
      gate: {},
      shard: null,
      total: 1,
    });
    expect(text).toMatch(/^## tlsgate: ✅ pass\n\nGate: /);
  });
});

describe("fitSummary", () => {
  it("leaves a summary that fits alone", () => {
    expect(fitSummary("short\n", 100)).toBe("short\n");
  });

  it("cuts at a line break, never inside a character, and says so", () => {
    const text = `${"é".repeat(30)}\n${"ü".repeat(30)}\n${"x".repeat(200)}`;
    const cut = fitSummary(text, 200);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(200);
    expect(cut).toBe(
      `${"é".repeat(30)}\n${"ü".repeat(30)}\n\n… cut to fit the job summary: the report file has every finding.\n`,
    );
  });
});
