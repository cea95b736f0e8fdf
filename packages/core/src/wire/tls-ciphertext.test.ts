import { createCipheriv, createDecipheriv } from "node:crypto";

import { describe, expect, it } from "vitest";

import { fromHex, toHex } from "./bytes.js";
import { DecodeError } from "./errors.js";
import { RecordDecoder } from "./record.js";
import type { TlsPlaintextRecord } from "./record.js";
import {
  decodeTlsInnerPlaintext,
  encodeTlsInnerPlaintext,
  tls13AdditionalData,
  tls13Nonce,
} from "./tls-ciphertext.js";

// RFC 8448 section 3: the server handshake key and IV.
const KEY = fromHex("3fce516009c21727d0f2e4e86ee403bc");
const IV = fromHex("5d313eb2671276ee13000b30");

function decodeError(run: () => unknown): DecodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error("no DecodeError");
}

describe("tls13Nonce", () => {
  it.each([
    [0, "5d313eb2671276ee13000b30"],
    [1, "5d313eb2671276ee13000b31"],
    [0x0102, "5d313eb2671276ee13000a32"],
    [2 ** 32, "5d313eb2671276ef13000b30"],
  ])("XORs sequence %d into the IV's last 8 bytes", (sequence, nonce) => {
    expect(toHex(tls13Nonce(IV, sequence))).toBe(nonce);
  });

  it("never changes the IV it was given, a Buffer (whose slice() is a view) included", () => {
    const buffer = Buffer.from(IV);
    expect(toHex(tls13Nonce(buffer, 7))).toBe("5d313eb2671276ee13000b37");
    expect(toHex(tls13Nonce(buffer, 1))).toBe("5d313eb2671276ee13000b31");
    expect(toHex(buffer)).toBe("5d313eb2671276ee13000b30");
  });

  it.each([
    [new Uint8Array(7), 0],
    [IV, -1],
    [IV, 1.5],
  ])("refuses a short IV or a bad sequence", (iv, sequence) => {
    expect(() => tls13Nonce(iv, sequence)).toThrow(/nonce\./);
  });
});

describe("TLSInnerPlaintext", () => {
  it.each([
    [22, "0800000200 00", 0, "08000002000016"],
    [21, "0228", 3, "022815000000"],
    [23, "", 0, "17"],
  ])("round-trips type %d with %s and %d padding bytes", (type, content, padding, bytes) => {
    const encoded = encodeTlsInnerPlaintext(type, fromHex(content), padding);
    expect(toHex(encoded)).toBe(bytes);
    expect(decodeTlsInnerPlaintext(encoded)).toEqual({
      contentType: type,
      content: fromHex(content),
    });
  });

  it.each([
    ["empty", "", "invalid", 10, "TLSInnerPlaintext.type"],
    ["all padding", "000000", "invalid", 13, "TLSInnerPlaintext.type"],
    ["change_cipher_spec inside", "01 14 00", "invalid", 11, "TLSInnerPlaintext.type"],
    ["an unknown type", "ff 63", "invalid", 11, "TLSInnerPlaintext.type"],
  ])("refuses %s with offset and field", (_name, hex, code, offset, field) => {
    const error = decodeError(() => decodeTlsInnerPlaintext(fromHex(hex), 10));
    expect({ code: error.code, offset: error.offset, field: error.field }).toEqual({
      code,
      offset,
      field,
    });
  });

  it("refuses content beyond 2^14 bytes", () => {
    const plaintext = encodeTlsInnerPlaintext(22, new Uint8Array(2 ** 14 + 1));
    const error = decodeError(() => decodeTlsInnerPlaintext(plaintext));
    expect([error.code, error.field, error.offset]).toEqual([
      "too-large",
      "TLSInnerPlaintext.content",
      2 ** 14,
    ]);
    expect(decodeTlsInnerPlaintext(plaintext.subarray(1)).content).toHaveLength(2 ** 14);
  });
});

describe("a protected record, end to end", () => {
  it("seals with the header as additional data and the nonce, and opens again", () => {
    const inner = encodeTlsInnerPlaintext(22, fromHex("14000004 01020304"), 2);
    const header = fromHex(`17 0303 ${(inner.length + 16).toString(16).padStart(4, "0")}`);
    const cipher = createCipheriv("aes-128-gcm", KEY, tls13Nonce(IV, 3));
    cipher.setAAD(header);
    const sealed = new Uint8Array([
      ...header,
      ...cipher.update(inner),
      ...cipher.final(),
      ...cipher.getAuthTag(),
    ]);
    const [record] = new RecordDecoder().push(sealed) as [TlsPlaintextRecord];
    expect(toHex(tls13AdditionalData(record))).toBe(toHex(header));
    const fragment = record.fragment;
    const decipher = createDecipheriv("aes-128-gcm", KEY, tls13Nonce(IV, 3));
    decipher.setAAD(tls13AdditionalData(record));
    decipher.setAuthTag(fragment.subarray(fragment.length - 16));
    const opened = new Uint8Array([
      ...decipher.update(fragment.subarray(0, fragment.length - 16)),
      ...decipher.final(),
    ]);
    expect(decodeTlsInnerPlaintext(opened)).toEqual({
      contentType: 22,
      content: fromHex("14000004 01020304"),
    });
  });
});
