import { describe, expect, it } from "vitest";
import { CIPHER_SUITES, cipherSuiteByCode } from "./cipher-suites.js";
import {
  STRENGTH_CLASSES,
  STRENGTH_RULE_IDS,
  assessCipherSuite,
  classifyCipherSuite,
  type StrengthClass,
  type StrengthRuleId,
} from "./strength.js";
import type { CipherSuite, CipherSuiteRow } from "./types.js";

function suite(code: number): CipherSuite {
  const found = cipherSuiteByCode(code);
  if (found === undefined) throw new Error(`no suite 0x${code.toString(16)}`);
  return found;
}

// [code, OpenSSL or IANA name for the reader, class, deciding rule]
const SAMPLES: [string, string, StrengthClass | null, StrengthRuleId][] = [
  ["0x1301", "TLS_AES_128_GCM_SHA256", "recommended", "forward-secret-aead"],
  ["0xC02F", "ECDHE-RSA-AES128-GCM-SHA256", "recommended", "forward-secret-aead"],
  ["0xCCA9", "ECDHE-ECDSA-CHACHA20-POLY1305", "recommended", "forward-secret-aead"],
  ["0xC0AC", "ECDHE-ECDSA-AES128-CCM", "recommended", "forward-secret-aead"],
  ["0xC013", "ECDHE-RSA-AES128-SHA", "secure", "cbc"],
  ["0xC028", "ECDHE-RSA-AES256-SHA384", "secure", "cbc"],
  ["0x009E", "DHE-RSA-AES128-GCM-SHA256", "secure", "finite-field-dhe"],
  ["0xC0B0", "TLS_ECCPWD_WITH_AES_128_GCM_SHA256", "secure", "password-exchange"],
  ["0xC060", "ECDHE-ARIA128-GCM-SHA256", "secure", "uncommon-aead"],
  ["0x1306", "TLS_AEGIS_256_SHA512", "secure", "uncommon-aead"],
  ["0x000A", "DES-CBC3-SHA", "weak", "64-bit-block"],
  ["0xC012", "ECDHE-RSA-DES-CBC3-SHA", "weak", "64-bit-block"],
  ["0x0007", "IDEA-CBC-SHA", "weak", "64-bit-block"],
  ["0x002F", "AES128-SHA", "weak", "no-forward-secrecy"],
  ["0x009C", "AES128-GCM-SHA256", "weak", "no-forward-secrecy"],
  ["0xC02D", "ECDH-ECDSA-AES128-GCM-SHA256", "weak", "no-forward-secrecy"],
  ["0x00A8", "PSK-AES128-GCM-SHA256", "weak", "no-forward-secrecy"],
  ["0xC0AE", "ECDHE-ECDSA-AES128-CCM8", "weak", "truncated-tag"],
  ["0x1305", "TLS_AES_128_CCM_8_SHA256", "weak", "truncated-tag"],
  ["0xCC13", "ECDHE-RSA-CHACHA20-POLY1305-OLD", "weak", "non-standard"],
  ["0x16B9", "TLS_CECPQ1_RSA_WITH_AES_256_GCM_SHA384", "weak", "non-standard"],
  ["0x0000", "TLS_NULL_WITH_NULL_NULL", "insecure", "null-encryption"],
  ["0xC010", "ECDHE-RSA-NULL-SHA", "insecure", "null-encryption"],
  ["0xC0B4", "TLS_SHA256_SHA256", "insecure", "null-encryption"],
  ["0x00A6", "ADH-AES128-GCM-SHA256", "insecure", "anonymous"],
  ["0xC018", "AECDH-AES128-SHA", "insecure", "anonymous"],
  ["0x0003", "EXP-RC4-MD5", "insecure", "export"],
  ["0x0014", "EXP-EDH-RSA-DES-CBC-SHA", "insecure", "export"],
  ["0x0005", "RC4-SHA", "insecure", "broken-cipher"],
  ["0xC011", "ECDHE-RSA-RC4-SHA", "insecure", "broken-cipher"],
  ["0x0009", "DES-CBC-SHA", "insecure", "broken-cipher"],
  ["0x0023", "KRB5-DES-CBC3-MD5", "insecure", "md5-mac"],
  ["0x0A0A", "GREASE", null, "not-a-cipher-suite"],
  ["0x5600", "TLS_FALLBACK_SCSV", null, "not-a-cipher-suite"],
];

describe("strength classes", () => {
  it.each(SAMPLES)("%s %s is %s (%s)", (hex, _name, strength, rule) => {
    const row = suite(Number.parseInt(hex, 16));
    const assessment = assessCipherSuite(row);
    expect(assessment.strength).toBe(strength);
    expect(assessment.rule).toBe(rule);
    expect(classifyCipherSuite(row)).toBe(strength);
    expect(row.strength).toBe(strength);
  });

  it("gives a reason for every verdict", () => {
    expect(assessCipherSuite(suite(0x000a)).reason).toMatch(/SWEET32/);
    expect(assessCipherSuite(suite(0x002f)).reason).toMatch(/forward secrecy/);
    expect(assessCipherSuite(suite(0x0003)).reason).toMatch(/export/);
    expect(assessCipherSuite(suite(0xc013)).reason).toMatch(/CBC/);
    for (const s of CIPHER_SUITES) expect(assessCipherSuite(s).reason).not.toBe("");
  });

  it("uses every rule for at least one suite in the registry", () => {
    const used = new Set(CIPHER_SUITES.map((s) => assessCipherSuite(s).rule));
    expect([...used].sort()).toEqual([...STRENGTH_RULE_IDS].sort());
  });

  it("gives every class to at least one suite, and nothing else", () => {
    const classes = new Set(CIPHER_SUITES.map((s) => s.strength));
    expect([...classes].sort()).toEqual([...STRENGTH_CLASSES, null].sort());
  });

  it("applies the first rule that matches", () => {
    // ECDHE with 3DES is forward secret, but 3DES decides.
    const base = suite(0xc02f);
    const row: CipherSuiteRow = { ...base, encryption: "3DES_EDE_CBC", aead: false, mac: "SHA" };
    expect(assessCipherSuite(row).rule).toBe("64-bit-block");
    // Anonymous and export together: anonymous is checked first.
    expect(assessCipherSuite(suite(0x0017)).rule).toBe("anonymous"); // EXP-ADH-RC4-MD5
  });

  it("agrees with the sources where they speak", () => {
    for (const s of CIPHER_SUITES) {
      // Every suite IANA marks Recommended=Y is recommended here too.
      if (s.recommended === "Y") expect(s.strength, s.iana).toBe("recommended");
      // Recommended always means forward secrecy and an AEAD.
      if (s.strength === "recommended") {
        expect(s.forwardSecrecy && s.aead, s.iana).toBe(true);
      }
      // Only GREASE and SCSVs go without a class.
      expect(s.strength === null, s.iana).toBe(s.grease || s.scsv);
    }
  });
});
