import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { sampleReport } from "../../test/support/sample-report.js";
import { compilePolicy, evaluate, ruleStatuses } from "../policy/evaluate.js";
import { resolvePolicyRef } from "../policy/resolve.js";
import { validateScanReport } from "../scan-report/validate.js";
import { upgradeScanReport } from "./upgrade.js";

/** A report saved by tlsgate at schemaVersion 1 (samples/mozilla-intermediate.json before v2). */
const savedV1File = (): Record<string, unknown> =>
  JSON.parse(
    readFileSync(new URL("../../test/fixtures/v1-report.json", import.meta.url), "utf8"),
  ) as Record<string, unknown>;

/** The sample report as a version 1 report was saved: no keyType, no ocsp details. */
function savedV1(): Record<string, unknown> {
  const report = JSON.parse(JSON.stringify(sampleReport())) as Record<string, unknown>;
  const strip = (certificate: Record<string, unknown>): Record<string, unknown> => {
    const { keyType: _keyType, ocsp: _ocsp, ...rest } = certificate;
    return rest;
  };
  const certificate = report.certificate as Record<string, unknown>;
  const { primes: _primes, ...dh } = report.dh as Record<string, unknown>;
  const { starttls: _starttls, ...target } = report.target as Record<string, unknown>;
  return {
    ...report,
    schemaVersion: 1,
    target,
    dh,
    certificate: strip(certificate),
    certificates: [strip(certificate)],
  };
}

describe("upgradeScanReport", () => {
  it("brings a saved v1 report to v2: keyType from the leaf, OCSP details unknown", () => {
    const v1 = savedV1();
    const before = JSON.stringify(v1);
    const upgraded = upgradeScanReport(v1) as Record<string, unknown>;
    expect(JSON.stringify(v1)).toBe(before); // the input is left alone
    expect(upgraded.schemaVersion).toBe(2);
    expect(upgraded.certificate).toEqual(
      expect.objectContaining({ keyType: "ecdsa", ocsp: null, ocspStapled: false }),
    );
    expect(upgraded).toEqual({ ...sampleReport(), certificates: null });
  });

  it("knows no served chain but the default one: certificates[] is unknown, not that one", () => {
    const v1 = savedV1File();
    expect(v1.schemaVersion).toBe(1);
    expect(v1.certificates).toHaveLength(1); // v1 listed the default chain only
    const validation = validateScanReport(v1);
    expect(validation.issues).toEqual([]);
    if (!validation.valid) throw new Error("the v1 fixture does not validate");
    expect(validation.report.certificates).toBeNull();
    expect(validation.report.certificate?.keyType).toBe("ecdsa");
    // Every baseline rule over the served chains is inconclusive on it, none passes.
    const policy = resolvePolicyRef("baseline");
    const statuses = ruleStatuses(evaluate(compilePolicy(policy), validation.report));
    const servedChainRules = Object.values(policy.rules)
      .filter((rule) => JSON.stringify(rule.schema).includes('"certificates"'))
      .map((rule) => rule.id);
    expect(servedChainRules.length).toBeGreaterThan(3);
    for (const id of servedChainRules) expect([id, statuses[id]]).toEqual([id, "inconclusive"]);
  });

  it("is what validation reads: a v1 report validates as v2, a v2 one unchanged", () => {
    const validation = validateScanReport(savedV1());
    expect(validation.valid).toBe(true);
    expect(validation.valid && validation.report.schemaVersion).toBe(2);
    expect(upgradeScanReport(sampleReport())).toEqual(sampleReport());
  });

  it("gives a v1 DHE server's primes as unknown, a server without DHE none", () => {
    const dhe = { ...savedV1(), dh: { supported: true, bits: 2048 } };
    expect(upgradeScanReport(dhe)).toMatchObject({
      dh: { supported: true, bits: 2048, primes: null },
    });
    expect(validateScanReport(dhe).valid).toBe(true);
    const unknown = { ...savedV1(), dh: { supported: null, bits: null } };
    expect(upgradeScanReport(unknown)).toMatchObject({ dh: { primes: null } });
  });

  it("leaves what is not an older report for validation to refuse", () => {
    expect(upgradeScanReport(null)).toBeNull();
    expect(upgradeScanReport({ schemaVersion: 99 })).toEqual({ schemaVersion: 99 });
    expect(validateScanReport({ schemaVersion: 99 }).valid).toBe(false);
    const noCertificate = { ...savedV1(), certificate: null, certificates: null };
    expect(upgradeScanReport(noCertificate)).toMatchObject({
      schemaVersion: 2,
      certificate: null,
      certificates: null,
    });
  });
});
