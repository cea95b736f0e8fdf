import { X509Certificate, createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

import { createCaSignedCredential } from "./ca-signed-credential.js";

describe("createCaSignedCredential", () => {
  it("makes a localhost leaf that the CA file it returns signed", () => {
    const credential = createCaSignedCredential();
    const leaf = new X509Certificate(credential.cert);
    const ca = new X509Certificate(readFileSync(credential.caFile));
    expect(leaf.subject).toBe("CN=localhost");
    expect(leaf.subjectAltName).toBe("DNS:localhost, IP Address:127.0.0.1");
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkPrivateKey(createPrivateKey(credential.key))).toBe(true);
  });

  it("makes a fresh CA each time, so one test's trust anchor does not vouch for another's", () => {
    const first = createCaSignedCredential();
    const second = createCaSignedCredential();
    const secondCa = new X509Certificate(readFileSync(second.caFile));
    expect(first.caFile).not.toBe(second.caFile);
    expect(new X509Certificate(first.cert).verify(secondCa.publicKey)).toBe(false);
  });
});
