import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { fromHex } from "./bytes.js";
import { HandshakeDecoder } from "./handshake.js";
import { RecordDecoder } from "./record.js";
import {
  bitLength,
  decodeServerKeyExchange,
  encodeServerKeyExchange,
} from "./server-key-exchange.js";
import type { KeyExchangeKind } from "./server-key-exchange.js";

const fixture = (name: string) =>
  fromHex(readFileSync(new URL(`./fixtures/${name}.hex`, import.meta.url), "utf8"));

function skeOf(name: string): Uint8Array {
  const handshake = new HandshakeDecoder();
  const messages = new RecordDecoder()
    .push(fixture(name))
    .flatMap((record) =>
      record.kind === "tls" && record.contentType === 22 ? handshake.push(record.fragment) : [],
    );
  return messages.find((m) => m.type === 12)?.body ?? new Uint8Array(0);
}

describe("decodeServerKeyExchange on captured flights", () => {
  const cases: [string, KeyExchangeKind, number, object][] = [
    [
      "tls12-ecdhe-rsa",
      "ecdhe",
      0x0303,
      { curveType: 3, namedCurve: 23, signatureAlgorithm: 0x0804 },
    ],
    [
      "tls10-ecdhe-rsa",
      "ecdhe",
      0x0301,
      { curveType: 3, namedCurve: 23, signatureAlgorithm: null },
    ],
    [
      "gnutls-tls12-ecdhe-ecdsa",
      "ecdhe",
      0x0303,
      { curveType: 3, namedCurve: 23, signatureAlgorithm: 0x0403 },
    ],
    [
      "tls12-dhe-rsa-ffdhe3072",
      "dhe",
      0x0303,
      { primeBits: 3072, generator: fromHex("02"), signatureAlgorithm: 0x0804 },
    ],
    [
      "tls11-dhe-rsa-1024",
      "dhe",
      0x0302,
      { primeBits: 1024, generator: fromHex("02"), signatureAlgorithm: null },
    ],
  ];

  it.each(cases)("%s", (name, kind, version, expected) => {
    const body = skeOf(name);
    const ske = decodeServerKeyExchange(body, kind, { version });
    expect(ske).toMatchObject({ kind, ...expected });
    // Without the version, the signature form is inferred from the lengths.
    expect(decodeServerKeyExchange(body, kind)).toEqual(ske);
    if (ske.kind === "ecdhe") expect(ske.publicKey?.[0]).toBe(0x04); // uncompressed P-256 point
    if (ske.kind === "dhe") {
      expect(ske.prime.length * 8).toBe(ske.primeBits);
      expect(ske.publicKey.length).toBeLessThanOrEqual(ske.prime.length);
    }
    expect(ske.signature?.length).toBeGreaterThan(0);
  });

  it("matches the RFC 7919 ffdhe3072 prime", () => {
    const ske = decodeServerKeyExchange(skeOf("tls12-dhe-rsa-ffdhe3072"), "dhe");
    expect(ske.prime.subarray(0, 8)).toEqual(fromHex("ffffffffffffffff"));
    expect(ske.prime.subarray(8, 12)).toEqual(fromHex("adf85458"));
    expect(ske.prime.subarray(-8)).toEqual(fromHex("ffffffffffffffff"));
  });

  it("rejects a signature in the wrong form for the version", () => {
    const body = skeOf("tls10-ecdhe-rsa");
    expect(() => decodeServerKeyExchange(body, "ecdhe", { version: 0x0303 })).toThrow(
      expect.objectContaining({ name: "DecodeError" }),
    );
  });
});

describe("decodeServerKeyExchange", () => {
  it("counts prime bits without leading zero bytes and bits", () => {
    expect(bitLength(fromHex("00 00 01 00"))).toBe(9);
    expect(bitLength(fromHex("7f ff"))).toBe(15);
    expect(bitLength(fromHex("0000"))).toBe(0);
    const ske = encodeServerKeyExchange({
      kind: "dhe",
      prime: fromHex("00 00ff"),
      generator: fromHex("05"),
      publicKey: fromHex("07"),
    });
    expect(decodeServerKeyExchange(ske, "dhe")).toMatchObject({
      primeBits: 8,
      signature: null,
      signatureAlgorithm: null,
    });
    const zero = encodeServerKeyExchange({
      kind: "dhe",
      prime: fromHex("0000"),
      generator: fromHex("02"),
      publicKey: fromHex("07"),
    });
    expect(() => decodeServerKeyExchange(zero, "dhe")).toThrow(
      expect.objectContaining({ code: "invalid", field: "ServerKeyExchange.dhP" }),
    );
  });

  it("round-trips both kinds, signed and anonymous", () => {
    const ecdhe = {
      kind: "ecdhe",
      namedCurve: 0x001d,
      publicKey: new Uint8Array(32).fill(1),
      signatureAlgorithm: 0x0804,
      signature: fromHex("aabbcc"),
    } as const;
    expect(
      decodeServerKeyExchange(encodeServerKeyExchange(ecdhe), "ecdhe", { version: 0x0303 }),
    ).toEqual({ ...ecdhe, curveType: 3 });
    const anon = encodeServerKeyExchange({
      kind: "ecdhe",
      namedCurve: 0x0017,
      publicKey: fromHex("04aa"),
    });
    expect(decodeServerKeyExchange(anon, "ecdhe", { version: 0x0303 })).toMatchObject({
      signature: null,
      signatureAlgorithm: null,
    });
    const legacy = encodeServerKeyExchange({
      kind: "dhe",
      prime: fromHex("ff"),
      generator: fromHex("02"),
      publicKey: fromHex("03"),
      signature: fromHex("0102"),
    });
    expect(decodeServerKeyExchange(legacy, "dhe", { version: 0x0301 })).toMatchObject({
      signatureAlgorithm: null,
      signature: fromHex("0102"),
    });
  });

  it("reports explicit curves without parsing them, and rejects unknown curve types", () => {
    expect(decodeServerKeyExchange(fromHex("01 ffff"), "ecdhe")).toEqual({
      kind: "ecdhe",
      curveType: 1,
      namedCurve: null,
      publicKey: null,
      signatureAlgorithm: null,
      signature: null,
    });
    expect(() => decodeServerKeyExchange(fromHex("04"), "ecdhe")).toThrow(
      expect.objectContaining({ code: "invalid", field: "ServerKeyExchange.curveType", offset: 0 }),
    );
    expect(() => decodeServerKeyExchange(fromHex("03 0017 00"), "ecdhe")).toThrow(
      expect.objectContaining({
        code: "invalid",
        field: "ServerKeyExchange.publicKey.length",
        offset: 3,
      }),
    );
  });
});
