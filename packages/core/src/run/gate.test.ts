import { describe, expect, it } from "vitest";
import { evaluate } from "../policy/evaluate.js";
import { compiled, protocols } from "../../test/support/policy.js";
import type { GateOptions } from "../policy/types.js";
import { sampleReport } from "../../test/support/sample-report.js";
import type { ScanReport } from "../scan-report/types.js";
import { gateRun } from "./gate.js";

const policy = compiled({
  "no-tls10": {
    severity: "error",
    title: "No TLS 1.0",
    schema: protocols({ "TLSv1.0": { const: false } }),
  },
  tls13: {
    severity: "warning",
    title: "TLS 1.3",
    schema: protocols({ "TLSv1.3": { const: true } }),
  },
});

function report(input: string, change: (report: ScanReport) => void = () => {}): ScanReport {
  const value = sampleReport(input);
  change(value);
  return value;
}

const good = (): ScanReport =>
  report("good.example", (r) => {
    r.protocols["TLSv1.0"] = false;
    r.protocols["TLSv1.3"] = true;
  });
const legacy = (): ScanReport => report("legacy.example", (r) => (r.protocols["TLSv1.0"] = true));
const unknown = (): ScanReport => report("unknown.example", (r) => (r.protocols["TLSv1.0"] = null));
const down = (): ScanReport =>
  report("down.example", (r) => {
    r.reachable = false;
    r.protocols["TLSv1.0"] = null;
    r.protocols["TLSv1.3"] = null;
  });

function gate(reports: ScanReport[], options: GateOptions = {}) {
  const evaluations = reports.map((r) => evaluate(policy, r));
  return gateRun(evaluations, reports, options);
}

describe("gateRun", () => {
  it("passes when nothing blocks", () => {
    expect(gate([good()])).toEqual({
      outcome: "pass",
      verdict: "pass",
      reasons: [],
      blocking: [],
      unscanned: [],
    });
  });

  it("names a violation, counting rules per target, before anything else", () => {
    const result = gate([legacy(), down()]);
    expect(result.outcome).toBe("violation");
    expect(result.reasons).toEqual([
      "policy violation: 1 rule failure(s) at or above error (1 finding(s))",
      "1 target(s) could not be scanned: down.example",
    ]);
  });

  it("fails an unscanned target even with failOn never; only inconclusive pass lets it through", () => {
    expect(gate([good(), down()], { failOn: "never" })).toMatchObject({
      outcome: "unscannable",
      verdict: "fail",
      unscanned: ["down.example"],
      reasons: ["1 target(s) could not be scanned: down.example"],
    });
    expect(gate([good(), down()], { inconclusive: "pass" }).outcome).toBe("pass");
  });

  it("gates on rules the scan could not decide, unless told otherwise", () => {
    expect(gate([unknown()])).toMatchObject({
      outcome: "inconclusive",
      reasons: [
        "1 rule(s) at or above error are inconclusive (the scan could not establish what they check)",
      ],
    });
    expect(gate([unknown()], { inconclusive: "pass" }).outcome).toBe("pass");
  });

  it("applies the threshold: a failing warning gates only from failOn warning", () => {
    const noTls13 = report("old.example", (r) => {
      r.protocols["TLSv1.0"] = false;
      r.protocols["TLSv1.3"] = false;
    });
    expect(gate([noTls13]).outcome).toBe("pass");
    expect(gate([noTls13], { failOn: "warning" })).toMatchObject({
      outcome: "violation",
      reasons: ["policy violation: 1 rule failure(s) at or above warning (1 finding(s))"],
    });
    expect(gate([legacy()], { failOn: "never" }).outcome).toBe("pass");
  });
});
