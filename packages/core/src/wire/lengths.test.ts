/**
 * Tables of wrong lengths: every length field of the captured TLS 1.2 flight (and the key fields
 * of the others) set one too short and one too long, and every message body cut short. Each row
 * names the DecodeError expected: its code, its field and its offset in the byte stream (or in the
 * message body for the cut tables). The expectations were worked out by hand from the layout.
 */
import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { fromHex } from "./bytes.js";
import { decodeCertificate } from "./certificate.js";
import { DecodeError } from "./errors.js";
import { HandshakeDecoder } from "./handshake.js";
import { RecordDecoder } from "./record.js";
import { ServerFlightDecoder } from "./server-flight.js";
import { decodeServerHello } from "./server-hello.js";
import { decodeServerKeyExchange } from "./server-key-exchange.js";

const fixture = (name: string) =>
  fromHex(readFileSync(new URL(`./fixtures/${name}.hex`, import.meta.url), "utf8"));

type Expected = Pick<DecodeError, "code" | "field" | "offset"> | "done";
type Row = [
  fixture: string,
  label: string,
  offset: number,
  size: 1 | 2 | 3,
  change: number | "+1" | "-1",
  expected: Expected,
];

/*
 * tls12-ecdhe-rsa, by stream offset:
 *   0 record[0] (93)      5 ServerHello header (89)   9 body: 43 sessionId.length, 76 suite,
 *   79 extensions.length (17): 81 renegotiation_info [83 length, 85 inner length], 86 ec_point_formats
 *   [88 length, 90 formats.length], 94 extended_master_secret [96 length]
 *   98 record[1] (787)  103 Certificate header (783)  107 certificateList.length  110 [0].length, 113 DER
 *   890 record[2] (333)  895 ServerKeyExchange header (329)  899 curveType, 900 curve, 902 publicKey.length,
 *   968 signatureAlgorithm, 970 signature.length, 972 signature
 *   1228 record[3] (4)  1233 ServerHelloDone header  1237 end
 */
const E = "tls12-ecdhe-rsa";
const err = (code: DecodeError["code"], field: string, offset: number) => ({ code, field, offset });

