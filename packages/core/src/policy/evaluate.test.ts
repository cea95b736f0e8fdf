import { describe, expect, it } from "vitest";
import { sampleReport, suite } from "../../test/support/sample-report.js";
import type { ScanReport } from "../scan-report/types.js";
import { PolicyError } from "./errors.js";
import { compilePolicy, evaluate, ruleStatuses, valueAt, verdictOf } from "./evaluate.js";
import { compiled, policyOf, protocols, suites } from "../../test/support/policy.js";
import type { Evaluation, FailOn, PolicyRule } from "./types.js";

const noLegacy: PolicyRule = {
  severity: "error",
  title: "Only TLS 1.2 and newer",
  schema: protocols({
    SSLv2: { const: false },
    SSLv3: { const: false },
    "TLSv1.0": { const: false },
    "TLSv1.1": { const: false },
  }),
};

const noWeakSuites: PolicyRule = {
  severity: "error",
  title: "No weak cipher suites",
  schema: suites({
    properties: {
      iana: {
        not: {
          enum: [
            "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
            "TLS_RSA_WITH_RC4_128_SHA",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
          ],
        },
      },
    },
  }),
};

function weakReport(): ScanReport {
  const report = sampleReport("weak.example:443");
  report.protocols["TLSv1.0"] = true;
  report.cipherSuites?.push(
    suite("TLSv1.2", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", { code: "0x000A", forwardSecrecy: false }),
    suite("TLSv1.0", "TLS_RSA_WITH_RC4_128_SHA", { code: "0x0005", forwardSecrecy: false }),
  );
  return report;
}

const brief = (evaluation: Evaluation): unknown[] =>
  evaluation.findings.map((f) => [f.ruleId, f.status, f.pointer, f.message]);

describe("evaluate", () => {
  it("passes a good report without findings, and records provenance", () => {
    const policy = policyOf(
      { "no-legacy": noLegacy, "no-weak-suites": noWeakSuites },
      "acme",
      "3.1.0",
    );
    const evaluation = evaluate(compilePolicy(policy), sampleReport());
    expect(evaluation.policy).toEqual({ name: "acme", version: "3.1.0", sha256: policy.sha256 });
    expect(evaluation.target).toBe("example.com:443");
    expect(evaluation.verdict).toBe("pass");
    expect(evaluation.counts).toEqual({ rules: 2, pass: 2, fail: 0, inconclusive: 0, off: 0 });
    expect(evaluation.findings).toEqual([]);
    expect(ruleStatuses(evaluation)).toEqual({ "no-legacy": "pass", "no-weak-suites": "pass" });
    expect(evaluation.rules["no-legacy"]).toMatchObject({ id: "no-legacy", title: noLegacy.title });
  });

  it("yields one pass finding per passing rule when asked", () => {
    const rules = compiled({ "no-legacy": noLegacy, "no-weak-suites": noWeakSuites });
    const evaluation = evaluate(rules, weakReport(), { passes: true });
    const good = evaluate(rules, sampleReport(), { passes: true });
    expect(good.findings).toEqual([
      {
        ruleId: "no-legacy",
        severity: "error",
        status: "pass",
        target: "example.com:443",
        pointer: "",
        value: null,
        message: "Only TLS 1.2 and newer",
      },
      expect.objectContaining({ ruleId: "no-weak-suites", status: "pass" }),
    ]);
    expect(evaluation.findings.filter((f) => f.status === "pass")).toEqual([]);
  });

  it("yields one finding per offending value, named from the value", () => {
    const report = weakReport();
    const evaluation = evaluate(
      compiled({ "no-legacy": noLegacy, "no-weak-suites": noWeakSuites }),
      report,
    );
    expect(evaluation.verdict).toBe("fail");
    expect(brief(evaluation)).toEqual([
      ["no-legacy", "fail", "/protocols/TLSv1.0", "TLSv1.0 is enabled"],
      [
        "no-weak-suites",
        "fail",
        "/cipherSuites/4",
        "TLS_RSA_WITH_3DES_EDE_CBC_SHA (TLSv1.2) is not allowed",
      ],
      [
        "no-weak-suites",
        "fail",
        "/cipherSuites/5",
        "TLS_RSA_WITH_RC4_128_SHA (TLSv1.0) is not allowed",
      ],
    ]);
    const finding = evaluation.findings[1];
    expect(finding?.value).toBe(report.cipherSuites?.[4]);
    expect(finding?.target).toBe("weak.example:443");
    expect(evaluation.findings[0]?.value).toBe(true);
  });

  it("folds several errors about one suite into one finding", () => {
    const rule: PolicyRule = {
      severity: "warning",
      title: "Forward secret AEAD suites only",
      schema: suites({
        anyOf: [
          { properties: { protocol: { const: "TLSv1.3" } } },
          { properties: { forwardSecrecy: { const: true }, aead: { const: true } } },
        ],
      }),
    };
    const evaluation = evaluate(compiled({ "fs-aead": rule }), weakReport());
    expect(brief(evaluation)).toEqual([
      [
        "fs-aead",
        "fail",
        "/cipherSuites/4",
        "TLS_RSA_WITH_3DES_EDE_CBC_SHA (TLSv1.2) is not allowed",
      ],
      ["fs-aead", "fail", "/cipherSuites/5", "TLS_RSA_WITH_RC4_128_SHA (TLSv1.0) is not allowed"],
    ]);
  });

  it("fills {report.PATH} from the report, dotted field names included", () => {
    const report = weakReport();
    const evaluation = evaluate(
      compiled({
        "no-tls10": {
          ...noLegacy,
          message:
            "{report.target.host} port {report.target.port}: {name} ({report.protocols.TLSv1.0}, first suite {report.cipherSuites.0.iana})",
          schema: protocols({ "TLSv1.0": { const: false } }),
        },
      }),
      report,
    );
    expect(brief(evaluation)).toEqual([
      [
        "no-tls10",
        "fail",
        "/protocols/TLSv1.0",
        `weak.example port 443: TLSv1.0 (true, first suite ${report.cipherSuites?.[0]?.iana})`,
      ],
    ]);
  });

  it("words a generic value as '<pointer> is <value>', and applies a message template", () => {
    const report = sampleReport();
    (report.features.hsts as { maxAge: number | null }).maxAge = 300;
    report.cipherSuites?.push(
      suite("TLSv1.2", "TLS_RSA_WITH_AES_128_CBC_SHA", { encryption: "AES_128_CBC" }),
    );
    const evaluation = evaluate(
      compiled({
        "hsts-max-age": {
          severity: "warning",
          title: "HSTS for at least 180 days",
          schema: {
            properties: {
              features: { properties: { hsts: { properties: { maxAge: { minimum: 15552000 } } } } },
            },
          },
        },
        "key-size": {
          severity: "error",
          title: "RSA keys of 3072 bits",
          message: "{pointer}: {value}-bit key ({title})",
          schema: {
            properties: {
              certificate: {
                properties: { chain: { items: { properties: { keyBits: { minimum: 3072 } } } } },
              },
            },
          },
        },
        "pq-group": {
          severity: "info",
          title: "A post-quantum group",
          schema: {
            properties: {
              groups: { contains: { properties: { name: { const: "SecP384r1MLKEM1024" } } } },
            },
          },
        },
        "no-cbc": {
          severity: "info",
          title: "No CBC suites",
          message: "{name}: {value.encryption} is CBC",
          schema: suites({ properties: { encryption: { not: { pattern: "CBC" } } } }),
        },
      }),
      report,
    );
    expect(brief(evaluation)).toEqual([
      ["hsts-max-age", "fail", "/features/hsts/maxAge", "/features/hsts/maxAge is 300"],
      [
        "key-size",
        "fail",
        "/certificate/chain/0/keyBits",
        "/certificate/chain/0/keyBits: 256-bit key (RSA keys of 3072 bits)",
      ],
      ["pq-group", "fail", "/groups", "/groups must contain at least 1 valid item(s)"],
      [
        "no-cbc",
        "fail",
        "/cipherSuites/4",
        "TLS_RSA_WITH_AES_128_CBC_SHA (TLSv1.2): AES_128_CBC is CBC",
      ],
    ]);
  });

  it("reports a failure caused only by unknown (null) facts as inconclusive", () => {
    const report = sampleReport();
    report.protocols["TLSv1.0"] = null;
    report.cipherSuites = null;
    report.errors = [
      { probe: "cipherSuites/TLSv1.2", code: "timeout", message: "no reply in 5 s" },
    ];
    const evaluation = evaluate(
      compiled({ "no-legacy": noLegacy, "no-weak-suites": noWeakSuites }),
      report,
    );
    expect(evaluation.verdict).toBe("inconclusive");
    expect(evaluation.counts).toEqual({ rules: 2, pass: 0, fail: 0, inconclusive: 2, off: 0 });
    expect(
      evaluation.findings.map((f) => [f.ruleId, f.status, f.pointer, f.value, f.message]),
    ).toEqual([
      ["no-legacy", "inconclusive", "/protocols/TLSv1.0", null, "TLSv1.0 support is unknown"],
      [
        "no-weak-suites",
        "inconclusive",
        "/cipherSuites",
        null,
        "/cipherSuites is unknown (cipherSuites/TLSv1.2: timeout: no reply in 5 s)",
      ],
    ]);
  });

  it("fails, not inconclusive, when a known value fails beside an unknown one", () => {
    const report = sampleReport();
    report.protocols["TLSv1.0"] = true;
    report.protocols["TLSv1.1"] = null;
    const evaluation = evaluate(compiled({ "no-legacy": noLegacy }), report);
    expect(evaluation.verdict).toBe("fail");
    expect(brief(evaluation)).toEqual([
      ["no-legacy", "fail", "/protocols/TLSv1.0", "TLSv1.0 is enabled"],
      ["no-legacy", "inconclusive", "/protocols/TLSv1.1", "TLSv1.1 support is unknown"],
    ]);
  });

  it("does not let a rule pass vacuously on null, nested or inside anyOf", () => {
    const keyBits: PolicyRule = {
      severity: "error",
      title: "2048-bit keys",
      schema: {
        properties: {
          certificate: {
            properties: { chain: { items: { properties: { keyBits: { minimum: 2048 } } } } },
          },
        },
      },
    };
    const eitherWay: PolicyRule = {
      severity: "error",
      title: "TLS 1.3, or TLS 1.2 with forward secrecy",
      schema: {
        anyOf: [
          protocols({ "TLSv1.3": { const: true } }),
          suites({ properties: { forwardSecrecy: { const: true } } }),
        ],
      },
    };
    const rules = compiled({ "key-bits": keyBits, "either-way": eitherWay });

    const noCertificate = sampleReport();
    noCertificate.certificate = null;
    noCertificate.protocols["TLSv1.3"] = null;
    const withoutCertificate = evaluate(rules, noCertificate);
    expect(brief(withoutCertificate)).toEqual([
      ["key-bits", "inconclusive", "/certificate", "/certificate is unknown"],
    ]);
    // A forward-secret TLS 1.2 suite satisfies anyOf whatever TLS 1.3 is.
    expect(ruleStatuses(withoutCertificate)).toEqual({
      "key-bits": "inconclusive",
      "either-way": "pass",
    });

    const unknownKey = sampleReport();
    const leaf = unknownKey.certificate?.chain[0];
    if (leaf !== undefined) leaf.keyBits = null;
    unknownKey.protocols["TLSv1.3"] = null;
    unknownKey.cipherSuites?.push(
      suite("TLSv1.2", "TLS_RSA_WITH_AES_128_CBC_SHA", { forwardSecrecy: false }),
    );
    expect(brief(evaluate(rules, unknownKey))).toEqual([
      [
        "key-bits",
        "inconclusive",
        "/certificate/chain/0/keyBits",
        "/certificate/chain/0/keyBits is unknown",
      ],
      // TLS 1.3 unknown could have satisfied anyOf: inconclusive, not fail.
      ["either-way", "inconclusive", "", "could not be decided: a fact it needs is unknown"],
    ]);

    const known = structuredClone(unknownKey);
    known.protocols["TLSv1.3"] = false;
    expect(brief(evaluate(rules, known))[1]).toEqual([
      "either-way",
      "fail",
      "",
      "the report does not satisfy the rule (must match a schema in anyOf)",
    ]);
  });

  it("lets a rule that names null handle unknown facts itself", () => {
    const rule: PolicyRule = {
      severity: "warning",
      title: "HSTS, when the target speaks HTTP, for a year",
      schema: {
        properties: {
          features: {
            properties: {
              hsts: {
                anyOf: [{ type: "null" }, { properties: { maxAge: { minimum: 31536000 } } }],
              },
            },
          },
        },
      },
    };
    const report = sampleReport();
    report.features.hsts = null;
    expect(evaluate(compiled({ hsts: rule }), report).verdict).toBe("pass");
  });

  it("does not evaluate rules that are off", () => {
    const evaluation = evaluate(
      compiled({ "no-legacy": { ...noLegacy, severity: "off" }, "no-weak-suites": noWeakSuites }),
      weakReport(),
    );
    expect(evaluation.counts).toEqual({ rules: 1, pass: 0, fail: 1, inconclusive: 0, off: 1 });
    expect(new Set(evaluation.findings.map((f) => f.ruleId))).toEqual(new Set(["no-weak-suites"]));
    expect(Object.keys(evaluation.rules)).toEqual(["no-weak-suites"]);
  });

  it("refuses to compile a rule that lints badly, naming its source", () => {
    const policy = policyOf({
      bad: { severity: "error", title: "x", schema: { properties: { protocol: {} } } },
    });
    expect(() => compilePolicy(policy)).toThrow(PolicyError);
    try {
      compilePolicy(policy);
    } catch (error) {
      expect((error as PolicyError).toString()).toBe(
        "test.json /rules/bad/schema/properties/protocol: protocol is not a ScanReport field (did you mean protocols?)",
      );
    }
  });

  it("reads values at JSON pointers", () => {
    const report = sampleReport();
    expect(valueAt(report, "/protocols/TLSv1.2")).toBe(true);
    expect(valueAt(report, "/cipherSuites/0/iana")).toBe("TLS_AES_128_GCM_SHA256");
    expect(valueAt(report, "/nope/x")).toBeUndefined();
  });
});

describe("verdictOf", () => {
  // One failing rule per severity, and one inconclusive error rule, over two targets.
  const rules = compiled({
    "err-fail": { ...noLegacy, severity: "error" },
    "warn-fail": { ...noWeakSuites, severity: "warning" },
    "info-fail": {
      severity: "info",
      title: "OCSP stapling",
      schema: { properties: { certificate: { properties: { ocspStapled: { const: true } } } } },
    },
  });
  const failing = (): ScanReport => weakReport();
  const only = (keep: string[]): Evaluation => {
    const evaluation = evaluate(rules, failing());
    return { ...evaluation, findings: evaluation.findings.filter((f) => keep.includes(f.ruleId)) };
  };

  it.each<[FailOn, string[], "pass" | "fail"]>([
    ["error", ["err-fail"], "fail"],
    ["error", ["warn-fail", "info-fail"], "pass"],
    ["warning", ["warn-fail"], "fail"],
    ["warning", ["info-fail"], "pass"],
    ["info", ["info-fail"], "fail"],
    ["never", ["err-fail", "warn-fail", "info-fail"], "pass"],
  ])("fail-on %s with %j failing: %s", (failOn, keep, verdict) => {
    const gate = verdictOf([evaluate(rules, sampleReport()), only(keep)], { failOn });
    expect(gate.verdict).toBe(verdict);
    if (verdict === "fail") expect(gate.blocking.length).toBeGreaterThan(0);
    else expect(gate.blocking).toEqual([]);
  });

  it("defaults to fail-on error, and gates inconclusive findings as failures unless told", () => {
    const report = sampleReport();
    report.protocols["TLSv1.1"] = null;
    const evaluation = evaluate(rules, report);
    expect(evaluation.counts).toMatchObject({ fail: 1, inconclusive: 1 }); // info-fail, err-fail
    expect(verdictOf([evaluation])).toMatchObject({
      verdict: "fail",
      blocking: [{ ruleId: "err-fail", status: "inconclusive", pointer: "/protocols/TLSv1.1" }],
    });
    expect(verdictOf([evaluation], { inconclusive: "pass" })).toEqual({
      verdict: "pass",
      blocking: [],
    });
    expect(verdictOf([evaluation], { failOn: "info", inconclusive: "pass" })).toMatchObject({
      verdict: "fail",
      blocking: [{ ruleId: "info-fail", status: "fail" }],
    });
    expect(verdictOf([evaluation], { failOn: "never" }).verdict).toBe("pass");
    expect(verdictOf([]).verdict).toBe("pass");
  });
});

describe("evaluate: messages a person can act on", () => {
  const webOnly = (then: Record<string, unknown>) => ({
    if: { properties: { target: { properties: { web: { const: true } } } } },
    then,
  });
  const hsts: PolicyRule = {
    severity: "warning",
    title: "HSTS",
    message:
      "HSTS: {pointer} is {value|quote} (header: {parent.raw|quote}); {report.target.host} needs max-age >= 100",
    schema: webOnly({
      properties: {
        features: {
          properties: {
            hsts: {
              properties: { present: { const: true } },
              if: { properties: { present: { const: true } } },
              then: { properties: { maxAge: { minimum: 100 } } },
            },
          },
        },
      },
    }),
  };

  it("points a rule-level if at the field that failed, and fills parent and report placeholders", () => {
    const report = sampleReport("x.example:443");
    report.target.web = true;
    const messages = (value: ScanReport["features"]["hsts"]) => {
      report.features.hsts = value;
      return evaluate(compiled({ hsts }), report).findings.map((f) => [f.pointer, f.message]);
    };
    expect(
      messages({
        present: false,
        maxAge: null,
        includeSubDomains: false,
        preload: false,
        raw: null,
      }),
    ).toEqual([
      [
        "/features/hsts/present",
        "HSTS: /features/hsts/present is false (header: none); x.example needs max-age >= 100",
      ],
    ]);
    expect(
      messages({
        present: true,
        maxAge: 5,
        includeSubDomains: false,
        preload: false,
        raw: 'max-age=5; "x"\u001b[2J',
      }),
    ).toEqual([
      [
        "/features/hsts/maxAge",
        'HSTS: /features/hsts/maxAge is 5 (header: "max-age=5; \\"x\\"\\u001b[2J"); x.example needs max-age >= 100',
      ],
    ]);
  });

  it("formats dates, magnitudes and lists", () => {
    const report = sampleReport();
    const leaf = report.certificates![0]!.chain[0]!;
    leaf.daysRemaining = -552;
    leaf.notAfter = "2024-06-01T12:00:00.000Z";
    report.certificates![0]!.hostnameMatch = false;
    const evaluation = evaluate(
      compiled({
        expired: {
          severity: "error",
          title: "Not expired",
          message: "{parent.subject} expired {value|abs} days ago, on {parent.notAfter|date}",
          schema: {
            properties: {
              certificates: {
                items: {
                  properties: {
                    chain: { items: { properties: { daysRemaining: { minimum: 0 } } } },
                  },
                },
              },
            },
          },
        },
        hostname: {
          severity: "error",
          title: "Hostname",
          message: "names: {parent.chain.0.san|list}",
          schema: {
            properties: {
              certificates: { items: { properties: { hostnameMatch: { const: true } } } },
            },
          },
        },
      }),
      report,
    );
    expect(evaluation.findings.map((f) => f.message)).toEqual([
      `${leaf.subject} expired 552 days ago, on 2024-06-01`,
      `names: ${leaf.san.join(", ")}`,
    ]);
  });
});
