import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import {
  PKI_NOW,
  createCertificate,
  createChain,
  type TestCertificate,
  type TestChain,
} from "@tlsgate/testing/pki";
import { derToPem, pemToDer } from "./der.js";
import { CertificateError } from "./errors.js";
import { decodeSctList } from "./extensions/sct-list.js";
import { decodeSubjectAltName } from "./extensions/subject-alt-name.js";
import { formatName } from "./names.js";
import { describeCertificate, parseCertificate } from "./parse.js";

const DAY = 86_400_000;
const info = (certificate: TestCertificate, now = PKI_NOW) =>
  describeCertificate(parseCertificate(certificate.der), now);

let chain: TestChain;
beforeAll(async () => {
  chain = await createChain({ leaf: { mustStaple: true, sctCount: 3, serial: "00c0ffee" } });
});

describe("parseCertificate", () => {
  it("decodes a DER once: the same bytes give the same frozen result, other bytes their own", () => {
    const copy = new Uint8Array(chain.leaf.der);
    const first = parseCertificate(chain.leaf.der);
    expect(parseCertificate(copy)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    // The cached bytes are a copy: the caller's buffer may be reused.
    copy.fill(0);
    expect(parseCertificate(chain.leaf.der).der).toEqual(new Uint8Array(chain.leaf.der));
    expect(parseCertificate(chain.intermediate.der)).not.toBe(first);
    expect(parseCertificate(chain.intermediate.der).subject).toBe(
      "CN=tlsgate test intermediate,O=tlsgate",
    );
  });

  it("describes a CA → intermediate → leaf chain", () => {
    const leaf = info(chain.leaf);
    expect(leaf).toEqual({
      subject: "CN=leaf.test,O=tlsgate",
      issuer: "CN=tlsgate test intermediate,O=tlsgate",
      serial: "c0ffee",
      notBefore: "2029-12-16T12:00:00.000Z",
      notAfter: "2030-03-16T12:00:00.000Z",
      daysRemaining: 60,
      lifespanDays: 90,
      keyType: "ecdsa",
      keyBits: 256,
      curve: "prime256v1",
      signatureAlgorithm: "ecdsa-with-SHA256",
      sha256: createHash("sha256").update(chain.leaf.der).digest("hex"),
      san: ["DNS:leaf.test", "IP:127.0.0.1", "IP:::1"],
      selfSigned: false,
      isCA: false,
      mustStaple: true,
      sctCount: 3,
    });
    expect(info(chain.intermediate)).toMatchObject({
      subject: "CN=tlsgate test intermediate,O=tlsgate",
      issuer: "CN=tlsgate test root,O=tlsgate",
      isCA: true,
      selfSigned: false,
      mustStaple: false,
      sctCount: 0,
      san: [],
    });
    expect(info(chain.root)).toMatchObject({
      subject: "CN=tlsgate test root,O=tlsgate",
      issuer: "CN=tlsgate test root,O=tlsgate",
      isCA: true,
      selfSigned: true,
      lifespanDays: 4015,
    });
  });

  it("counts days from the injected now, negative once expired", () => {
    expect(info(chain.leaf, new Date(PKI_NOW.getTime() + 59.5 * DAY)).daysRemaining).toBe(0);
    expect(info(chain.leaf, new Date(PKI_NOW.getTime() + 60.5 * DAY)).daysRemaining).toBe(-1);
    expect(info(chain.leaf, new Date(PKI_NOW.getTime() + 61 * DAY)).daysRemaining).toBe(-1);
  });

  it("counts the lifespan as RFC 5280 does (both ends inclusive)", async () => {
    const notBefore = new Date("2030-01-01T00:00:00Z");
    const cert = await createCertificate({
      subject: "CN=lifespan",
      notBefore,
      notAfter: new Date(notBefore.getTime() + 90 * DAY - 1000),
    });
    expect(info(cert).lifespanDays).toBe(90);
  });

  it.each([
    ["rsa-1024", "SHA-1", false, "rsa", 1024, null, "sha1WithRSAEncryption"],
    ["rsa-2048", "SHA-256", false, "rsa", 2048, null, "sha256WithRSAEncryption"],
    ["rsa-2048", "SHA-384", false, "rsa", 2048, null, "sha384WithRSAEncryption"],
    ["rsa-2048", "SHA-256", true, "rsa", 2048, null, "rsassaPss"],
    ["p256", "SHA-256", false, "ecdsa", 256, "prime256v1", "ecdsa-with-SHA256"],
    ["p256", "SHA-1", false, "ecdsa", 256, "prime256v1", "ecdsa-with-SHA1"],
    ["p384", "SHA-384", false, "ecdsa", 384, "secp384r1", "ecdsa-with-SHA384"],
    ["p384", "SHA-512", false, "ecdsa", 384, "secp384r1", "ecdsa-with-SHA512"],
    ["ed25519", "SHA-256", false, "ed25519", 256, null, "ED25519"],
  ] as const)(
    "self-signed %s with %s (pss %s)",
    async (key, hash, pss, keyType, keyBits, curve, signature) => {
      const cert = await createCertificate({
        subject: `CN=${key}`,
        key,
        hash,
        pss,
        keySlot: "algorithms",
      });
      expect(info(cert)).toMatchObject({
        keyType,
        keyBits,
        curve,
        signatureAlgorithm: signature,
        selfSigned: true,
        isCA: false,
      });
    },
  );

  it("tells issuer-signed from self-signed, and a self-signed CA", async () => {
    const selfSignedCa = await createCertificate({ subject: "CN=own root", ca: true });
    expect(info(selfSignedCa)).toMatchObject({ selfSigned: true, isCA: true });
    // Same name as its issuer but signed by the intermediate: not self-signed.
    const sameName = await createCertificate({
      subject: "O=tlsgate, CN=tlsgate test intermediate",
      issuer: chain.intermediate,
      keySlot: "impostor",
    });
    expect(info(sameName).selfSigned).toBe(false);
  });

  it("reads SANs of every kind and wildcards as given", async () => {
    const cert = await createCertificate({
      subject: "CN=names",
      dns: ["*.example.test", "example.test"],
      ips: ["192.0.2.7", "2001:db8:0:0:0:0:0:1"],
    });
    expect(info(cert).san).toEqual([
      "DNS:*.example.test",
      "DNS:example.test",
      "IP:192.0.2.7",
      "IP:2001:db8::1",
    ]);
  });

  it("prints names in RFC 4514 with escaping", async () => {
    const cert = await createCertificate({
      subject: [
        { C: ["FR"] },
        { O: ["Acme, Inc.;<x>"] },
        { OU: ["#0c04236f7073"] } /* UTF8String "#ops" */,
        { CN: ["#0c0f612b62202271756f74656422205c20"] } /* UTF8String 'a+b "quoted" \\ ' */,
      ],
    });
    expect(info(cert).subject).toBe(
      'CN=a\\+b \\"quoted\\" \\\\\\ ,OU=\\#ops,O=Acme\\, Inc.\\;\\<x\\>,C=FR',
    );
    const multiValued = await createCertificate({
      subject: [{ O: ["tlsgate"] }, { CN: ["one"], L: ["two"] }],
    });
    expect(info(multiValued).subject).toBe("CN=one+L=two,O=tlsgate");
    // An empty Name (SEQUENCE {}).
    expect(formatName(new Uint8Array([0x30, 0x00]))).toBe("");
  });

  it("escapes controls in names and SANs as \\xNN, so no name breaks a line", async () => {
    const cert = await createCertificate({
      subject: [{ O: ["a\u0000b\u007f\u0085"] }, { CN: ["localhost\n::error::pwned\r\u001b[2K"] }],
      dns: ["evil\n::add-mask::x", "back\\x0aslash"],
    });
    const leaf = info(cert);
    expect(leaf.subject).toBe("CN=localhost\\x0a::error::pwned\\x0d\\x1b[2K,O=a\\x00b\\x7f\\x85");
    expect(leaf.san).toEqual(["DNS:evil\\x0a::add-mask::x", "DNS:back\\x5cx0aslash"]);
    // eslint-disable-next-line no-control-regex
    expect(`${leaf.subject}${leaf.san.join("")}`).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    // Self-signed: the issuer is the same Name, escaped the same way.
    expect(leaf.issuer).toBe(leaf.subject);
  });

  it("strips only the sign-padding zero of the serial", async () => {
    expect(info(await createCertificate({ subject: "CN=s1", serial: "7f01" })).serial).toBe("7f01");
    expect(info(await createCertificate({ subject: "CN=s2", serial: "0080" })).serial).toBe("80");
  });

  it("refuses bytes that are not a certificate", () => {
    expect(() => parseCertificate(new Uint8Array([1, 2, 3]))).toThrow(CertificateError);
    expect(() => parseCertificate(new Uint8Array([0x30, 0x00]))).toThrow(CertificateError);
    const trailing = new Uint8Array([...chain.leaf.der, 0]);
    expect(() => parseCertificate(trailing)).toThrowError(/trailing/);
    try {
      parseCertificate(chain.leaf.der.subarray(0, 100));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CertificateError);
      expect((error as CertificateError).name).toBe("CertificateError");
      expect((error as CertificateError).code).toBe("der");
    }
  });
});