const ROWS: Row[] = [
  [E, "record[0].length", 3, 2, "+1", err("invalid", "record.contentType", 99)],
  [E, "record[0].length", 3, 2, "-1", err("invalid", "record.contentType", 97)],
  [E, "record[0].length", 3, 2, 0x4801, err("too-large", "record.length", 3)],
  [E, "ServerHello length", 6, 3, "+1", err("invalid", "ServerHello", 103)],
  [E, "ServerHello length", 6, 3, "-1", err("overlong", "ServerHello.extensions.length", 79)],
  [
    E,
    "ServerHello.sessionId.length",
    43,
    1,
    "+1",
    err("invalid", "ServerHello.sessionId.length", 43),
  ],
  [E, "ServerHello.sessionId.length", 43, 1, "-1", err("invalid", "ServerHello", 80)],
  [
    E,
    "ServerHello.extensions.length",
    79,
    2,
    "+1",
    err("overlong", "ServerHello.extensions.length", 79),
  ],
  [
    E,
    "ServerHello.extensions.length",
    79,
    2,
    "-1",
    err("truncated", "ServerHello.extensions[2].length", 96),
  ],
  [E, "extensions[0].length", 83, 2, "+1", err("overlong", "ServerHello.extensions[1].length", 89)],
  [E, "extensions[0].length", 83, 2, "-1", err("overlong", "ServerHello.extensions[1].length", 87)],
  [
    E,
    "renegotiatedConnection.length",
    85,
    1,
    "+1",
    err("overlong", "ServerHello.extensions[0].renegotiatedConnection.length", 85),
  ],
  [
    E,
    "extensions[1].length",
    88,
    2,
    "+1",
    err("truncated", "ServerHello.extensions[2].length", 97),
  ],
  [E, "extensions[1].length", 88, 2, "-1", err("overlong", "ServerHello.extensions[2].length", 95)],
  [
    E,
    "ec_point_formats.length",
    90,
    1,
    "+1",
    err("overlong", "ServerHello.extensions[1].formats.length", 90),
  ],
  [E, "ec_point_formats.length", 90, 1, "-1", err("invalid", "ServerHello.extensions[1]", 93)],
  [E, "extensions[2].length", 96, 2, "+1", err("overlong", "ServerHello.extensions[2].length", 96)],
  [E, "record[1].length", 101, 2, "+1", err("invalid", "record.contentType", 891)],
  [E, "record[1].length", 101, 2, "-1", err("invalid", "record.contentType", 889)],
  [E, "Certificate length", 104, 3, "+1", err("invalid", "Certificate", 895)],
  [
    E,
    "Certificate length",
    104,
    3,
    "-1",
    err("overlong", "Certificate.certificateList.length", 107),
  ],
  [E, "Certificate length", 104, 3, 0x040001, err("too-large", "Handshake.length", 104)],
  [
    E,
    "certificateList.length",
    107,
    3,
    "+1",
    err("overlong", "Certificate.certificateList.length", 107),
  ],
  [
    E,
    "certificateList.length",
    107,
    3,
    "-1",
    err("overlong", "Certificate.certificateList[0].length", 110),
  ],
  [
    E,
    "certificateList[0].length",
    110,
    3,
    "+1",
    err("overlong", "Certificate.certificateList[0].length", 110),
  ],
  [
    E,
    "certificateList[0].length",
    110,
    3,
    "-1",
    err("truncated", "Certificate.certificateList[1].length", 889),
  ],
  [E, "record[2].length", 893, 2, "+1", err("invalid", "record.contentType", 1229)],
  [E, "record[2].length", 893, 2, "-1", err("invalid", "record.contentType", 1227)],
  [E, "ServerKeyExchange length", 896, 3, "+1", err("invalid", "ServerKeyExchange", 1233)],
  [
    E,
    "ServerKeyExchange length",
    896,
    3,
    "-1",
    err("overlong", "ServerKeyExchange.signature.length", 970),
  ],
  [E, "publicKey.length", 902, 1, "+1", err("invalid", "ServerKeyExchange", 1100)],
  [E, "publicKey.length", 902, 1, "-1", err("overlong", "ServerKeyExchange.signature.length", 969)],
  [E, "signature.length", 970, 2, "+1", err("overlong", "ServerKeyExchange.signature.length", 970)],
  [E, "signature.length", 970, 2, "-1", err("invalid", "ServerKeyExchange", 1227)],
  [E, "record[3].length", 1231, 2, "+1", err("truncated", "record", 1237)],
  [E, "record[3].length", 1231, 2, "-1", err("invalid", "record.contentType", 1236)],
  [E, "ServerHelloDone length", 1234, 3, "+1", err("truncated", "Handshake", 1237)],

  // tls13: ServerHello body at 9, extensions at 81: supported_versions [83 length], key_share
  // [89 length, 91 group, 93 keyExchange.length]; the CCS record at 127 comes after the end.
  [
    "tls13",
    "supported_versions length",
    83,
    2,
    "+1",
    err("overlong", "ServerHello.extensions[1].length", 90),
  ],
  [
    "tls13",
    "supported_versions length",
    83,
    2,
    "-1",
    err("overlong", "ServerHello.extensions[1].length", 88),
  ],
  [
    "tls13",
    "key_share length",
    89,
    2,
    "+1",
    err("overlong", "ServerHello.extensions[1].length", 89),
  ],
  [
    "tls13",
    "key_share length",
    89,
    2,
    "-1",
    err("truncated", "ServerHello.extensions[2].type", 126),
  ],
  [
    "tls13",
    "keyExchange.length",
    93,
    2,
    "+1",
    err("overlong", "ServerHello.extensions[1].keyExchange.length", 93),
  ],
  ["tls13", "keyExchange.length", 93, 2, "-1", err("invalid", "ServerHello.extensions[1]", 126)],
  ["tls13", "change_cipher_spec record length", 130, 2, 0xffff, "done"],

  // tls13-hrr-secp384r1: key_share [89 length, 91 selected_group], end of body at 93.
  [
    "tls13-hrr-secp384r1",
    "HelloRetryRequest length",
    6,
    3,
    "-1",
    err("overlong", "ServerHello.extensions.length", 79),
  ],
  [
    "tls13-hrr-secp384r1",
    "key_share length",
    89,
    2,
    "+1",
    err("overlong", "ServerHello.extensions[1].length", 89),
  ],
  [
    "tls13-hrr-secp384r1",
    "key_share length",
    89,
    2,
    "-1",
    err("truncated", "ServerHello.extensions[2].type", 92),
  ],

  // tls12-dhe-rsa-ffdhe3072: ServerKeyExchange body at 891: dh_p [891 length, 893 p], dh_g
  // [1277 length, 1279 g], dh_Ys [1280 length, 1282 Ys], 1666 signatureAlgorithm, 1668 signature.length.
  [
    "tls12-dhe-rsa-ffdhe3072",
    "dh_p.length",
    891,
    2,
    0xffff,
    err("overlong", "ServerKeyExchange.dhP.length", 891),
  ],
  [
    "tls12-dhe-rsa-ffdhe3072",
    "dh_p.length",
    891,
    2,
    "-1",
    err("overlong", "ServerKeyExchange.dhG.length", 1276),
  ],
  [
    "tls12-dhe-rsa-ffdhe3072",
    "dh_g.length",
    1277,
    2,
    "+1",
    err("overlong", "ServerKeyExchange.dhYs.length", 1281),
  ],
  [
    "tls12-dhe-rsa-ffdhe3072",
    "dh_g.length",
    1277,
    2,
    "-1",
    err("invalid", "ServerKeyExchange.dhG.length", 1277),
  ],
  [
    "tls12-dhe-rsa-ffdhe3072",
    "dh_Ys.length",
    1280,
    2,
    0xffff,
    err("overlong", "ServerKeyExchange.dhYs.length", 1280),
  ],
  [
    "tls12-dhe-rsa-ffdhe3072",
    "dh_Ys.length",
    1280,
    2,
    "-1",
    err("overlong", "ServerKeyExchange.signature.length", 1667),
  ],

  // alert-handshake-failure: one record, 15 0303 0002 02 28.
  ["alert-handshake-failure", "record length", 3, 2, "+1", err("truncated", "record", 7)],
  ["alert-handshake-failure", "record length", 3, 2, "-1", err("invalid", "record.contentType", 6)],
  ["alert-handshake-failure", "record length", 3, 2, 0, err("invalid", "record.length", 3)],
];

