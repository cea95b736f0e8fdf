import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv04Module from "ajv-draft-04";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { formatSarif } from "./sarif.js";
import { fixture } from "../../test/support/report-fixture.js";

// The official SARIF 2.1.0 schema (the OASIS release's rtm.5 JSON schema, draft-04), as shipped
// by Microsoft's sarif-js-sdk in @microsoft/jest-sarif.
const require = createRequire(import.meta.url);
const sarifSchema = JSON.parse(
  readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"),
) as object;

function validator(): (value: unknown) => string[] {
  // unicodeRegExp off: the schema's `language` pattern has a stray "]" that only the legacy
  // (non-unicode) RegExp syntax accepts.
  const ajv = new Ajv04Module.default({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormatsModule.default(ajv);
  const validate = ajv.compile(sarifSchema);
  return (value) =>
    validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe("formatSarif", () => {
  it("is valid against the official SARIF 2.1.0 schema", () => {
    const { evaluations, reports } = fixture();
    const validate = validator();
    expect(validate(JSON.parse(formatSarif(evaluations, reports)))).toEqual([]);
    const withArtifact = formatSarif(evaluations, reports, {
      artifact: { uri: "policies/acme.json", file: "test.json" },
      gate: { inconclusive: "pass" },
    });
    expect(validate(JSON.parse(withArtifact))).toEqual([]);
    // The schema does catch a broken log.
    expect(validate({ version: "2.1.0", runs: [{ tool: {} }] })).not.toEqual([]);
  });

  it("describes rules and yields one result per failing rule and target", () => {
    const { evaluations, reports } = fixture();
    const sarif = JSON.parse(formatSarif(evaluations, reports));
    const run = sarif.runs[0];
    expect(run.tool.driver.name).toBe("tlsgate");
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual([
      "no-legacy-protocols",
      "no-weak-suites",
      "ocsp-stapling",
    ]);
    expect(run.tool.driver.rules[0]).toMatchObject({
      name: "NoLegacyProtocols",
      shortDescription: { text: "Only TLS 1.2 and newer" },
      helpUri: "https://www.rfc-editor.org/rfc/rfc8996",
      defaultConfiguration: { level: "error" },
      help: { text: expect.stringContaining("nginx: ssl_protocols TLSv1.2 TLSv1.3;") },
    });
    expect(run.logicalLocations).toEqual([
      { name: "good.example:443", fullyQualifiedName: "good.example:443", kind: "resource" },
      { name: "bad.example:8443", fullyQualifiedName: "bad.example:8443", kind: "resource" },
      { name: "unknown.example:443", fullyQualifiedName: "unknown.example:443", kind: "resource" },
    ]);
    expect(
      run.results.map(
        (r: { ruleId: string; level: string; kind: string; properties: { target: string } }) => [
          r.ruleId,
          r.properties.target,
          r.kind,
          r.level,
        ],
      ),
    ).toEqual([
      ["no-legacy-protocols", "bad.example:8443", "fail", "error"],
      ["no-weak-suites", "bad.example:8443", "fail", "warning"],
      ["ocsp-stapling", "bad.example:8443", "fail", "note"],
      ["no-legacy-protocols", "unknown.example:443", "fail", "error"],
      ["ocsp-stapling", "unknown.example:443", "fail", "note"],
    ]);
    const suites = run.results[1];
    expect(suites.message.text).toBe(
      "No weak or insecure cipher suites on bad.example:8443: TLS_RSA_WITH_3DES_EDE_CBC_SHA (TLSv1.2) is not allowed; TLS_RSA_WITH_RC4_128_SHA (TLSv1.0) is not allowed",
    );
    expect(suites.locations[1]).toEqual({
      logicalLocations: [
        {
          name: "/cipherSuites/5",
          fullyQualifiedName: "bad.example:8443/cipherSuites/5",
          kind: "member",
          parentIndex: 1,
        },
      ],
      message: { text: "TLS_RSA_WITH_RC4_128_SHA (TLSv1.0) is not allowed" },
    });
    expect(run.results[3].message.text).toMatch(/^Inconclusive: Only TLS 1.2 and newer on unknown/);
  });

  it("keeps partial fingerprints stable across runs and distinct per rule and target", () => {
    const first = JSON.parse(formatSarif(fixture().evaluations, fixture().reports));
    const { evaluations, reports } = fixture();
    reports[1]?.cipherSuites?.pop(); // a different run: one bad suite fewer
    const second = JSON.parse(formatSarif(evaluations, reports));
    const prints = (log: typeof first): string[] =>
      log.runs[0].results.map(
        (r: { partialFingerprints: Record<string, string> }) =>
          r.partialFingerprints["tlsgateRuleTarget/v1"],
      );
    expect(prints(second)).toEqual(prints(first));
    expect(new Set(prints(first)).size).toBe(5);
  });

  it("attaches a physical location at the rule's line when the artifact defines it", () => {
    const { evaluations, reports } = fixture();
    const sarif = JSON.parse(
      formatSarif(evaluations, reports, {
        artifact: { uri: "policies/acme.json", file: "other.json" },
      }),
    );
    expect(sarif.runs[0].results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: "policies/acme.json" },
      region: { startLine: 1 },
    });
  });
});
