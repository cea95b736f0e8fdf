import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { ByteWriter, fromHex } from "./bytes.js";
import { decodeCertificate, encodeCertificate } from "./certificate.js";
import { decodeCertificateStatus } from "./certificate-status.js";
import { HandshakeDecoder } from "./handshake.js";
import type { HandshakeMessage } from "./handshake.js";
import { RecordDecoder } from "./record.js";
import { decodeServerHelloDone } from "./server-hello-done.js";

const fixture = (name: string) =>
  fromHex(readFileSync(new URL(`./fixtures/${name}.hex`, import.meta.url), "utf8"));

function messagesOf(bytes: Uint8Array): HandshakeMessage[] {
  const handshake = new HandshakeDecoder();
  return new RecordDecoder()
    .push(bytes)
    .flatMap((record) =>
      record.kind === "tls" && record.contentType === 22 ? handshake.push(record.fragment) : [],
    );
}

/** The length a DER SEQUENCE header announces, header included. */
function derLength(der: Uint8Array): number {
  const first = der[1] ?? 0;
  if (first < 0x80) return 2 + first;
  const count = first & 0x7f;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + (der[2 + i] ?? 0);
  return 2 + count + length;
}

describe("decodeCertificate", () => {
  it.each(["tls12-ecdhe-rsa", "gnutls-tls12-ecdhe-ecdsa"])("reads the DER chain of %s", (name) => {
    const message = messagesOf(fixture(name)).find((m) => m.type === 11);
    const chain = decodeCertificate(message?.body ?? new Uint8Array(0));
    expect(chain).toHaveLength(1);
    for (const der of chain) {
      expect(der[0]).toBe(0x30);
      expect(derLength(der)).toBe(der.length);
    }
  });

  it("round-trips a chain and an empty list", () => {
    const chain = [fromHex("300100"), fromHex("3002aabb")];
    expect(decodeCertificate(encodeCertificate(chain))).toEqual(chain);
    expect(decodeCertificate(encodeCertificate([]))).toEqual([]);
  });

  it("rejects empty certificates and bad lengths", () => {
    expect(() => decodeCertificate(fromHex("000003 000000"))).toThrow(
      expect.objectContaining({
        code: "invalid",
        field: "Certificate.certificateList[0].length",
        offset: 3,
      }),
    );
    expect(() => decodeCertificate(fromHex("000004 000002 30"))).toThrow(
      expect.objectContaining({
        code: "overlong",
        field: "Certificate.certificateList[0].length",
        offset: 3,
      }),
    );
    expect(() => decodeCertificate(fromHex("000006 000002 3000"))).toThrow(
      expect.objectContaining({
        code: "overlong",
        field: "Certificate.certificateList.length",
        offset: 0,
      }),
    );
    expect(() => decodeCertificate(fromHex("000006 000002 3000 00"))).toThrow(
      expect.objectContaining({
        code: "truncated",
        field: "Certificate.certificateList[1].length",
        offset: 8,
      }),
    );
    expect(() => decodeCertificate(fromHex("000000 00"))).toThrow(
      expect.objectContaining({ code: "invalid", field: "Certificate", offset: 3 }),
    );
  });

  it("reads the TLS 1.3 form behind a flag", () => {
    const w = new ByteWriter();
    w.lengthPrefixed(1, () => undefined);
    w.lengthPrefixed(3, (list) => {
      list.lengthPrefixed(3, (c) => c.bytes(fromHex("3000")));
      list.lengthPrefixed(2, (x) =>
        x.u16(5).lengthPrefixed(2, (d) => d.bytes(fromHex("01020304"))),
      );
      list.lengthPrefixed(3, (c) => c.bytes(fromHex("3001ff")));
      list.lengthPrefixed(2, () => undefined);
    });
    expect(decodeCertificate(w.finish(), { tls13: true })).toEqual({
      certificateRequestContext: new Uint8Array(0),
      entries: [
        { certificate: fromHex("3000"), extensions: [{ type: 5, data: fromHex("01020304") }] },
        { certificate: fromHex("3001ff"), extensions: [] },
      ],
    });
    expect(() => decodeCertificate(fromHex("00 000007 000002 3000 0001"), { tls13: true })).toThrow(
      expect.objectContaining({
        code: "overlong",
        field: "Certificate.certificateList[0].extensions.length",
        offset: 9,
      }),
    );
  });
});

describe("decodeCertificateStatus", () => {
  it("reads a stapled OCSP response", () => {
    expect(decodeCertificateStatus(fromHex("01 000003 300100"))).toEqual({
      statusType: 1,
      ocspResponse: fromHex("300100"),
    });
    expect(() => decodeCertificateStatus(fromHex("02 000000"))).toThrow(
      expect.objectContaining({ code: "unsupported" }),
    );
    expect(() => decodeCertificateStatus(fromHex("01 000000"))).toThrow(
      expect.objectContaining({
        code: "invalid",
        field: "CertificateStatus.ocspResponse.length",
        offset: 1,
      }),
    );
  });
});

describe("decodeServerHelloDone", () => {
  it("is empty", () => {
    expect(() => decodeServerHelloDone(new Uint8Array(0))).not.toThrow();
    expect(() => decodeServerHelloDone(fromHex("00"))).toThrow(
      expect.objectContaining({ code: "invalid", field: "ServerHelloDone", offset: 0 }),
    );
  });
});
