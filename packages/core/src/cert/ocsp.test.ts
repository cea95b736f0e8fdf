import * as asn1js from "asn1js";
import { beforeAll, describe, expect, it } from "vitest";
import {
  PKI_NOW,
  createCertificate,
  createChain,
  createOcspResponse,
  type TestChain,
} from "@tlsgate/testing/pki";
import { CertificateError } from "./errors.js";
import { decodeOcspResponse } from "./ocsp.js";
import { parseCertificate } from "./parse.js";

let chain: TestChain;
beforeAll(async () => {
  chain = await createChain({ name: "ocsp" });
});

describe("decodeOcspResponse", () => {
  it.each(["good", "revoked", "unknown"] as const)("reads CertStatus %s", async (status) => {
    const der = await createOcspResponse({
      certificate: chain.leaf,
      issuer: chain.intermediate,
      status,
    });
    const read = decodeOcspResponse(der, parseCertificate(chain.leaf.der), {
      issuer: parseCertificate(chain.intermediate.der),
      now: PKI_NOW,
    });
    expect(read).toEqual({
      responseStatus: "successful",
      certStatus: status,
      reason: null,
      producedAt: PKI_NOW.toISOString(),
      thisUpdate: PKI_NOW.toISOString(),
      nextUpdate: "2030-01-22T12:00:00.000Z",
      revocationTime: status === "revoked" ? "2030-01-14T12:00:00.000Z" : null,
      signatureValid: true,
      expired: false,
    });
  });

  it("checks the responder's signature against the issuer, and expiry at `now`", async () => {
    const der = await createOcspResponse({
      certificate: chain.leaf,
      issuer: chain.intermediate,
      status: "good",
    });
    const leaf = parseCertificate(chain.leaf.der);
    const issuer = parseCertificate(chain.intermediate.der);
    // Without an issuer nothing can be checked: unknown, never valid.
    expect(decodeOcspResponse(der, leaf)).toMatchObject({ signatureValid: null });
    // Signed by the intermediate, not by the root.
    expect(
      decodeOcspResponse(der, leaf, { issuer: parseCertificate(chain.root.der) }),
    ).toMatchObject({ certStatus: "good", signatureValid: false });
    // The last byte of the DER is the last byte of the signature.
    const tampered = new Uint8Array(der);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0x01;
    expect(decodeOcspResponse(tampered, leaf, { issuer })).toMatchObject({
      certStatus: "good",
      signatureValid: false,
    });
    const weekLater = new Date(PKI_NOW.getTime() + 8 * 86_400_000);
    expect(decodeOcspResponse(der, leaf, { issuer, now: weekLater })).toMatchObject({
      signatureValid: true,
      expired: true,
    });
  });

  it("accepts a delegated responder the issuer certified for OCSP signing, and no other", async () => {
    const leaf = parseCertificate(chain.leaf.der);
    const issuer = parseCertificate(chain.intermediate.der);
    const signedBy = async (responder: Awaited<ReturnType<typeof createCertificate>>) =>
      decodeOcspResponse(
        await createOcspResponse({
          certificate: chain.leaf,
          issuer: chain.intermediate,
          status: "good",
          responder,
        }),
        leaf,
        { issuer, now: PKI_NOW },
      ).signatureValid;
    const delegate = await createCertificate({
      subject: "CN=ocsp.test",
      issuer: chain.intermediate,
      ocspSigning: true,
      keySlot: "ocsp-delegate",
    });
    expect(await signedBy(delegate)).toBe(true);
    // Certified by the issuer, but for serverAuth: not a responder.
    const notResponder = await createCertificate({
      subject: "CN=not-ocsp.test",
      issuer: chain.intermediate,
      keySlot: "ocsp-not-delegate",
    });
    expect(await signedBy(notResponder)).toBe(false);
    // For OCSP signing, but certified by nobody the client trusts for this issuer.
    const selfMade = await createCertificate({
      subject: "CN=self-ocsp.test",
      ocspSigning: true,
      keySlot: "ocsp-self",
    });
    expect(await signedBy(selfMade)).toBe(false);
  });

  it("finds no answer about another certificate", async () => {
    const other = await createCertificate({ subject: "CN=other.test", issuer: chain.intermediate });
    const der = await createOcspResponse({
      certificate: other,
      issuer: chain.intermediate,
      status: "good",
    });
    expect(decodeOcspResponse(der, parseCertificate(chain.leaf.der))).toMatchObject({
      responseStatus: "successful",
      certStatus: null,
      reason: "no SingleResponse for the leaf certificate",
    });
  });

  it("reports an unsuccessful response status", () => {
    const tryLater = new asn1js.Sequence({ value: [new asn1js.Enumerated({ value: 3 })] });
    expect(
      decodeOcspResponse(new Uint8Array(tryLater.toBER()), parseCertificate(chain.leaf.der)),
    ).toMatchObject({
      responseStatus: "tryLater",
      certStatus: null,
    });
  });

  it("refuses bytes that are not an OCSP response", () => {
    expect(() =>
      decodeOcspResponse(
        new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]),
        parseCertificate(chain.leaf.der),
      ),
    ).toThrow(CertificateError);
    expect(() =>
      decodeOcspResponse(new Uint8Array([0xff]), parseCertificate(chain.leaf.der)),
    ).toThrow(CertificateError);
  });
});
