// Benchmark of the policy engine: 10,000 synthetic ScanReports (some with bad suites, legacy
// protocols or unknown facts) against a 40-rule policy, using @tlsgate/core's sources (through
// tsx; `npm run bench:policy` builds @tlsgate/policies' presets first). Reports the time to load and
// compile the policy, to evaluate every report, reports per second, and two baselines measured
// in the same run: one bare ajv validate of all 40 rules as a single allOf schema (the floor for
// "run the rules"), and JSON.parse of the same reports (the cost of merely reading them).
//
// Usage: tsx scripts/bench-policy.ts [--reports 10000] [--runs 5]   (npm run bench:policy)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { compilePolicy, evaluate, verdictOf } from "../packages/core/src/policy/evaluate.js";
// The baseline compiles the same prepared rule schemas that compilePolicy compiles.
import { lintRuleSchema } from "../packages/core/src/policy/lint.js";
import { resolvePolicy } from "../packages/core/src/policy/resolve.js";
import type {
  Evaluation,
  PolicyDocument,
  RuleSchema,
  Severity,
} from "../packages/core/src/policy/types.js";
import type {
  AcceptedCipherSuite,
  CertificateReport,
  ScanReport,
} from "../packages/core/src/scan-report/types.js";

const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const REPORTS = argument("reports", 10_000);
const RUNS = argument("runs", 5);

// --- the policy: 40 rules over every part of the report ---------------------------------------

const protocol = (name: string, value: boolean): RuleSchema => ({
  properties: { protocols: { properties: { [name]: { const: value } } } },
});
const suites = (item: RuleSchema): RuleSchema => ({
  properties: { cipherSuites: { items: item } },
});
const suiteField = (field: string, schema: RuleSchema): RuleSchema =>
  suites({ properties: { [field]: schema } });
const feature = (name: string, schema: RuleSchema): RuleSchema => ({
  properties: { features: { properties: { [name]: schema } } },
});
const certificate = (properties: RuleSchema): RuleSchema => ({
  properties: { certificate: { properties } },
});
const chain = (item: RuleSchema): RuleSchema => certificate({ chain: { items: item } });
const leaf = (item: RuleSchema): RuleSchema => certificate({ chain: { prefixItems: [item] } });

const rules: Record<string, [Severity, RuleSchema]> = {
  "no-sslv2": ["error", protocol("SSLv2", false)],
  "no-sslv3": ["error", protocol("SSLv3", false)],
  "no-tls10": ["error", protocol("TLSv1.0", false)],
  "no-tls11": ["error", protocol("TLSv1.1", false)],
  "tls12-enabled": ["error", protocol("TLSv1.2", true)],
  "tls13-enabled": ["warning", protocol("TLSv1.3", true)],
  "no-null-ciphers": ["error", suiteField("encryption", { not: { const: "NULL" } })],
  "no-export-suites": ["error", suiteField("export", { const: false })],
  "no-rc4": ["error", suiteField("iana", { not: { pattern: "_RC4_" } })],
  "no-3des": ["error", suiteField("iana", { not: { pattern: "3DES" } })],
  "min-128-bit-ciphers": ["error", suiteField("bits", { minimum: 128 })],
  "forward-secrecy": ["error", suiteField("forwardSecrecy", { const: true })],
  "aead-only": ["warning", suiteField("aead", { const: true })],
  "strong-suites": ["error", suiteField("strength", { enum: ["recommended", "secure"] })],
  "no-anonymous-suites": ["error", suiteField("auth", { not: { enum: ["NULL", "anon"] } })],
  "no-md5-mac": ["error", suiteField("mac", { not: { const: "MD5" } })],
  "no-sha1-mac": ["info", suiteField("mac", { not: { const: "SHA" } })],
  "no-cbc": ["info", suiteField("encryption", { not: { pattern: "CBC" } })],
  "server-preference": [
    "warning",
    { properties: { serverPreference: { items: { properties: { enforced: { const: true } } } } } },
  ],
  "strong-groups": [
    "error",
    { properties: { groups: { items: { properties: { bits: { minimum: 128 } } } } } },
  ],
  "pq-group": [
    "info",
    { properties: { groups: { contains: { properties: { postQuantum: { const: true } } } } } },
  ],
  x25519: [
    "info",
    { properties: { groups: { contains: { properties: { name: { const: "x25519" } } } } } },
  ],
  "dh-2048": [
    "error",
    {
      if: { properties: { dh: { properties: { supported: { const: true } } } } },
      then: { properties: { dh: { properties: { bits: { minimum: 2048 } } } } },
    },
  ],
  "certificate-trusted": ["error", certificate({ trusted: { const: true } })],
  "hostname-match": ["error", certificate({ hostnameMatch: { const: true } })],
  "chain-complete": ["warning", certificate({ chainComplete: { const: true } })],
  "chain-order": ["info", certificate({ chainOrder: { const: true } })],
  "rsa-2048": [
    "error",
    chain({
      if: { properties: { keyType: { const: "rsa" } } },
      then: { properties: { keyBits: { minimum: 2048 } } },
    }),
  ],
  "ecdsa-curves": [
    "error",
    chain({
      if: { properties: { keyType: { const: "ecdsa" } } },
      then: { properties: { curve: { enum: ["P-256", "P-384", "P-521"] } } },
    }),
  ],
  "no-sha1-signatures": [
    "error",
    leaf({ properties: { signatureAlgorithm: { not: { pattern: "[Ss][Hh][Aa]1" } } } }),
  ],
  "expiry-14-days": ["warning", leaf({ properties: { daysRemaining: { minimum: 14 } } })],
  "lifespan-398-days": ["warning", leaf({ properties: { lifespanDays: { maximum: 398 } } })],
  "not-self-signed": ["error", leaf({ properties: { selfSigned: { const: false } } })],
  "ocsp-stapling": ["info", certificate({ ocspStapled: { const: true } })],
  "secure-renegotiation": ["error", feature("secureRenegotiation", { const: true })],
  "no-compression": ["error", feature("compression", { const: false })],
  "no-heartbeat": ["warning", feature("heartbeat", { const: false })],
  "fallback-scsv": ["warning", feature("fallbackScsv", { const: true })],
  "hsts-180-days": ["warning", feature("hsts", { properties: { maxAge: { minimum: 15552000 } } })],
  "extended-master-secret": ["warning", feature("extendedMasterSecret", { const: true })],
};

