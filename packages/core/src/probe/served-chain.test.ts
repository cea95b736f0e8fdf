import { createCipheriv } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  CONTENT_TYPE,
  HANDSHAKE_TYPE,
  concatBytes,
  encodeAlert,
  encodeCertificate,
  encodeHandshake,
  encodeRecord,
  encodeServerHello,
  encodeTlsInnerPlaintext,
  fromHex,
  tls13Nonce,
} from "../wire/index.js";
import { recoverServedChain } from "./served-chain.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const certs = [Uint8Array.of(0x30, 1, 2, 3), Uint8Array.of(0x30, 4, 5)];
const handshakeRecord = (...messages: Uint8Array[]) =>
  encodeRecord(CONTENT_TYPE.handshake, 0x0303, concatBytes(messages));
const serverHello = (version = 0x0303) =>
  encodeHandshake(
    HANDSHAKE_TYPE.server_hello,
    encodeServerHello({
      legacyVersion: version,
      random: new Uint8Array(32).fill(1),
      cipherSuite: 0xc02f,
      extensions: [],
    }),
  );
const certificate = (chain: Uint8Array[]) =>
  encodeHandshake(HANDSHAKE_TYPE.certificate, encodeCertificate(chain));
const done = encodeHandshake(HANDSHAKE_TYPE.server_hello_done, new Uint8Array(0));
const SUITE = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";

describe("recoverServedChain, TLS ≤ 1.2", () => {
  it("reads the Certificate message of a captured openssl s_server flight", () => {
    const bytes = fromHex(
      readFileSync(new URL("../wire/fixtures/tls12-ecdhe-rsa.hex", import.meta.url), "utf8"),
    );
    const result = recoverServedChain(bytes, "TLSv1.2", SUITE, []);
    expect(result.error).toBeNull();
    expect(result.chain).toHaveLength(1);
    expect(result.chain?.[0]?.[0]).toBe(0x30); // a DER SEQUENCE
  });

  it("reads a Certificate message split across records, ignoring what follows the flight", () => {
    const flight = concatBytes([serverHello(), certificate(certs), done]);
    const bytes = concatBytes([
      encodeRecord(CONTENT_TYPE.handshake, 0x0303, flight.subarray(0, 50)),
      encodeRecord(CONTENT_TYPE.handshake, 0x0303, flight.subarray(50)),
      encodeRecord(CONTENT_TYPE.change_cipher_spec, 0x0303, Uint8Array.of(1)),
      Uint8Array.of(22, 3, 3, 0, 40, 1, 2), // cut off: it arrived after the handshake
    ]);
    expect(recoverServedChain(bytes, "TLSv1.2", SUITE, [])).toEqual({
      chain: certs,
      ocspResponse: null,
      error: null,
    });
  });

  it.each([
    [
      "an overlong record",
      Uint8Array.of(22, 3, 3, 0xff, 0xff),
      /record\.length: 65535 bytes exceed 18432 \(too-large at offset 3\)/,
    ],
    ["no Certificate message", handshakeRecord(serverHello(), done), /no Certificate message/],
    [
      "a vector overrunning its message",
      handshakeRecord(serverHello(), encodeHandshake(11, Uint8Array.of(0, 0, 9, 0, 0, 5, 1))),
      /Certificate\.certificateList\.length: claims 9 bytes, 4 left \(overlong at offset 53\)/,
    ],
    [
      "bytes after the list",
      handshakeRecord(
        serverHello(),
        encodeHandshake(11, concatBytes([encodeCertificate([Uint8Array.of(1)]), Uint8Array.of(0)])),
      ),
      /Certificate: 1 trailing bytes/,
    ],
    [
      "a Certificate before the ServerHello",
      handshakeRecord(certificate(certs), serverHello()),
      /Handshake\.type: handshake message 11 before ServerHello/,
    ],
    [
      "an alert before the Certificate",
      concatBytes([
        handshakeRecord(serverHello()),
        encodeRecord(CONTENT_TYPE.alert, 0x0303, encodeAlert(2, 40)),
        handshakeRecord(certificate(certs)),
      ]),
      /no Certificate message/,
    ],
  ])("refuses %s", (_name, bytes, message) => {
    const result = recoverServedChain(bytes, "TLSv1.2", SUITE, []);
    expect(result.chain).toBeNull();
    expect(result.error).toMatch(message);
  });
});

