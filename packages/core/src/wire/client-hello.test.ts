import { describe, expect, it } from "vitest";

import { fromHex, toHex } from "./bytes.js";
import { decodeClientHello, encodeClientHello, encodeClientHelloMessage } from "./client-hello.js";
import type { ClientHelloSpec } from "./client-hello.js";
import { EXTENSION_TYPE, SCSV } from "./constants.js";
import { EncodeError } from "./errors.js";
import {
  alpn,
  ecPointFormats,
  extendedMasterSecret,
  keyShare,
  padding,
  renegotiationInfo,
  serverName,
  signatureAlgorithms,
  supportedGroups,
  supportedVersions,
} from "./extensions.js";
import { HandshakeDecoder } from "./handshake.js";
import { RecordDecoder } from "./record.js";

const RANDOM = Uint8Array.from({ length: 32 }, (_, i) => i);

/** Records → handshake messages → the one ClientHello. */
function decodeRecords(bytes: Uint8Array) {
  const records = new RecordDecoder().push(bytes);
  const handshake = new HandshakeDecoder();
  const messages = records.flatMap((record) =>
    record.kind === "tls" ? handshake.push(record.fragment) : [],
  );
  expect(messages).toHaveLength(1);
  expect(handshake.buffered).toBe(0);
  return { records, hello: decodeClientHello(messages[0]?.body ?? new Uint8Array(0)) };
}

