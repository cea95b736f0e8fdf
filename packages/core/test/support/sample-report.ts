import type {
  AcceptedCipherSuite,
  CertificateReport,
  ScanReport,
} from "../../src/scan-report/types.js";

/** A cipher suite entry as the scanner reports it (fields as in the registry). */
export function suite(
  protocol: AcceptedCipherSuite["protocol"],
  iana: string,
  fields: Partial<AcceptedCipherSuite> = {},
): AcceptedCipherSuite {
  return {
    protocol,
    code: "0xC02F",
    iana,
    openssl: null,
    kex: "ECDHE",
    auth: "RSA",
    encryption: "AESGCM",
    bits: 128,
    mac: "AEAD",
    aead: true,
    forwardSecrecy: true,
    export: false,
    strength: "recommended",
    ...fields,
  };
}

/**
 * A complete ScanReport of a well-configured TLS 1.2 + 1.3 server, typed as `ScanReport`: the
 * compiler holds it against types.ts and the schema test holds it against schema.ts. Every call
 * returns a fresh copy that a test may change.
 */
export function sampleReport(input = "example.com:443"): ScanReport {
  const certificate: CertificateReport = {
    keyType: "ecdsa",
    chain: [
      {
        subject: "CN=example.com",
        issuer: "CN=Example CA",
        serial: "01",
        notBefore: "2025-01-01T00:00:00.000Z",
        notAfter: "2025-04-01T00:00:00.000Z",
        daysRemaining: 89,
        lifespanDays: 90,
        keyType: "ecdsa",
        keyBits: 256,
        curve: "P-256",
        signatureAlgorithm: "ecdsa-with-SHA256",
        sha256: "ab".repeat(32),
        san: ["example.com", "www.example.com"],
        selfSigned: false,
        isCA: false,
        mustStaple: false,
        sctCount: 2,
      },
    ],
    trusted: true,
    trustError: null,
    hostnameMatch: true,
    chainComplete: true,
    chainOrder: true,
    ocspStapled: false,
    ocspStatus: null,
    ocsp: null,
  };
  return {
    schemaVersion: 2,
    scanner: { name: "tlsgate", version: "0.0.0" },
    startedAt: "2025-01-02T03:04:05.678Z",
    durationMs: 1234.5,
    target: {
      input,
      host: input.split(":")[0] ?? input,
      port: 443,
      sni: "example.com",
      address: "127.0.0.1",
      starttls: null,
      web: true,
    },
    reachable: true,
    errors: [],
    protocols: {
      SSLv2: false,
      SSLv3: false,
      "TLSv1.0": false,
      "TLSv1.1": false,
      "TLSv1.2": true,
      "TLSv1.3": true,
    },
    cipherSuites: [
      suite("TLSv1.3", "TLS_AES_128_GCM_SHA256", { code: "0x1301", kex: "any", auth: "any" }),
      suite("TLSv1.3", "TLS_AES_256_GCM_SHA384", {
        code: "0x1302",
        kex: "any",
        auth: "any",
        bits: 256,
      }),
      suite("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", {
        code: "0xC02F",
        openssl: "ECDHE-RSA-AES128-GCM-SHA256",
      }),
      suite("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", {
        code: "0xC030",
        openssl: "ECDHE-RSA-AES256-GCM-SHA384",
        bits: 256,
      }),
    ],
    serverPreference: [
      { protocol: "TLSv1.2", enforced: true, order: null },
      { protocol: "TLSv1.3", enforced: false, order: null },
    ],
    groups: [
      { protocol: "TLSv1.3", name: "x25519", code: "0x001D", bits: 128, postQuantum: false },
      {
        protocol: "TLSv1.3",
        name: "X25519MLKEM768",
        code: "0x11EC",
        bits: 192,
        postQuantum: true,
      },
      { protocol: "TLSv1.2", name: "secp256r1", code: "0x0017", bits: 128, postQuantum: false },
    ],
    dh: { supported: false, bits: null, primes: [] },
    certificate,
    certificates: [structuredClone(certificate)],
    features: {
      secureRenegotiation: true,
      extendedMasterSecret: true,
      fallbackScsv: true,
      compression: false,
      heartbeat: false,
      sessionResumption: { sessionId: true, ticket: true },
      alpn: { offered: ["h2", "http/1.1"], selected: "h2" },
      earlyData: false,
      hsts: {
        present: true,
        maxAge: 31536000,
        includeSubDomains: true,
        preload: false,
        raw: "max-age=31536000; includeSubDomains",
      },
    },
    clients: [
      {
        name: "Firefox 137 (Win 11)",
        family: "Firefox",
        version: "137",
        year: 2025,
        current: true,
        ok: true,
        protocol: "TLSv1.3",
        cipher: "TLS_AES_128_GCM_SHA256",
        group: "x25519",
        dhBits: null,
        reason: null,
        reasonCode: null,
      },
    ],
  };
}
