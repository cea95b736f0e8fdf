import { describe, expect, it } from "vitest";

import { fromHex, toHex } from "./bytes.js";
import { DecodeError, EncodeError } from "./errors.js";
import { RecordDecoder } from "./record.js";
import { decodeSslv2ClientHello, encodeSslv2ClientHello } from "./sslv2-client-hello.js";
import {
  decodeSslv2Error,
  decodeSslv2ServerHello,
  encodeSslv2Error,
  encodeSslv2ServerHello,
} from "./sslv2-server-hello.js";
import type { Sslv2ServerHello } from "./sslv2-server-hello.js";

const CHALLENGE = Uint8Array.from({ length: 16 }, (_, i) => i);

describe("SSLv2 CLIENT-HELLO", () => {
  it("writes the 2-byte header and the message byte for byte", () => {
    const bytes = encodeSslv2ClientHello({
      version: 0x0002,
      cipherSpecs: [0x010080, 0x0700c0],
      challenge: CHALLENGE,
    });
    const expected = `
      801f
      01 0002 0006 0000 0010
      010080 0700c0
      000102030405060708090a0b0c0d0e0f`;
    expect(toHex(bytes)).toBe(toHex(fromHex(expected)));
  });

  it("round-trips the SSLv3-compatible form with TLS suites as 3-byte specs", () => {
    const spec = {
      version: 0x0301,
      cipherSpecs: [0x00002f, 0x000035, 0x0000ff, 0x010080],
      challenge: new Uint8Array(32).fill(0xaa),
      sessionId: new Uint8Array(16).fill(1),
    };
    const bytes = encodeSslv2ClientHello(spec);
    expect(bytes[0]).toBe(0x80);
    expect(((bytes[0] ?? 0) & 0x7f) * 256 + (bytes[1] ?? 0)).toBe(bytes.length - 2);
    expect(decodeSslv2ClientHello(bytes.subarray(2))).toEqual(spec);
  });

  it("rejects challenges outside 16–32 bytes and records over 32767 bytes", () => {
    const base = { version: 2, cipherSpecs: [0x010080] };
    expect(() => encodeSslv2ClientHello({ ...base, challenge: new Uint8Array(15) })).toThrow(
      EncodeError,
    );
    expect(() => encodeSslv2ClientHello({ ...base, challenge: new Uint8Array(33) })).toThrow(
      EncodeError,
    );
    expect(() =>
      encodeSslv2ClientHello({
        ...base,
        cipherSpecs: new Array<number>(11000).fill(1),
        challenge: CHALLENGE,
      }),
    ).toThrow(expect.objectContaining({ code: "too-large" }));
    expect(() =>
      encodeSslv2ClientHello({ ...base, cipherSpecs: [0x1000000], challenge: CHALLENGE }),
    ).toThrow(expect.objectContaining({ field: "Sslv2ClientHello.cipherSpecs[0]" }));
  });

  it("checks the decoded lengths", () => {
    const body = encodeSslv2ClientHello({
      version: 2,
      cipherSpecs: [0x010080],
      challenge: CHALLENGE,
    }).slice(2);
    body[4] = 4; // cipher specs length 4: not a multiple of 3, and longer than the data
    expect(() => decodeSslv2ClientHello(body)).toThrow(
      expect.objectContaining({
        code: "overlong",
        field: "Sslv2ClientHello.challenge.length",
        offset: 7,
      }),
    );
    body[4] = 2;
    expect(() => decodeSslv2ClientHello(body)).toThrow(
      expect.objectContaining({
        code: "invalid",
        field: "Sslv2ClientHello",
        offset: 2 + 7 + 2 + 16,
      }),
    );
  });
});

const SERVER_HELLO: Sslv2ServerHello = {
  sessionIdHit: false,
  certificateType: 1,
  version: 0x0002,
  certificate: fromHex("3003020101"),
  cipherSpecs: [0x010080, 0x0700c0],
  connectionId: new Uint8Array(16).fill(0x33),
};

describe("SSLv2 SERVER-HELLO", () => {
  it("round-trips through the record decoder", () => {
    const bytes = encodeSslv2ServerHello(SERVER_HELLO);
    expect(toHex(bytes.subarray(0, 13))).toBe("80260400010002000500060010");
    const [record, ...rest] = new RecordDecoder().push(bytes);
    expect(rest).toEqual([]);
    expect(record).toMatchObject({ kind: "sslv2", offset: 0 });
    if (record?.kind !== "sslv2") throw new Error("not SSLv2");
    expect(decodeSslv2ServerHello(record.body)).toEqual(SERVER_HELLO);
  });

  it("reports overlong, uneven and out-of-range lengths at their offsets", () => {
    const body = encodeSslv2ServerHello(SERVER_HELLO).slice(2);
    const check = (patch: Record<number, number>, expected: Partial<DecodeError>) => {
      const copy = body.slice();
      for (const [offset, value] of Object.entries(patch)) copy[Number(offset)] = value;
      expect(() => decodeSslv2ServerHello(copy)).toThrow(expect.objectContaining(expected));
    };
    check(
      { 6: 0xff },
      { code: "overlong", field: "Sslv2ServerHello.certificate.length", offset: 5 },
    );
    check({ 8: 7 }, { code: "overlong", field: "Sslv2ServerHello.connectionId.length", offset: 9 });
    check(
      { 8: 5, 10: 17 },
      { code: "invalid", field: "Sslv2ServerHello.cipherSpecs.length", offset: 7 },
    );
    check({ 10: 15 }, { code: "invalid", field: "Sslv2ServerHello", offset: body.length - 1 });
    check({ 0: 1 }, { code: "invalid", field: "Sslv2ServerHello.type", offset: 0 });
    expect(() => decodeSslv2ServerHello(body.subarray(0, 10))).toThrow(
      expect.objectContaining({
        code: "truncated",
        field: "Sslv2ServerHello.connectionId.length",
        offset: 9,
      }),
    );
  });
});

describe("SSLv2 ERROR", () => {
  it("round-trips", () => {
    const bytes = encodeSslv2Error(1);
    expect(toHex(bytes)).toBe("8003000001");
    expect(decodeSslv2Error(bytes.subarray(2))).toBe(1);
    expect(() => decodeSslv2Error(fromHex("000001ff"))).toThrow(DecodeError);
  });
});