const DHE_SUITES = new Set([0x0033, 0x009e]);

function run(bytes: Uint8Array): Expected {
  const decoder = new ServerFlightDecoder({
    keyExchangeOf: (suite) => (DHE_SUITES.has(suite) ? "dhe" : "ecdhe"),
  });
  try {
    if (decoder.push(bytes).done) return "done";
    decoder.end();
  } catch (error) {
    if (error instanceof DecodeError)
      return { code: error.code, field: error.field, offset: error.offset };
    throw error;
  }
  throw new Error("the flight neither ended nor failed");
}

describe("length fields set too short or too long", () => {
  it.each(ROWS)("%s %s (at %i, %i bytes) %s", (name, _label, offset, size, change, expected) => {
    const bytes = fixture(name);
    let value = 0;
    for (let i = 0; i < size; i++) value = value * 256 + (bytes[offset + i] ?? 0);
    const next = change === "+1" ? value + 1 : change === "-1" ? value - 1 : change;
    expect(next).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < size; i++) bytes[offset + i] = (next >> (8 * (size - 1 - i))) & 0xff;
    expect(run(bytes)).toEqual(expected);
  });

  it("leaves the unmodified fixtures intact", () => {
    for (const name of new Set(ROWS.map((row) => row[0]))) expect(run(fixture(name))).toBe("done");
  });
});

