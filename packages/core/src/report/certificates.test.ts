import { describe, expect, it } from "vitest";
import { compilePolicy, evaluate } from "../policy/evaluate.js";
import { policyOf } from "../../test/support/policy.js";
import { sampleReport } from "../../test/support/sample-report.js";
import type { ScanReport } from "../scan-report/types.js";
import { chainLabel, describeChain } from "./certificates.js";
import { formatJunit } from "./junit.js";
import { formatMarkdown } from "./markdown.js";
import { formatText } from "./text.js";

/** A server with an ECDSA chain (complete) and an RSA chain missing its intermediate. */
function dualReport(): ScanReport {
  const report = sampleReport("dual.example:443");
  const ecdsa = report.certificate;
  if (ecdsa === null) throw new Error("sampleReport() has a certificate");
  const leaf = ecdsa.chain[0];
  if (leaf === undefined) throw new Error("sampleReport() has a leaf");
  const rsa = {
    ...ecdsa,
    keyType: "rsa" as const,
    chainComplete: false,
    trusted: false,
    trustError: "unknown-issuer",
    chain: [
      { ...leaf, keyType: "rsa" as const, keyBits: 2048, curve: null, subject: "CN=rsa.example" },
    ],
  };
  report.certificates = [ecdsa, rsa];
  return report;
}

const policy = policyOf({
  "certificate-chain-complete": {
    severity: "error",
    title: "Certificate chains are complete",
    message: "{pointer}: the chain is incomplete",
    schema: {
      properties: {
        certificates: { items: { properties: { chainComplete: { const: true } } } },
      },
    },
  },
});

describe("chain labels", () => {
  it("names a chain by its leaf key and subject", () => {
    const report = dualReport();
    expect(report.certificates?.map(describeChain)).toEqual([
      "ECDSA P-256, CN=example.com",
      "RSA 2048, CN=rsa.example",
    ]);
    expect(chainLabel(report, "/certificates/1/chainComplete")).toBe(
      "chain 2 of 2: RSA 2048, CN=rsa.example",
    );
    expect(chainLabel(report, "/certificates/2/chainComplete")).toBeNull();
    expect(chainLabel(report, "/protocols/TLSv1.0")).toBeNull();
    // One chain: nothing to tell apart.
    expect(chainLabel(sampleReport(), "/certificates/0/chainComplete")).toBeNull();
  });

  it("text, Markdown and JUnit say which chain a finding is about", () => {
    const report = dualReport();
    const evaluations = [evaluate(compilePolicy(policy), report)];
    const expected =
      "/certificates/1/chainComplete: the chain is incomplete (chain 2 of 2: RSA 2048, CN=rsa.example)";
    expect(formatText(evaluations, [report])).toContain(expected);
    expect(formatMarkdown(evaluations, [report])).toContain(expected);
    expect(formatJunit(evaluations, [report])).toContain(expected);
    // The complete ECDSA chain has no finding.
    expect(formatText(evaluations, [report])).not.toContain("chain 1 of 2");
  });
});
