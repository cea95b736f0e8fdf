import { describe, expect, it } from "vitest";

import { ByteReader, ByteWriter, fromHex, toHex } from "./bytes.js";
import { DecodeError } from "./errors.js";
import { decodeNewSessionTicket, encodeNewSessionTicket } from "./new-session-ticket.js";

// lifetime 7200, age_add 0xfedcba98, nonce 00, ticket aabbcc, early_data 16384.
const WITH_EARLY_DATA = "00001c20 fedcba98 01 00 0003 aabbcc 0008 002a 0004 00004000";

function decodeError(hex: string): Pick<DecodeError, "code" | "offset" | "field"> {
  try {
    decodeNewSessionTicket(fromHex(hex));
  } catch (error) {
    if (error instanceof DecodeError) {
      return { code: error.code, offset: error.offset, field: error.field };
    }
    throw error;
  }
  throw new Error("no DecodeError");
}

describe("decodeNewSessionTicket", () => {
  it("reads the fields and early_data's max_early_data_size", () => {
    expect(decodeNewSessionTicket(fromHex(WITH_EARLY_DATA))).toEqual({
      ticketLifetime: 7200,
      ticketAgeAdd: 0xfedcba98,
      ticketNonce: Uint8Array.of(0),
      ticket: fromHex("aabbcc"),
      extensions: [{ type: 42, data: fromHex("00004000") }],
      maxEarlyDataSize: 16384,
    });
  });

  it("is null without early_data, and round-trips", () => {
    const plain = {
      ticketLifetime: 1,
      ticketAgeAdd: 2,
      ticketNonce: Uint8Array.of(),
      ticket: Uint8Array.of(9),
    };
    const decoded = decodeNewSessionTicket(encodeNewSessionTicket(plain));
    expect(decoded).toMatchObject({ ...plain, extensions: [], maxEarlyDataSize: null });
    const early = encodeNewSessionTicket({
      ticketLifetime: 7200,
      ticketAgeAdd: 0xfedcba98,
      ticketNonce: Uint8Array.of(0),
      ticket: fromHex("aabbcc"),
      maxEarlyDataSize: 16384,
    });
    expect(toHex(early)).toBe(toHex(fromHex(WITH_EARLY_DATA)));
  });

  it.each([
    ["no lifetime", "", "truncated", 0, "NewSessionTicket.ticketLifetime"],
    ["half an age_add", "00001c20 fedc", "truncated", 4, "NewSessionTicket.ticketAgeAdd"],
    [
      "a nonce past the end",
      "00001c20 fedcba98 05 00",
      "overlong",
      8,
      "NewSessionTicket.ticketNonce.length",
    ],
    [
      "an empty ticket",
      "00001c20 fedcba98 00 0000 0000",
      "invalid",
      9,
      "NewSessionTicket.ticket.length",
    ],
    [
      "no extensions block",
      "00001c20 fedcba98 00 0001 aa",
      "truncated",
      12,
      "NewSessionTicket.extensions.length",
    ],
    [
      "a short max_early_data_size",
      "00001c20 fedcba98 00 0001 aa 0006 002a 0002 0000",
      "truncated",
      18,
      "NewSessionTicket.extensions[0].maxEarlyDataSize",
    ],
    [
      "bytes after max_early_data_size",
      "00001c20 fedcba98 00 0001 aa 0009 002a 0005 0000400000",
      "invalid",
      22,
      "NewSessionTicket.extensions[0]",
    ],
    [
      "early_data twice",
      "00001c20 fedcba98 00 0001 aa 0010 002a 0004 00004000 002a 0004 00004000",
      "invalid",
      22,
      "NewSessionTicket.extensions[1].type",
    ],
    [
      "bytes after the message",
      "00001c20 fedcba98 00 0001 aa 0000 ff",
      "invalid",
      14,
      "NewSessionTicket",
    ],
  ])("refuses %s", (_name, hex, code, offset, field) => {
    expect(decodeError(hex)).toEqual({ code, offset, field });
  });

  it("fails with a DecodeError at every truncation", () => {
    const bytes = fromHex(WITH_EARLY_DATA);
    for (let end = 0; end < bytes.length; end++) {
      expect(() => decodeNewSessionTicket(bytes.subarray(0, end))).toThrow(DecodeError);
    }
  });
});

describe("32-bit integers", () => {
  it.each([0, 1, 0x7fffffff, 0x80000000, 0xffffffff])("round-trip %d", (value) => {
    const bytes = new ByteWriter().u32(value).finish();
    expect(bytes).toHaveLength(4);
    expect(new ByteReader(bytes).u32("x")).toBe(value);
  });

  it.each([-1, 2 ** 32, 1.5])("refuse %d when written", (value) => {
    expect(() => new ByteWriter().u32(value, "x")).toThrow(/x: .* 32-bit/);
  });
});
