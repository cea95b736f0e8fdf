import { describe, expect, expectTypeOf, it } from "vitest";
import type { Protocol } from "../registry/protocols.js";
import type { StrengthClass } from "../registry/strength.js";
import { scanReportSchema } from "./schema.js";
import { sampleReport } from "../../test/support/sample-report.js";
import type {
  AcceptedCipherSuite,
  AcceptedGroup,
  CertificateInfo,
  CertificateReport,
  ClientSimulation,
  ConnectionFeatures,
  HstsPolicy,
  ScanError,
  ScanErrorCode,
  ScanReport,
  ScanTarget,
  ServerPreference,
} from "./types.js";
import { validateScanReport } from "./validate.js";

type Required<S extends { required: readonly string[] }> = S["required"][number];
type Defs = (typeof scanReportSchema)["$defs"];

describe("scanReportSchema", () => {
  it("names the same fields and values as types.ts (checked by the compiler)", () => {
    expectTypeOf<keyof ScanReport>().toEqualTypeOf<Required<typeof scanReportSchema>>();
    expectTypeOf<keyof ScanTarget>().toEqualTypeOf<Required<Defs["target"]>>();
    expectTypeOf<keyof ScanError>().toEqualTypeOf<Required<Defs["scanError"]>>();
    expectTypeOf<keyof AcceptedCipherSuite>().toEqualTypeOf<Required<Defs["cipherSuite"]>>();
    expectTypeOf<keyof ServerPreference>().toEqualTypeOf<Required<Defs["serverPreference"]>>();
    expectTypeOf<keyof AcceptedGroup>().toEqualTypeOf<Required<Defs["group"]>>();
    expectTypeOf<keyof CertificateReport>().toEqualTypeOf<Required<Defs["certificateReport"]>>();
    expectTypeOf<keyof CertificateInfo>().toEqualTypeOf<Required<Defs["certificateInfo"]>>();
    expectTypeOf<keyof ConnectionFeatures>().toEqualTypeOf<Required<Defs["features"]>>();
    expectTypeOf<keyof HstsPolicy>().toEqualTypeOf<Required<Defs["hsts"]>>();
    expectTypeOf<keyof ClientSimulation>().toEqualTypeOf<Required<Defs["client"]>>();
    expectTypeOf<Protocol>().toEqualTypeOf<Defs["protocol"]["enum"][number]>();
    expectTypeOf<keyof ScanReport["protocols"]>().toEqualTypeOf<
      Required<typeof scanReportSchema.properties.protocols>
    >();
    expectTypeOf<ScanErrorCode>().toEqualTypeOf<
      Defs["scanError"]["properties"]["code"]["enum"][number]
    >();
    expectTypeOf<StrengthClass | null>().toEqualTypeOf<
      Defs["cipherSuite"]["properties"]["strength"]["enum"][number]
    >();
    expectTypeOf<CertificateInfo["keyType"]>().toEqualTypeOf<
      Defs["certificateInfo"]["properties"]["keyType"]["enum"][number]
    >();
    expectTypeOf<CertificateReport["ocspStatus"]>().toEqualTypeOf<
      Defs["certificateReport"]["properties"]["ocspStatus"]["enum"][number]
    >();
    expectTypeOf<ClientSimulation["protocol"]>().toEqualTypeOf<
      Defs["client"]["properties"]["protocol"]["enum"][number]
    >();
    expect(scanReportSchema.$id).toBe("https://tlsgate.dev/schemas/scan-report/v2.json");
  });

  it("requires every property and allows no other, in every object", () => {
    const loose: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (Array.isArray(node)) {
        node.forEach((item, i) => visit(item, `${path}/${i}`));
        return;
      }
      if (typeof node !== "object" || node === null) return;
      const schema = node as Record<string, unknown>;
      if (schema.properties !== undefined && !path.endsWith("/properties")) {
        const keys = Object.keys(schema.properties as object).sort();
        const required = [...((schema.required as string[] | undefined) ?? [])].sort();
        if (schema.additionalProperties !== false || keys.join() !== required.join()) {
          loose.push(path);
        }
      }
      for (const [key, child] of Object.entries(schema)) visit(child, `${path}/${key}`);
    };
    visit(scanReportSchema, "");
    expect(loose).toEqual([]);
  });

  it("accepts a complete report typed as ScanReport", () => {
    const result = validateScanReport(sampleReport());
    expect(result.issues).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("accepts a report in which every fact is unknown", () => {
    const report = sampleReport();
    report.reachable = null;
    report.errors = [{ probe: "cipherSuites/TLSv1.2", code: "timeout", message: "no reply" }];
    for (const protocol of Object.keys(report.protocols) as Protocol[]) {
      report.protocols[protocol] = null;
    }
    report.cipherSuites = null;
    report.serverPreference = null;
    report.groups = null;
    report.dh = { supported: null, bits: null, primes: null };
    report.certificate = null;
    report.certificates = null;
    report.features.alpn = null;
    report.features.hsts = null;
    report.clients = null;
    expect(validateScanReport(report)).toMatchObject({ valid: true, issues: [] });
  });

  it("refuses a broken report, naming each problem with its pointer", () => {
    const report = sampleReport() as unknown as Record<string, unknown>;
    delete report.groups;
    (report.protocols as Record<string, unknown>)["TLSv1.3"] = "yes";
    report.tlsVersion = "1.3";
    const suites = report.cipherSuites as Record<string, unknown>[];
    (suites[0] as Record<string, unknown>).code = "c02f";
    const result = validateScanReport(report);
    expect(result.valid).toBe(false);
    expect(result.issues).toEqual(
      expect.arrayContaining([
        { pointer: "/groups", message: "missing property groups" },
        { pointer: "/tlsVersion", message: "tlsVersion is not a ScanReport field" },
        { pointer: "/protocols/TLSv1.3", message: "must be boolean,null" },
        { pointer: "/cipherSuites/0/code", message: expect.stringContaining("must match pattern") },
      ]),
    );
  });

  it("refuses a start time that is not an ISO 8601 date-time", () => {
    const report = sampleReport() as unknown as Record<string, unknown>;
    report.startedAt = "yesterday";
    expect(validateScanReport(report)).toMatchObject({
      valid: false,
      issues: [{ pointer: "/startedAt", message: 'must match format "date-time"' }],
    });
  });
});
