import { describe, expect, it } from "vitest";
import { cipherSuiteByName } from "../registry/index.js";
import { startsTls13GroupsEarly } from "./groups.js";

const code = (name: string): number => {
  const row = cipherSuiteByName(name);
  if (row === undefined) throw new Error(`no suite ${name}`);
  return row.code;
};

describe("startsTls13GroupsEarly", () => {
  it("starts the TLS 1.3 groups with a suite that negotiates any group", () => {
    expect(startsTls13GroupsEarly(0x1301)).toBe(true); // TLS_AES_128_GCM_SHA256
    expect(startsTls13GroupsEarly(0x1303)).toBe(true); // TLS_CHACHA20_POLY1305_SHA256
  });

  it("waits for the full list when the suite is tied to groups of its own", () => {
    // RFC 8998: the SM suites go with curveSM2.
    expect(startsTls13GroupsEarly(0x00c6)).toBe(false);
    expect(startsTls13GroupsEarly(0x00c7)).toBe(false);
    // RFC 9367: the GOST suites go with the GOST curves.
    expect(startsTls13GroupsEarly(code("TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_L"))).toBe(false);
  });

  it("waits for a suite the registry does not know or that is not a TLS 1.3 one", () => {
    expect(startsTls13GroupsEarly(0x0a0a)).toBe(false); // GREASE
    expect(startsTls13GroupsEarly(0xfefe)).toBe(false);
    expect(startsTls13GroupsEarly(0xc02f)).toBe(false); // TLS 1.2 ECDHE_RSA_WITH_AES_128_GCM
  });
});
