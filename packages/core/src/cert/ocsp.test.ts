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
    expect(decodeOcspResponse(der, parseCertificate(chain.leaf.der))).toEqual({
      responseStatus: "successful",
      certStatus: status,
      reason: null,
      thisUpdate: PKI_NOW.toISOString(),
      nextUpdate: "2030-01-22T12:00:00.000Z",
      revocationTime: status === "revoked" ? "2030-01-14T12:00:00.000Z" : null,
    });
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
