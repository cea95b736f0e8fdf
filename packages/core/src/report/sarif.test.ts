import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { githubSarifProblems, sarifSchemaProblems } from "@tlsgate/testing";
import { describe, expect, it } from "vitest";
import { formatSarif, offendingKey } from "./sarif.js";
import { fixture } from "../../test/support/report-fixture.js";

describe("formatSarif", () => {
  it("is valid against the official SARIF 2.1.0 schema", () => {
    const { evaluations, reports } = fixture();
    const validate = sarifSchemaProblems;
    expect(validate(JSON.parse(formatSarif(evaluations, reports)))).toEqual([]);
    const withArtifact = formatSarif(evaluations, reports, {
      artifact: { uri: "policies/acme.json", file: "test.json" },
      gate: { inconclusive: "pass" },
    });
    expect(validate(JSON.parse(withArtifact))).toEqual([]);
    // The schema does catch a broken log.
    expect(validate({ version: "2.1.0", runs: [{ tool: {} }] })).not.toEqual([]);
  });

  it("describes rules and yields one result per failing finding", () => {
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
      properties: { "security-severity": "7.5" },
    });
    expect(
      run.tool.driver.rules.map(
        (r: { properties: Record<string, string> }) => r.properties["security-severity"],
      ),
    ).toEqual(["7.5", "5.0", "2.0"]);
    expect(run.logicalLocations).toEqual([
      { name: "good.example:443", fullyQualifiedName: "good.example:443", kind: "resource" },
      { name: "bad.example:8443", fullyQualifiedName: "bad.example:8443", kind: "resource" },
      { name: "unknown.example:443", fullyQualifiedName: "unknown.example:443", kind: "resource" },
    ]);
    expect(
      run.results.map(
        (r: {
          ruleId: string;
          level: string;
          kind: string;
          properties: Record<string, string>;
        }) => [r.ruleId, r.properties.target, r.properties.pointer, r.kind, r.level],
      ),
    ).toEqual([
      ["no-legacy-protocols", "bad.example:8443", "/protocols/TLSv1.0", "fail", "error"],
      ["no-weak-suites", "bad.example:8443", "/cipherSuites/4", "fail", "warning"],
      ["no-weak-suites", "bad.example:8443", "/cipherSuites/5", "fail", "warning"],
      ["ocsp-stapling", "bad.example:8443", "/certificate/ocspStapled", "fail", "note"],
      ["no-legacy-protocols", "unknown.example:443", "/protocols/TLSv1.1", "fail", "error"],
      ["ocsp-stapling", "unknown.example:443", "/certificate", "fail", "note"],
    ]);
    const rc4 = run.results[2];
    expect(rc4.message.text).toBe(
      "No weak or insecure cipher suites on bad.example:8443: TLS_RSA_WITH_RC4_128_SHA (TLSv1.0) is not allowed",
    );
    // No policy file in a repository: the endpoint itself is the artifact.
    expect(rc4.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: "tls://bad.example:443" },
          region: { startLine: 1 },
        },
        logicalLocations: [
          {
            name: "/cipherSuites/5",
            fullyQualifiedName: "bad.example:8443/cipherSuites/5",
            kind: "member",
            parentIndex: 1,
          },
        ],
      },
    ]);
    expect(run.results[4].message.text).toMatch(/^Inconclusive: Only TLS 1.2 and newer on unknown/);
    expect(run.automationDetails).toBeUndefined();
  });

  it("meets GitHub code scanning's upload requirements, with a category when given", () => {
    const { evaluations, reports } = fixture();
    const sarif = JSON.parse(formatSarif(evaluations, reports, { category: "tls/prod" }));
    expect(githubSarifProblems(sarif)).toEqual([]);
    expect(sarifSchemaProblems(sarif)).toEqual([]);
    expect(sarif.runs[0].automationDetails).toEqual({ id: "tls/prod/" });
    // The checker does catch a result code scanning would drop.
    delete sarif.runs[0].results[0].locations;
    delete sarif.runs[0].tool.driver.rules[0].properties["security-severity"];
    expect(githubSarifProblems(sarif)).toEqual([
      "runs/0/tool/driver/rules/0: security-severity undefined is not a 0.0–10.0 string",
      "runs/0/results/0: no location",
    ]);
  });

  it("keeps partial fingerprints stable across runs and distinct per offending value", () => {
    const first = JSON.parse(formatSarif(fixture().evaluations, fixture().reports));
    const { evaluations, reports } = fixture();
    // A different run: the weak suites listed in another order, one good suite fewer.
    const suites = reports[1]!.cipherSuites!;
    reports[1]!.cipherSuites = [suites[5]!, ...suites.slice(1, 5).reverse()];
    const second = JSON.parse(formatSarif(evaluations, reports));
    type Result = {
      ruleId: string;
      message: { text: string };
      partialFingerprints: Record<string, string>;
    };
    const prints = (log: typeof first): Map<string, string> =>
      new Map(
        log.runs[0].results.map((r: Result) => [
          r.message.text,
          r.partialFingerprints["tlsgateFinding/v2"],
        ]),
      );
    const before = prints(first);
    const after = prints(second);
    expect(before.size).toBe(6);
    expect(new Set(before.values()).size).toBe(6);
    for (const [message, print] of after) expect(before.get(message)).toBe(print);
    expect(after.size).toBeGreaterThanOrEqual(3);
  });

  it("keys a finding by what offends, not by its place in a list or by what changes daily", () => {
    const finding = {
      ruleId: "r",
      severity: "error" as const,
      status: "fail" as const,
      target: "t",
      message: "m",
    };
    expect(
      offendingKey({
        ...finding,
        pointer: "/certificate/chain/0",
        value: { sha256: "ab", daysRemaining: 3 },
      }),
    ).toBe("/certificate/chain/-=ab");
    expect(
      offendingKey({
        ...finding,
        pointer: "/cipherSuites/12",
        value: { iana: "TLS_RSA_WITH_RC4_128_SHA", protocol: "TLSv1.0" },
      }),
    ).toBe("/cipherSuites/-=TLS_RSA_WITH_RC4_128_SHA TLSv1.0");
    expect(offendingKey({ ...finding, pointer: "/protocols/TLSv1.0", value: true })).toBe(
      "/protocols/TLSv1.0=true",
    );
  });

  it("locates a result at its rule's line when the policy file is in the repository", () => {
    const { evaluations, reports } = fixture();
    const root = mkdtempSync(join(tmpdir(), "tlsgate-sarif-"));
    const file = join(root, "policies", "acme.json");
    const moved = evaluations.map((evaluation) => ({
      ...evaluation,
      rules: Object.fromEntries(
        Object.entries(evaluation.rules).map(([id, rule]) => [
          id,
          { ...rule, source: { file, line: 7, column: 5 } },
        ]),
      ),
    }));
    const sarif = JSON.parse(formatSarif(moved, reports, { root }));
    for (const result of sarif.runs[0].results) {
      expect(result.locations[0].physicalLocation).toEqual({
        artifactLocation: { uri: "policies/acme.json" },
        region: { startLine: 7 },
      });
    }
    expect(githubSarifProblems(sarif)).toEqual([]);
  });

  it("attaches a physical location at line 1 of the artifact when it does not define the rule", () => {
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
