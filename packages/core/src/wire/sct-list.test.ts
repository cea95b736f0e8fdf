import { describe, expect, it } from "vitest";

import { fromHex } from "./bytes.js";
import { DecodeError } from "./errors.js";
import { decodeSctList } from "./sct-list.js";

function decodeError(hex: string): Pick<DecodeError, "code" | "offset" | "field"> {
  try {
    decodeSctList(fromHex(hex));
  } catch (error) {
    if (error instanceof DecodeError)
      return { code: error.code, offset: error.offset, field: error.field };
    throw error;
  }
  throw new Error("no DecodeError");
}

describe("decodeSctList", () => {
  it("reads the SCTs in order, and an empty list as empty", () => {
    expect(decodeSctList(fromHex("0007 0001aa 0002bbcc"))).toEqual([
      Uint8Array.of(0xaa),
      Uint8Array.of(0xbb, 0xcc),
    ]);
    expect(decodeSctList(fromHex("0000"))).toEqual([]);
  });

  it.each([
    ["no list length", "", "truncated", 0, "SignedCertificateTimestampList.sctList.length"],
    ["half a list length", "00", "truncated", 0, "SignedCertificateTimestampList.sctList.length"],
    [
      "a list longer than its bytes",
      "0008 0001aa 0002bbcc",
      "overlong",
      0,
      "SignedCertificateTimestampList.sctList.length",
    ],
    ["bytes after the list", "0003 0001aa 00", "invalid", 5, "SignedCertificateTimestampList"],
    [
      "half an SCT length",
      "0004 0001aa 00",
      "truncated",
      5,
      "SignedCertificateTimestampList.sctList[1].length",
    ],
    [
      "an SCT overrunning the list",
      "0004 0003aabb",
      "overlong",
      2,
      "SignedCertificateTimestampList.sctList[0].length",
    ],
    ["an empty SCT", "0002 0000", "invalid", 2, "SignedCertificateTimestampList.sctList[0].length"],
  ])("refuses %s", (_name, hex, code, offset, field) => {
    expect(decodeError(hex)).toEqual({ code, offset, field });
  });

  it("fails with a DecodeError at every truncation of a valid list", () => {
    const bytes = fromHex("0007 0001aa 0002bbcc");
    for (let end = 0; end < bytes.length; end++) {
      expect(() => decodeSctList(bytes.subarray(0, end))).toThrow(DecodeError);
    }
  });
});