describe("encodeClientHello", () => {
  it("writes a small TLS 1.2 hello byte for byte", () => {
    const bytes = encodeClientHello({
      legacyVersion: 0x0303,
      random: RANDOM,
      cipherSuites: [0xc02f, SCSV.TLS_EMPTY_RENEGOTIATION_INFO_SCSV],
      extensions: [serverName("a.io"), extendedMasterSecret()],
    });
    // record: handshake, TLS 1.0 record version, 66 bytes
    // handshake: client_hello, 62 bytes; client_version 1.2; random; empty session id;
    // 2 suites; null compression; 17 bytes of extensions: server_name "a.io", extended_master_secret
    const expected = `
      16 0301 0042
      01 00003e
      0303
      000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
      00
      0004 c02f 00ff
      01 00
      0011
        0000 0009 0007 00 0004 612e696f
        0017 0000`;
    expect(toHex(bytes)).toBe(toHex(fromHex(expected)));
  });

  it("writes an SSLv3 hello without an extensions block and with an SSLv3 record version", () => {
    const bytes = encodeClientHello({
      legacyVersion: 0x0300,
      random: RANDOM,
      cipherSuites: [0x000a],
    });
    const expected = `
      16 0300 002d
      01 000029
      0300
      000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
      00
      0002 000a
      01 00`;
    expect(toHex(bytes)).toBe(toHex(fromHex(expected)));
    expect(decodeRecords(bytes).hello.extensions).toBeNull();
  });

  it("sends an empty extensions block when given []", () => {
    const message = encodeClientHelloMessage({
      legacyVersion: 0x0303,
      random: RANDOM,
      cipherSuites: [1],
      extensions: [],
    });
    expect(toHex(message.subarray(-2))).toBe("0000");
  });

  it("round-trips every field, SCSVs and odd codes included", () => {
    const spec: ClientHelloSpec = {
      recordVersion: 0x0303,
      legacyVersion: 0x0303,
      random: RANDOM,
      sessionId: Uint8Array.from({ length: 32 }, (_, i) => 255 - i),
      cipherSuites: [
        0x1301,
        0xc02c,
        0x0000,
        0xffff,
        SCSV.TLS_FALLBACK_SCSV,
        SCSV.TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
      ],
      compressionMethods: [1, 0],
      extensions: [
        serverName("example.com"),
        supportedVersions([0x0304, 0x0303]),
        supportedGroups([0x11ec, 0x001d]),
        keyShare([{ group: 0x001d, keyExchange: new Uint8Array(32).fill(9) }]),
        signatureAlgorithms([0x0403, 0x0804]),
        ecPointFormats(),
        alpn(["h2", "http/1.1"]),
        renegotiationInfo(),
      ],
      avoidPaddingBug: false,
    };
    const { records, hello } = decodeRecords(encodeClientHello(spec));
    expect(records[0]).toMatchObject({ kind: "tls", contentType: 22, version: 0x0303, offset: 0 });
    expect(hello).toEqual({
      legacyVersion: 0x0303,
      random: RANDOM,
      sessionId: spec.sessionId,
      cipherSuites: spec.cipherSuites,
      compressionMethods: [1, 0],
      extensions: spec.extensions,
    });
  });

  it("keeps every hello out of 256–511 bytes (F5 padding bug), by message and by length field", () => {
    const base = [
      serverName("example.com"),
      supportedGroups([0x17, 0x18]),
      ecPointFormats(),
      signatureAlgorithms([0x0401]),
    ];
    let paddedCount = 0;
    let unpaddedInRange = 0;
    for (let suites = 1; suites <= 300; suites++) {
      for (const sessionIdLength of [0, 1, 31, 32]) {
        const spec: ClientHelloSpec = {
          legacyVersion: 0x0303,
          random: RANDOM,
          sessionId: new Uint8Array(sessionIdLength),
          cipherSuites: Array.from({ length: suites }, (_, i) => i),
          extensions: base,
        };
        const message = encodeClientHelloMessage(spec);
        const bodyLength = message.length - 4;
        expect(message.length < 256 || message.length > 511).toBe(true);
        expect(bodyLength < 256 || bodyLength > 511).toBe(true);
        const plain = encodeClientHelloMessage({ ...spec, avoidPaddingBug: false });
        if (plain.length !== message.length) {
          paddedCount++;
          const hello = decodeClientHello(message.subarray(4));
          const last = hello.extensions?.at(-1);
          expect(last?.type).toBe(EXTENSION_TYPE.padding);
          expect(last?.data.length).toBeGreaterThan(0);
          expect(last?.data.every((byte) => byte === 0)).toBe(true);
          expect(bodyLength).toBeGreaterThanOrEqual(512);
          expect(bodyLength).toBeLessThanOrEqual(516);
        }
        if (plain.length - 4 >= 256 && plain.length - 4 <= 511) unpaddedInRange++;
      }
    }
    expect(paddedCount).toBeGreaterThan(300);
    expect(unpaddedInRange).toBeGreaterThan(300);
  });

  it("adds no padding without an extensions block or when the caller sent padding", () => {
    const suites = Array.from({ length: 150 }, (_, i) => i);
    const ssl3 = encodeClientHelloMessage({
      legacyVersion: 0x0300,
      random: RANDOM,
      cipherSuites: suites,
    });
    expect(ssl3.length).toBe(4 + 2 + 32 + 1 + 2 + 300 + 2);
    const own = encodeClientHelloMessage({
      legacyVersion: 0x0303,
      random: RANDOM,
      cipherSuites: suites,
      extensions: [padding(3)],
    });
    expect(decodeClientHello(own.subarray(4)).extensions).toEqual([padding(3)]);
  });

  it("fragments a hello above 2^14 bytes across records, one handshake message", () => {
    const cipherSuites = Array.from({ length: 20000 }, (_, i) => i);
    const bytes = encodeClientHello({
      legacyVersion: 0x0303,
      random: RANDOM,
      cipherSuites,
      extensions: [],
    });
    const { records, hello } = decodeRecords(bytes);
    expect(records.map((record) => (record.kind === "tls" ? record.fragment.length : 0))).toEqual([
      16384,
      16384,
      40000 + 45 - 32768,
    ]);
    expect(hello.cipherSuites).toEqual(cipherSuites);
  });

  it("offers the whole IANA suite space in one record with room to spare", () => {
    const cipherSuites = Array.from({ length: 370 }, (_, i) => 0xc000 + i);
    const bytes = encodeClientHello({
      legacyVersion: 0x0303,
      random: RANDOM,
      cipherSuites,
      extensions: [
        serverName("example.com"),
        supportedGroups([0x17, 0x18, 0x19, 0x1d, 0x1e]),
        ecPointFormats(),
        signatureAlgorithms([0x0401, 0x0403]),
      ],
    });
    expect(new RecordDecoder().push(bytes)).toHaveLength(1);
    expect(bytes.length).toBeLessThan(2000);
  });

  it("rejects specs the wire cannot carry", () => {
    const base = { legacyVersion: 0x0303, random: RANDOM, cipherSuites: [1] };
    expect(() => encodeClientHello({ ...base, random: new Uint8Array(31) })).toThrow(EncodeError);
    expect(() => encodeClientHello({ ...base, sessionId: new Uint8Array(33) })).toThrow(
      EncodeError,
    );
    expect(() => encodeClientHello({ ...base, cipherSuites: [0x10000] })).toThrow(
      expect.objectContaining({ field: "ClientHello.cipherSuites[0]" }),
    );
    expect(() =>
      encodeClientHello({ ...base, cipherSuites: new Array<number>(32768).fill(1) }),
    ).toThrow(expect.objectContaining({ code: "too-large", field: "ClientHello.cipherSuites" }));
  });
});

describe("decodeClientHello", () => {
  it("rejects a session id above 32 bytes and duplicate extensions", () => {
    const hello = encodeClientHelloMessage({
      legacyVersion: 0x0303,
      random: RANDOM,
      sessionId: new Uint8Array(32),
      cipherSuites: [1],
      extensions: [],
    });
    const body = hello.slice(4);
    body[34] = 33;
    expect(() => decodeClientHello(body)).toThrow(
      expect.objectContaining({
        code: "invalid",
        field: "ClientHello.sessionId.length",
        offset: 34,
      }),
    );
    const twice = encodeClientHelloMessage({
      legacyVersion: 0x0303,
      random: RANDOM,
      cipherSuites: [1],
      extensions: [extendedMasterSecret(), extendedMasterSecret()],
    });
    expect(() => decodeClientHello(twice.subarray(4))).toThrow(
      expect.objectContaining({
        code: "invalid",
        field: "ClientHello.extensions[1].type",
        offset: 47,
      }),
    );
  });
});