describe("PEM", () => {
  it("round-trips a bundle and refuses an empty one", () => {
    const bundle = `junk\n${derToPem(chain.leaf.der)}text between\n${derToPem(chain.root.der)}`;
    expect(pemToDer(bundle).map((der) => Buffer.from(der).toString("hex"))).toEqual([
      Buffer.from(chain.leaf.der).toString("hex"),
      Buffer.from(chain.root.der).toString("hex"),
    ]);
    expect(() =>
      pemToDer("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
    ).toThrowError(/no CERTIFICATE block/);
  });
});

describe("extension decoders", () => {
  const octets = (bytes: number[]) => new Uint8Array([0x04, bytes.length, ...bytes]);
  it("counts SCTs and checks every length", () => {
    expect(decodeSctList(octets([0, 0]))).toBe(0);
    expect(decodeSctList(octets([0, 7, 0, 1, 0xaa, 0, 2, 0xbb, 0xcc]))).toBe(2);
    // The list's own bytes are read by wire/ (wire/sct-list.test.ts has the truncation table).
    expect(() => decodeSctList(octets([0, 8, 0, 1, 0xaa, 0, 2, 0xbb, 0xcc]))).toThrowError(
      /^SCT list: SignedCertificateTimestampList\.sctList\.length: claims 8 bytes, 7 left/,
    );
    expect(() => decodeSctList(octets([0, 2, 0, 0]))).toThrowError(/empty SCT/);
    expect(() => decodeSctList(octets([0]))).toThrow(CertificateError);
    expect(() => decodeSctList(new Uint8Array([0x02, 0x01, 0x00]))).toThrowError(
      /not an OCTET STRING/,
    );
  });
  it("refuses a malformed subjectAltName", () => {
    expect(() => decodeSubjectAltName(new Uint8Array([0x30, 0x03, 0x04, 0x01, 0x00]))).toThrow(
      CertificateError,
    );
    expect(decodeSubjectAltName(new Uint8Array([0x30, 0x06, 0x87, 0x04, 10, 0, 0, 1]))).toEqual([
      "IP:10.0.0.1",
    ]);
    expect(decodeSubjectAltName(new Uint8Array([0x30, 0x05, 0x87, 0x03, 10, 0, 0]))).toEqual([
      "IP:#0a0000",
    ]);
  });
});
