import { compilePolicy, evaluate } from "../../src/policy/evaluate.js";
import { policyOf } from "./policy.js";
import type { Evaluation } from "../../src/policy/types.js";
import { sampleReport, suite } from "./sample-report.js";
import type { ScanReport } from "../../src/scan-report/types.js";

export const policy = policyOf(
  {
    "no-legacy-protocols": {
      severity: "error",
      title: "Only TLS 1.2 and newer",
      description: "TLS 1.0 and 1.1 are deprecated by RFC 8996.",
      remediation: {
        nginx: "ssl_protocols TLSv1.2 TLSv1.3;",
        apache: "SSLProtocol -all +TLSv1.2 +TLSv1.3",
        haproxy: "ssl-default-bind-options ssl-min-ver TLSv1.2",
      },
      references: ["https://www.rfc-editor.org/rfc/rfc8996"],
      schema: {
        properties: {
          protocols: {
            properties: {
              SSLv2: { const: false },
              SSLv3: { const: false },
              "TLSv1.0": { const: false },
              "TLSv1.1": { const: false },
            },
          },
        },
      },
    },
    "no-weak-suites": {
      severity: "warning",
      title: "No weak or insecure cipher suites",
      remediation: { generic: "Remove RC4, 3DES and CBC-SHA suites | keep AEAD <only>." },
      schema: {
        properties: {
          cipherSuites: {
            items: { properties: { strength: { enum: ["recommended", "secure"] } } },
          },
        },
      },
    },
    "ocsp-stapling": {
      severity: "info",
      title: "OCSP stapling",
      schema: { properties: { certificate: { properties: { ocspStapled: { const: true } } } } },
    },
    "hsts-off": {
      severity: "off",
      title: "HSTS",
      schema: { properties: { features: { properties: { hsts: { type: "object" } } } } },
    },
  },
  "acme/prod",
  "3.1.0",
);

/** A good target, a bad one and one with unknown facts, evaluated against `policy`. */
export function fixture(): { reports: ScanReport[]; evaluations: Evaluation[] } {
  const good = sampleReport("good.example:443");
  if (good.certificate !== null) good.certificate.ocspStapled = true;

  const bad = sampleReport("bad.example:8443");
  bad.protocols["TLSv1.0"] = true;
  bad.cipherSuites?.push(
    suite("TLSv1.2", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", { code: "0x000A", strength: "insecure" }),
    suite("TLSv1.0", "TLS_RSA_WITH_RC4_128_SHA", { code: "0x0005", strength: "insecure" }),
  );

  const unknown = sampleReport("unknown.example:443");
  unknown.protocols["TLSv1.1"] = null;
  unknown.certificate = null;
  unknown.errors = [{ probe: "certificate", code: "timeout", message: "no handshake in 10 s" }];

  const compiled = compilePolicy(policy);
  const reports = [good, bad, unknown];
  return { reports, evaluations: reports.map((r) => evaluate(compiled, r)) };
}

/**
 * One target with a simulated client of each result, evaluated twice (two policies) to show
 * that the matrix is printed once per target.
 */
export function clientFixture(): { reports: ScanReport[]; evaluations: Evaluation[] } {
  const report = sampleReport("clients.example:443");
  const ok = report.clients?.[0];
  if (ok === undefined) throw new Error("sampleReport() has a client");
  const failed = { protocol: null, cipher: null, group: null, dhBits: null } as const;
  report.clients = [
    {
      ...ok,
      name: "Android 8.1 (native)",
      family: "Android",
      version: "8.1",
      year: 2017,
      ...failed,
      ok: null,
      reason: "connection failure (inconclusive): timeout: no reply",
      reasonCode: "connection-failed",
    },
    {
      ...ok,
      name: "IE 8 Win 7",
      family: "IE",
      version: "8",
      year: 2009,
      ...failed,
      ok: false,
      reason: "no shared protocol: the client (SSLv3–TLSv1.0) is older than the server (TLSv1.2)",
      reasonCode: "no-shared-protocol",
    },
    ok,
    {
      ...ok,
      name: "Java 7u25",
      family: "Java",
      version: "7u25",
      year: 2013,
      ok: false,
      protocol: "TLSv1.0",
      cipher: "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
      group: "ffdhe2048",
      dhBits: 2048,
      reason: "the client cannot use the server's 2048-bit DH group: it supports at most 1024 bits",
      reasonCode: "client-rejects",
    },
  ];
  const compiled = compilePolicy(policy);
  return {
    reports: [report],
    evaluations: [evaluate(compiled, report), evaluate(compiled, report)],
  };
}