const document: PolicyDocument = {
  name: "bench/forty-rules",
  version: "1.0.0",
  rules: Object.fromEntries(
    Object.entries(rules).map(([id, [severity, schema]]) => [
      id,
      { severity, title: id.replace(/-/g, " "), schema },
    ]),
  ),
};
if (Object.keys(document.rules ?? {}).length !== 40)
  throw new Error("the bench policy needs 40 rules");

// --- synthetic reports -------------------------------------------------------------------------

let seed = 0x5eed;
const random = (): number => {
  // mulberry32: deterministic, so every run measures the same reports.
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

const suite = (
  protocol: AcceptedCipherSuite["protocol"],
  iana: string,
  fields: Partial<AcceptedCipherSuite> = {},
): AcceptedCipherSuite => ({
  protocol,
  code: "0xC02F",
  iana,
  openssl: null,
  kex: "ECDHE",
  auth: "RSA",
  encryption: "AES_128_GCM",
  bits: 128,
  mac: "AEAD",
  aead: true,
  forwardSecrecy: true,
  export: false,
  strength: "recommended",
  ...fields,
});
const GOOD_SUITES = [
  suite("TLSv1.3", "TLS_AES_128_GCM_SHA256", { code: "0x1301", kex: "any", auth: "any" }),
  suite("TLSv1.3", "TLS_AES_256_GCM_SHA384", {
    code: "0x1302",
    kex: "any",
    auth: "any",
    bits: 256,
  }),
  suite("TLSv1.3", "TLS_CHACHA20_POLY1305_SHA256", {
    code: "0x1303",
    kex: "any",
    auth: "any",
    bits: 256,
  }),
  suite("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", { code: "0xC02F" }),
  suite("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", { code: "0xC030", bits: 256 }),
  suite("TLSv1.2", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", { code: "0xCCA8", bits: 256 }),
  suite("TLSv1.2", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", { code: "0x009E", kex: "DHE" }),
  suite("TLSv1.2", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", {
    code: "0x009F",
    kex: "DHE",
    bits: 256,
  }),
];
const BAD_SUITES = [
  suite("TLSv1.2", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", {
    code: "0x000A",
    kex: "RSA",
    encryption: "3DES_EDE_CBC",
    bits: 112,
    mac: "SHA",
    aead: false,
    forwardSecrecy: false,
    strength: "insecure",
  }),
  suite("TLSv1.2", "TLS_RSA_WITH_RC4_128_SHA", {
    code: "0x0005",
    kex: "RSA",
    encryption: "RC4_128",
    mac: "SHA",
    aead: false,
    forwardSecrecy: false,
    strength: "insecure",
  }),
  suite("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", {
    code: "0xC013",
    encryption: "AES_128_CBC",
    mac: "SHA",
    aead: false,
    strength: "weak",
  }),
  suite("TLSv1.2", "TLS_RSA_WITH_AES_256_CBC_SHA256", {
    code: "0x003D",
    kex: "RSA",
    encryption: "AES_256_CBC",
    bits: 256,
    mac: "SHA256",
    aead: false,
    forwardSecrecy: false,
    strength: "weak",
  }),
  suite("TLSv1.2", "TLS_RSA_EXPORT_WITH_RC4_40_MD5", {
    code: "0x0003",
    kex: "RSA_EXPORT",
    encryption: "RC4_40",
    bits: 40,
    mac: "MD5",
    aead: false,
    forwardSecrecy: false,
    export: true,
    strength: "insecure",
  }),
];

function certificateReport(rsa: boolean): CertificateReport {
  return {
    keyType: rsa ? "rsa" : "ecdsa",
    chain: [
      {
        subject: "CN=bench.example",
        issuer: "CN=Bench CA",
        serial: "01",
        notBefore: "2025-01-01T00:00:00.000Z",
        notAfter: "2025-04-01T00:00:00.000Z",
        daysRemaining: random() < 0.03 ? Math.floor(random() * 14) : 14 + Math.floor(random() * 76),
        lifespanDays: random() < 0.02 ? 825 : 90,
        keyType: rsa ? "rsa" : "ecdsa",
        keyBits: rsa ? (random() < 0.03 ? 1024 : pick([2048, 3072, 4096])) : 256,
        curve: rsa ? null : random() < 0.02 ? "secp256k1" : pick(["P-256", "P-384"]),
        signatureAlgorithm: random() < 0.01 ? "sha1WithRSAEncryption" : "sha256WithRSAEncryption",
        sha256: "ab".repeat(32),
        san: ["bench.example"],
        selfSigned: random() < 0.01,
        isCA: false,
        mustStaple: false,
        sctCount: 2,
      },
    ],
    trusted: random() < 0.98,
    trustError: null,
    hostnameMatch: random() < 0.99,
    chainComplete: true,
    chainOrder: true,
    ocspStapled: random() < 0.8,
    ocspStatus: null,
    ocsp: null,
  };
}

function syntheticReport(index: number): ScanReport {
  const cipherSuites = GOOD_SUITES.map((s) => ({ ...s }));
  if (random() < 0.3) {
    const count = 1 + Math.floor(random() * 3);
    for (let i = 0; i < count; i++) cipherSuites.push({ ...pick(BAD_SUITES) });
  }
  const certificate = certificateReport(random() < 0.6);
  const report: ScanReport = {
    schemaVersion: 2,
    scanner: { name: "tlsgate", version: "0.0.0" },
    startedAt: "2025-01-02T03:04:05.678Z",
    durationMs: 1500,
    target: {
      input: `host-${index}.bench.example:443`,
      host: `host-${index}.bench.example`,
      port: 443,
      sni: `host-${index}.bench.example`,
      address: "127.0.0.1",
      starttls: null,
      web: true,
    },
    reachable: true,
    errors: [],
    protocols: {
      SSLv2: false,
      SSLv3: false,
      "TLSv1.0": random() < 0.05,
      "TLSv1.1": random() < 0.05,
      "TLSv1.2": true,
      "TLSv1.3": random() < 0.95,
    },
    cipherSuites,
    serverPreference: [
      { protocol: "TLSv1.2", enforced: random() < 0.95, order: null },
      { protocol: "TLSv1.3", enforced: true, order: null },
    ],
    groups: [
      { protocol: "TLSv1.3", name: "x25519", code: "0x001D", bits: 128, postQuantum: false },
      { protocol: "TLSv1.2", name: "secp256r1", code: "0x0017", bits: 128, postQuantum: false },
      ...(random() < 0.7
        ? [
            {
              protocol: "TLSv1.3" as const,
              name: "X25519MLKEM768",
              code: "0x11EC",
              bits: 192,
              postQuantum: true,
            },
          ]
        : []),
    ],
    dh: { supported: true, bits: random() < 0.03 ? 1024 : pick([2048, 3072, 4096]), primes: null },
    certificate,
    certificates: [certificate],
    features: {
      secureRenegotiation: true,
      extendedMasterSecret: random() < 0.97,
      fallbackScsv: random() < 0.97,
      compression: false,
      heartbeat: false,
      sessionResumption: { sessionId: true, ticket: true },
      alpn: { offered: ["h2", "http/1.1"], selected: "h2" },
      earlyData: false,
      hsts: {
        present: true,
        maxAge: random() < 0.05 ? 300 : pick([31536000, 63072000]),
        includeSubDomains: true,
        preload: false,
        raw: "max-age=31536000",
      },
    },
    clients: null,
  };
  // About 10% of reports have unknown facts: a list, a protocol or the certificate is null.
  if (random() < 0.1) {
    const unknown = pick(["cipherSuites", "protocol", "certificate", "hsts", "groups"]);
    if (unknown === "cipherSuites") report.cipherSuites = null;
    if (unknown === "protocol") report.protocols["TLSv1.1"] = null;
    if (unknown === "certificate") {
      report.certificate = null;
      report.certificates = null;
    }
    if (unknown === "hsts") report.features.hsts = null;
    if (unknown === "groups") report.groups = null;
    report.errors.push({ probe: unknown, code: "timeout", message: "no reply" });
  }
  return report;
}

// --- measure -----------------------------------------------------------------------------------

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const ms = (value: number): string => `${value.toFixed(1)} ms`;
const time = <T>(run: () => T): [number, T] => {
  const start = performance.now();
  const result = run();
  return [performance.now() - start, result];
};

const dir = mkdtempSync(join(tmpdir(), "tlsgate-bench-"));
try {
  const file = join(dir, "policy.json");
  writeFileSync(file, JSON.stringify(document, null, 2));
  const reports = Array.from({ length: REPORTS }, (_, i) => syntheticReport(i));
  const texts = reports.map((r) => JSON.stringify(r));

  const [loadMs, resolved] = time(() => resolvePolicy(file));
  const [compileMs, compiled] = time(() => compilePolicy(resolved));

  // Baseline 1: the same 40 prepared rule schemas as one allOf, one ajv validate per report.
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictRequired: false,
    strictTuples: false,
    allowUnionTypes: true,
  });
  addFormatsModule.default(ajv);
  const allOf = Object.values(resolved.rules).map((r) => lintRuleSchema(r.schema).prepared);
  const [bareCompileMs, bare] = time(() => ajv.compile({ allOf }));

  // Warm up all three loops once, then take the median of RUNS runs.
  for (const [i, report] of reports.slice(0, 1000).entries()) {
    evaluate(compiled, report);
    bare(report);
    JSON.parse(texts[i] ?? "null");
  }
  const evaluateRuns: number[] = [];
  const bareRuns: number[] = [];
  const parseRuns: number[] = [];
  let evaluations: Evaluation[] = [];
  let bareFailing = 0;
  for (let run = 0; run < RUNS; run++) {
    let elapsed;
    [elapsed, evaluations] = time(() => reports.map((report) => evaluate(compiled, report)));
    evaluateRuns.push(elapsed);
    [elapsed, bareFailing] = time(() =>
      reports.reduce((n, report) => n + (bare(report) ? 0 : 1), 0),
    );
    bareRuns.push(elapsed);
    [elapsed] = time(() => texts.reduce((n, text) => n + JSON.parse(text).durationMs, 0));
    parseRuns.push(elapsed);
  }

  const evaluateMs = median(evaluateRuns);
  const bareMs = median(bareRuns);
  const parseMs = median(parseRuns);
  const verdicts = { pass: 0, fail: 0, inconclusive: 0 };
  let findings = 0;
  for (const evaluation of evaluations) {
    verdicts[evaluation.verdict]++;
    findings += evaluation.findings.filter((f) => f.status !== "pass").length;
  }
  const gate = verdictOf(evaluations, { failOn: "error" });

  console.log(`tlsgate policy benchmark (node ${process.version}, median of ${RUNS} runs)`);
  console.log(
    `  policy          40 rules; load + lint + resolve ${ms(loadMs)}; compile ${ms(compileMs)}`,
  );
  console.log(
    `  reports         ${REPORTS} synthetic (${verdicts.pass} pass, ${verdicts.fail} fail, ${verdicts.inconclusive} inconclusive; ${findings} failing/inconclusive findings; gate ${gate.verdict} with ${gate.blocking.length} blocking)`,
  );
  console.log(
    `  evaluate        ${ms(evaluateMs)}  (${Math.round((REPORTS / evaluateMs) * 1000).toLocaleString("en")} reports/s, ${((evaluateMs * 1000) / REPORTS).toFixed(1)} µs/report)`,
  );
  console.log(
    `  baseline ajv    ${ms(bareMs)}  (one allOf of the 40 rules, compiled in ${ms(bareCompileMs)}; ${bareFailing} reports failing)  → evaluate is ${(evaluateMs / bareMs).toFixed(2)}× bare ajv`,
  );
  console.log(
    `  baseline parse  ${ms(parseMs)}  (JSON.parse of the same reports)  → evaluate is ${(evaluateMs / parseMs).toFixed(2)}× JSON.parse`,
  );
  console.log(
    `  target          ${REPORTS} evaluations under 1 s: ${evaluateMs < 1000 ? "met" : "MISSED"}`,
  );
  if (evaluateMs >= 1000) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
