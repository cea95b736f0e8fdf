import { describe, expect, it } from "vitest";

import { ByteReader, ByteWriter, concatBytes, fromHex, toHex } from "./bytes.js";
import { DecodeError, EncodeError } from "./errors.js";

function decodeError(run: () => unknown): DecodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error("expected a DecodeError");
}

describe("ByteReader", () => {
  it("reads big-endian integers and bytes", () => {
    const r = new ByteReader(fromHex("01 0203 040506 0708"));
    expect(r.u8("a")).toBe(0x01);
    expect(r.u16("b")).toBe(0x0203);
    expect(r.u24("c")).toBe(0x040506);
    expect(r.bytes(2, "d")).toEqual(Uint8Array.of(7, 8));
    expect(r.atEnd).toBe(true);
    expect(r.offset).toBe(8);
  });

  it("reports absolute offsets from a base", () => {
    const r = new ByteReader(fromHex("00"), 100);
    r.u8("x");
    const error = decodeError(() => r.u16("Thing.field"));
    expect(error).toMatchObject({
      name: "DecodeError",
      code: "truncated",
      offset: 101,
      field: "Thing.field",
    });
    expect(error.message).toBe("Thing.field: needs 2 bytes, 0 left (truncated at offset 101)");
  });

  it("scopes vectors: overlong lengths, truncated reads inside, trailing bytes", () => {
    expect(new ByteReader(fromHex("0003 aabbcc ff")).vector16("v")).toEqual(fromHex("aabbcc"));
    const overlong = decodeError(() => {
      const r = new ByteReader(fromHex("ff 0004 aabbcc"));
      r.u8("skip");
      r.vector16("Msg.list");
    });
    expect(overlong).toMatchObject({ code: "overlong", field: "Msg.list.length", offset: 1 });
    const inside = decodeError(() =>
      new ByteReader(fromHex("03 aabbcc dd")).readVector8("Msg.list", (sub) => {
        sub.u16("Msg.list[0]");
        return sub.u16("Msg.list[1]");
      }),
    );
    expect(inside).toMatchObject({ code: "truncated", field: "Msg.list[1]", offset: 3 });
    const trailing = decodeError(() =>
      new ByteReader(fromHex("03 aabbcc")).readVector8("Msg.list", (sub) => sub.u16("Msg.list[0]")),
    );
    expect(trailing).toMatchObject({ code: "invalid", field: "Msg.list", offset: 3 });
  });

  it("never lets a sub-reader read past its vector into the parent", () => {
    const r = new ByteReader(fromHex("01 aa bb"));
    const error = decodeError(() => r.readVector8("v", (sub) => sub.u16("v.item")));
    expect(error).toMatchObject({ code: "truncated", field: "v.item", offset: 1 });
  });

  it("reads 24-bit vectors", () => {
    const r = new ByteReader(fromHex("000002 abcd"));
    expect(r.vector24("v")).toEqual(fromHex("abcd"));
    const error = decodeError(() => new ByteReader(fromHex("010000 ab")).vector24("v"));
    expect(error).toMatchObject({ code: "overlong", field: "v.length", offset: 0 });
  });

  it("copies: results do not alias the input", () => {
    const input = fromHex("02 aabb");
    const value = new ByteReader(input).vector8("v");
    input[1] = 0;
    expect(value).toEqual(fromHex("aabb"));
  });
});

describe("ByteWriter", () => {
  it("back-patches length prefixes of every size", () => {
    const w = new ByteWriter();
    w.u8(1).lengthPrefixed(2, (v) => v.u16(0xbeef).lengthPrefixed(1, (x) => x.u24(0x010203)));
    w.lengthPrefixed(3, () => undefined);
    expect(toHex(w.finish())).toBe("010006beef03010203000000");
  });

  it("grows past its initial buffer", () => {
    const w = new ByteWriter();
    w.lengthPrefixed(2, (v) => v.bytes(new Uint8Array(1000).fill(7)));
    const out = w.finish();
    expect(out.length).toBe(1002);
    expect(out[0]).toBe(0x03);
    expect(out[1]).toBe(0xe8);
    expect(out[1001]).toBe(7);
  });

  it("rejects values that do not fit and vectors that overflow their prefix", () => {
    expect(() => new ByteWriter().u8(256, "x")).toThrow(EncodeError);
    expect(() => new ByteWriter().u16(-1, "x")).toThrow(EncodeError);
    expect(() => new ByteWriter().u16(1.5, "x")).toThrow(EncodeError);
    expect(() =>
      new ByteWriter().lengthPrefixed(1, (v) => v.bytes(new Uint8Array(256)), "v"),
    ).toThrow(expect.objectContaining({ name: "EncodeError", code: "too-large", field: "v" }));
  });

  it("grows from a zero capacity and keeps what was written", () => {
    const w = new ByteWriter(0);
    w.u8(1).uints([0x0203, 0x0405], 2, "list").u24(0x060708);
    expect(toHex(w.finish())).toBe("0102030405060708");
  });

  it("truncates and rewrites, and patches a 16-bit value in place", () => {
    const w = new ByteWriter(4);
    w.u16(0).u8(9).u8(9);
    w.truncate(2).u8(0xaa).setU16(0, 0x1234, "len");
    expect(toHex(w.finish())).toBe("1234aa");
    expect(() => w.truncate(4)).toThrow(EncodeError);
    expect(() => w.setU16(2, 1, "len")).toThrow(
      expect.objectContaining({ name: "EncodeError", field: "len" }),
    );
    expect(() => w.setU16(0, 0x10000, "len")).toThrow(EncodeError);
  });
});

describe("hex helpers", () => {
  it("round-trips and ignores comments and whitespace", () => {
    expect(toHex(fromHex("# note\n0a 0B\nff # end"))).toBe("0a0bff");
    expect(() => fromHex("abc")).toThrow(DecodeError);
    expect(() => fromHex("zz")).toThrow(DecodeError);
    expect(concatBytes([fromHex("01"), fromHex(""), fromHex("0203")])).toEqual(fromHex("010203"));
  });
});