describe("recoverServedChain, TLS 1.3", () => {
  // RFC 8448 section 3: server_handshake_traffic_secret and the key and IV derived from it.
  const secret = "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38";
  const key = fromHex("3fce516009c21727d0f2e4e86ee403bc");
  const iv = fromHex("5d313eb2671276ee13000b30");
  const seal = (sequence: number, content: Uint8Array, type: number = CONTENT_TYPE.handshake) => {
    const inner = encodeTlsInnerPlaintext(type, content, 2);
    const header = Uint8Array.of(23, 3, 3, (inner.length + 16) >> 8, (inner.length + 16) & 0xff);
    const cipher = createCipheriv("aes-128-gcm", key, tls13Nonce(iv, sequence));
    cipher.setAAD(header);
    return concatBytes([header, cipher.update(inner), cipher.final(), cipher.getAuthTag()]);
  };
  const entries = concatBytes(
    certs.map((der) => concatBytes([encodeCertificate([der]).subarray(3), Uint8Array.of(0, 0)])),
  );
  const certificate13 = encodeHandshake(
    HANDSHAKE_TYPE.certificate,
    concatBytes([
      Uint8Array.of(0, entries.length >> 16, entries.length >> 8, entries.length),
      entries,
    ]),
  );
  const keylog = [
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET 00 11",
    `SERVER_HANDSHAKE_TRAFFIC_SECRET ${"00".repeat(32)} ${secret}`,
  ];
  const flight = (...protectedRecords: Uint8Array[]) =>
    concatBytes([
      handshakeRecord(serverHello()),
      encodeRecord(CONTENT_TYPE.change_cipher_spec, 0x0303, Uint8Array.of(1)),
      ...protectedRecords,
    ]);
  const bytes = flight(
    seal(0, concatBytes([encodeHandshake(8, Uint8Array.of(0, 0)), certificate13.subarray(0, 7)])),
    seal(
      1,
      concatBytes([certificate13.subarray(7), encodeHandshake(15, Uint8Array.of(4, 3, 0, 0))]),
    ),
    seal(2, encodeHandshake(20, new Uint8Array(32))),
    encodeRecord(23, 0x0303, new Uint8Array(40)), // application data under other keys: not read
  );

  it("decrypts the server's handshake records with the key log and reads its Certificate", () => {
    const result = recoverServedChain(bytes, "TLSv1.3", "TLS_AES_128_GCM_SHA256", keylog);
    expect(result).toEqual({ chain: certs, ocspResponse: null, error: null });
    expect(result.chain?.map(hex)).toEqual(["30010203", "300405"]);
  });

  it.each([
    ["no secret in the key log", bytes, "TLS_AES_128_GCM_SHA256", [], /no server handshake secret/],
    [
      "a suite it cannot decrypt",
      bytes,
      "TLS_SM4_GCM_SM3",
      keylog,
      /cannot decrypt TLS_SM4_GCM_SM3/,
    ],
    [
      "records under another key",
      bytes,
      "TLS_AES_128_GCM_SHA256",
      [`SERVER_HANDSHAKE_TRAFFIC_SECRET 00 ${"11".repeat(32)}`],
      /served chain unreadable: .*authenticate/,
    ],
    [
      "a flight without a Certificate",
      flight(seal(0, encodeHandshake(20, new Uint8Array(32)))),
      "TLS_AES_128_GCM_SHA256",
      keylog,
      /no Certificate message/,
    ],
    [
      "a protected record shorter than its tag",
      flight(encodeRecord(23, 0x0303, new Uint8Array(16))),
      "TLS_AES_128_GCM_SHA256",
      keylog,
      /record at offset 55 is shorter than its tag/,
    ],
    [
      "an alert inside the protected flight",
      flight(seal(0, encodeAlert(2, 40), CONTENT_TYPE.alert)),
      "TLS_AES_128_GCM_SHA256",
      keylog,
      /content type 21 before the server's Finished/,
    ],
    [
      "a malformed TLS 1.3 Certificate",
      flight(
        seal(0, encodeHandshake(11, Uint8Array.of(0, 0, 0, 9))),
        seal(1, encodeHandshake(20, new Uint8Array(32))),
      ),
      "TLS_AES_128_GCM_SHA256",
      keylog,
      /Certificate\.certificateList\.length: claims 9 bytes, 0 left/,
    ],
  ])("says why with %s", (_name, input, suite, log, message) => {
    const result = recoverServedChain(input, "TLSv1.3", suite, log);
    expect(result.chain).toBeNull();
    expect(result.error).toMatch(message);
  });
});
