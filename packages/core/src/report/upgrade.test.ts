import { describe, expect, it } from "vitest";
import { sampleReport } from "../../test/support/sample-report.js";
import { validateScanReport } from "../scan-report/validate.js";
import { upgradeScanReport } from "./upgrade.js";

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
    expect(upgraded.certificates).toEqual([
      expect.objectContaining({ keyType: "ecdsa", ocsp: null, ocspStapled: false }),
    ]);
    expect(upgraded).toEqual(JSON.parse(JSON.stringify(sampleReport())));
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
