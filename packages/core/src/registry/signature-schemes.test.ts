import { describe, expect, it } from "vitest";
import {
  SIGNATURE_SCHEMES,
  signatureSchemeByCode,
  signatureSchemeByName,
} from "./signature-schemes.js";
import { readDataJson, type IanaSignatureSchemeEntry } from "@tlsgate/testing/data";

describe("signature schemes", () => {
  it("hold every named IANA scheme and no Reserved row", () => {
    const iana = readDataJson<IanaSignatureSchemeEntry[]>("iana/tls-signature-schemes.json");
    const named = iana.filter((e) => !e.name.startsWith("Reserved"));
    expect(named).toHaveLength(49);
    expect(SIGNATURE_SCHEMES).toHaveLength(named.length);
    for (const entry of named) {
      expect(signatureSchemeByCode(entry.value)).toMatchObject({
        name: entry.name,
        hex: entry.hex,
        recommended: entry.recommended,
      });
    }
    const recommended = SIGNATURE_SCHEMES.filter((s) => s.recommended === "Y");
    expect(recommended).toHaveLength(named.filter((e) => e.recommended === "Y").length);
    expect(recommended).toHaveLength(14);
    expect(signatureSchemeByCode(0x0202)).toBeUndefined(); // Reserved for backward compatibility
  });

  it("find schemes by IANA name or OpenSSL alias, case-insensitively", () => {
    expect(signatureSchemeByName("rsa_pss_rsae_sha256")).toMatchObject({
      code: 0x0804,
      hex: "0x0804",
    });
    expect(signatureSchemeByName("RSA-PSS+SHA256")?.code).toBe(0x0804);
    expect(signatureSchemeByName("RSA+SHA256")?.code).toBe(0x0401);
    expect(signatureSchemeByName("ECDSA+SHA256")?.code).toBe(0x0403);
    expect(signatureSchemeByName("ECDSA_SECP384R1_SHA384")?.code).toBe(0x0503);
    expect(signatureSchemeByName("Ed25519")?.code).toBe(0x0807);
    expect(signatureSchemeByName("ecdsa_brainpoolP256r1_sha256")?.code).toBe(0x081a);
    expect(signatureSchemeByName("mldsa65")?.code).toBe(0x0905);
    expect(signatureSchemeByName("dsa_sha256")).toBeUndefined();
    expect(signatureSchemeByCode(0xffff)).toBeUndefined();
  });

  it("are sorted by code with unique codes", () => {
    const codes = SIGNATURE_SCHEMES.map((s) => s.code);
    expect(codes).toEqual([...codes].sort((a, b) => a - b));
    expect(new Set(codes).size).toBe(codes.length);
  });
});
