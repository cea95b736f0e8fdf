import { describe, expect, it } from "vitest";

import { concatBytes, fromHex } from "./bytes.js";
import { DecodeError } from "./errors.js";
import {
  DEFAULT_MAX_HANDSHAKE_LENGTH,
  HandshakeDecoder,
  encodeHandshake,
  handshakeStreamOffset,
} from "./handshake.js";

function thrown(run: () => unknown): DecodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error("expected a DecodeError");
}

describe("HandshakeDecoder", () => {
  it("returns several messages from one payload", () => {
    const payload = concatBytes([
      encodeHandshake(2, fromHex("aabb")),
      encodeHandshake(14, new Uint8Array(0)),
    ]);
    expect(new HandshakeDecoder().push(payload, 5)).toEqual([
      { type: 2, body: fromHex("aabb"), offset: 5, pieces: [{ at: 0, offset: 5 }] },
      { type: 14, body: new Uint8Array(0), offset: 11, pieces: [{ at: 0, offset: 11 }] },
    ]);
  });

  it("reassembles a message split across records and maps its bytes to stream offsets", () => {
    const message = encodeHandshake(
      11,
      Uint8Array.from({ length: 20 }, (_, i) => i),
    );
    const decoder = new HandshakeDecoder();
    // Records of 3, 10 and 11 bytes of payload, each after a 5-byte record header.
    expect(decoder.push(message.subarray(0, 3), 5)).toEqual([]);
    expect(decoder.push(message.subarray(3, 13), 13)).toEqual([]);
    expect(decoder.buffered).toBe(13);
    const [done] = decoder.push(concatBytes([message.subarray(13), fromHex("0e00")]), 28);
    expect(done?.body).toEqual(message.subarray(4));
    expect(done?.pieces).toEqual([
      { at: 0, offset: 5 },
      { at: 3, offset: 13 },
      { at: 13, offset: 28 },
    ]);
    expect(done && [0, 2, 3, 12, 13, 23].map((i) => handshakeStreamOffset(done, i))).toEqual([
      5, 7, 13, 22, 28, 38,
    ]);
    expect(decoder.buffered).toBe(2);
    const [next] = decoder.push(fromHex("0000"), 50);
    expect(next).toMatchObject({
      type: 14,
      offset: 39,
      pieces: [
        { at: 0, offset: 39 },
        { at: 2, offset: 50 },
      ],
    });
  });

  it("counts payload bytes as offsets when none are given", () => {
    const decoder = new HandshakeDecoder();
    decoder.push(fromHex("0e00"));
    expect(decoder.push(fromHex("0000 0e000000"))).toMatchObject([{ offset: 0 }, { offset: 4 }]);
  });

  it("fails on an oversized length as soon as the header is in", () => {
    const decoder = new HandshakeDecoder();
    expect(decoder.push(fromHex("0b04"), 5)).toEqual([]);
    const error = thrown(() => decoder.push(fromHex("0001"), 20));
    expect(error).toMatchObject({ code: "too-large", field: "Handshake.length", offset: 6 });
    expect(() => decoder.push(fromHex("00"))).toThrow(error);
    expect(DEFAULT_MAX_HANDSHAKE_LENGTH).toBe(262144);
    expect(new HandshakeDecoder().push(fromHex("0b040000"))).toEqual([]);
    expect(() => new HandshakeDecoder({ maxMessageLength: 3 }).push(fromHex("0b000004"))).toThrow(
      expect.objectContaining({ code: "too-large" }),
    );
  });

  it("reports a message left incomplete", () => {
    const decoder = new HandshakeDecoder();
    decoder.push(fromHex("0b000005aabb"), 100);
    expect(thrown(() => decoder.end())).toMatchObject({
      code: "truncated",
      field: "Handshake",
      offset: 106,
    });
    expect(() => new HandshakeDecoder().end()).not.toThrow();
  });
});
