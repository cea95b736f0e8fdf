import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { formatJunit } from "./junit.js";
import { fixture, policy } from "../../test/support/report-fixture.js";

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  isArray: (name) => ["testsuite", "testcase", "property"].includes(name),
});

describe("formatJunit", () => {
  it("writes a testsuite per target and a testcase per rule, parseable as XML", () => {
    const { evaluations, reports } = fixture();
    const xml = formatJunit(evaluations, reports);
    const doc = parser.parse(xml);
    const root = doc.testsuites;
    expect([root.name, root.tests, root.failures, root.errors, root.skipped]).toEqual([
      "tlsgate",
      "9",
      "3",
      "2",
      "0",
    ]);
    expect(
      root.testsuite.map((s: { name: string; tests: string; failures: string; errors: string }) => [
        s.name,
        s.tests,
        s.failures,
        s.errors,
      ]),
    ).toEqual([
      ["good.example:443", "3", "0", "0"],
      ["bad.example:8443", "3", "3", "0"],
      ["unknown.example:443", "3", "0", "2"],
    ]);
    const bad = root.testsuite[1];
    expect(bad.timestamp).toBe("2025-01-02T03:04:05.678Z");
    expect(bad.time).toBe("1.2345");
    expect(bad.properties.property).toEqual([
      { name: "policy", value: "acme/prod" },
      { name: "policy.version", value: "3.1.0" },
      { name: "policy.sha256", value: policy.sha256 },
      { name: "verdict", value: "FAIL" },
    ]);
    expect(
      bad.testcase.map((c: { name: string; classname: string }) => [c.classname, c.name]),
    ).toEqual([
      ["acme/prod", "no-legacy-protocols"],
      ["acme/prod", "no-weak-suites"],
      ["acme/prod", "ocsp-stapling"],
    ]);
    const weak = bad.testcase[1].failure;
    expect(weak.type).toBe("warning");
    expect(weak.message).toBe(
      "No weak or insecure cipher suites: TLS_RSA_WITH_3DES_EDE_CBC_SHA (TLSv1.2) is not allowed; TLS_RSA_WITH_RC4_128_SHA (TLSv1.0) is not allowed",
    );
    expect(weak["#text"]).toBe(
      [
        "/cipherSuites/4: TLS_RSA_WITH_3DES_EDE_CBC_SHA (TLSv1.2) is not allowed",
        "/cipherSuites/5: TLS_RSA_WITH_RC4_128_SHA (TLSv1.0) is not allowed",
        "Fix (Any server): Remove RC4, 3DES and CBC-SHA suites | keep AEAD <only>.",
      ].join("\n"),
    );
    const unknown = root.testsuite[2].testcase[0].error;
    expect(unknown).toMatchObject({
      type: "inconclusive",
      message: "inconclusive: Only TLS 1.2 and newer: TLSv1.1 support is unknown",
    });
  });

  it("skips inconclusive rules when inconclusive gates as a pass, and escapes XML", () => {
    const { evaluations, reports } = fixture();
    const [first] = evaluations;
    if (first === undefined) throw new Error("fixture");
    const odd = { ...first, target: 'a<b>&"c"\u0001', findings: first.findings };
    const doc = parser.parse(
      formatJunit([odd, ...evaluations.slice(2)], reports, { gate: { inconclusive: "pass" } }),
    );
    expect(doc.testsuites.testsuite[0].name).toBe('a<b>&"c"\uFFFD');
    expect(doc.testsuites.skipped).toBe("2");
    expect(doc.testsuites.testsuite[1].testcase[0].skipped).toEqual({
      message: "inconclusive: Only TLS 1.2 and newer: TLSv1.1 support is unknown",
    });
  });
});