function bodies(name: string): Map<number, Uint8Array> {
  const handshake = new HandshakeDecoder();
  const messages = new RecordDecoder()
    .push(fixture(name))
    .flatMap((record) =>
      record.kind === "tls" && record.contentType === 22 ? handshake.push(record.fragment) : [],
    );
  return new Map(messages.map((message) => [message.type, message.body]));
}

type Cut = [
  from: number,
  to: number,
  expected: Pick<DecodeError, "code" | "field" | "offset"> | "ok",
];

function checkCuts(body: Uint8Array, cuts: Cut[], decode: (body: Uint8Array) => unknown): void {
  let covered = 0;
  for (const [from, to, expected] of cuts) {
    for (let cut = from; cut <= to; cut++, covered++) {
      let outcome: unknown = "ok";
      try {
        decode(body.subarray(0, cut));
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        outcome = { code: error.code, field: error.field, offset: error.offset };
      }
      expect({ cut, outcome }).toEqual({ cut, outcome: expected });
    }
  }
  expect(covered).toBe(body.length + 1);
}

describe("message bodies cut short (tls12-ecdhe-rsa)", () => {
  const messages = bodies(E);

  it("ServerHello", () => {
    const body = messages.get(2) ?? new Uint8Array(0);
    expect(body).toHaveLength(89);
    checkCuts(
      body,
      [
        [0, 1, err("truncated", "ServerHello.legacyVersion", 0)],
        [2, 33, err("truncated", "ServerHello.random", 2)],
        [34, 34, err("truncated", "ServerHello.sessionId.length", 34)],
        [35, 66, err("overlong", "ServerHello.sessionId.length", 34)],
        [67, 68, err("truncated", "ServerHello.cipherSuite", 67)],
        [69, 69, err("truncated", "ServerHello.compressionMethod", 69)],
        [70, 70, "ok"], // a hello without extensions (SSLv3 style)
        [71, 71, err("truncated", "ServerHello.extensions.length", 70)],
        [72, 88, err("overlong", "ServerHello.extensions.length", 70)],
        [89, 89, "ok"],
      ],
      decodeServerHello,
    );
  });

  it("Certificate", () => {
    const body = messages.get(11) ?? new Uint8Array(0);
    checkCuts(
      body,
      [
        [0, 2, err("truncated", "Certificate.certificateList.length", 0)],
        [3, 782, err("overlong", "Certificate.certificateList.length", 0)],
        [783, 783, "ok"],
      ],
      (b) => decodeCertificate(b),
    );
  });

  it("ServerKeyExchange", () => {
    const body = messages.get(12) ?? new Uint8Array(0);
    checkCuts(
      body,
      [
        [0, 0, err("truncated", "ServerKeyExchange.curveType", 0)],
        [1, 2, err("truncated", "ServerKeyExchange.namedCurve", 1)],
        [3, 3, err("truncated", "ServerKeyExchange.publicKey.length", 3)],
        [4, 68, err("overlong", "ServerKeyExchange.publicKey.length", 3)],
        [69, 69, "ok"], // no signature: an anonymous suite's form
        [70, 70, err("truncated", "ServerKeyExchange.signatureAlgorithm", 69)],
        [71, 72, err("truncated", "ServerKeyExchange.signature.length", 71)],
        [73, 328, err("overlong", "ServerKeyExchange.signature.length", 71)],
        [329, 329, "ok"],
      ],
      (b) => decodeServerKeyExchange(b, "ecdhe", { version: 0x0303 }),
    );
  });
});
