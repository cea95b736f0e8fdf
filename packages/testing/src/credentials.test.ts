import { X509Certificate, createPrivateKey } from "node:crypto";

import { describe, expect, it } from "vitest";

import { CREDENTIAL_KINDS, dhParams, getCredential } from "./credentials.js";
import { runCommand } from "./process.js";

describe("getCredential", { timeout: 30_000 }, () => {
  it.each([
    ["rsa2048", "rsa", 2048, null],
    ["rsa1024", "rsa", 1024, null],
    ["ecdsa-p256", "ec", 256, "prime256v1"],
    ["ecdsa-p384", "ec", 384, "secp384r1"],
  ] as const)("makes %s: a self-signed leaf for localhost", async (kind, type, bits, curve) => {
    const credential = await getCredential(kind);
    const certificate = new X509Certificate(credential.certPem);
    const key = createPrivateKey(credential.keyPem);

    expect(certificate.subjectAltName).toBe(
      "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1",
    );
    expect(certificate.subject).toBe("CN=localhost");
    expect(certificate.issuer).toBe(certificate.subject);
    expect(certificate.ca).toBe(false);
    expect(certificate.checkPrivateKey(key)).toBe(true);
    expect(certificate.publicKey.asymmetricKeyType).toBe(type);
    const details = certificate.publicKey.asymmetricKeyDetails;
    if (type === "rsa") expect(details?.modulusLength).toBe(bits);
    else expect(details?.namedCurve).toBe(curve);
    expect(credential.keyType).toBe(type === "rsa" ? "rsa" : "ecdsa");
    expect(credential.keyBits).toBe(bits);
  });

  it("caches each kind for the process", async () => {
    const first = await getCredential("ecdsa-p256");
    const again = await getCredential("ecdsa-p256");
    expect(again).toBe(first);
    expect(new Set(CREDENTIAL_KINDS).size).toBe(4);
  });
});

describe("dhParams", () => {
  it.each([
    [1024, null],
    [2048, "ffdhe2048"],
  ] as const)("holds %i-bit parameters", async (bits, namedGroup) => {
    const params = dhParams(bits);
    const result = await runCommand("openssl", [
      "pkeyparam",
      "-in",
      params.path,
      "-noout",
      "-text",
    ]);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`DH Parameters: (${bits} bit)`);
    expect(params.namedGroup).toBe(namedGroup);
    if (namedGroup !== null) expect(result.stdout).toContain(`GROUP: ${namedGroup}`);
    else expect(result.stdout).not.toContain("GROUP:");
  });
});
