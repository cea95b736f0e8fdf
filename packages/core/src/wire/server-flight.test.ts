import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { concatBytes, fromHex, toHex } from "./bytes.js";
import { encodeAlert } from "./alert.js";
import { encodeCertificate } from "./certificate.js";
import { DecodeError } from "./errors.js";
import { encodeHandshake } from "./handshake.js";
import { RecordDecoder, encodeRecord } from "./record.js";
import { ServerFlightDecoder } from "./server-flight.js";
import type { FlightState, ServerFlightDecoderOptions } from "./server-flight.js";
import { encodeServerHello } from "./server-hello.js";
import { encodeServerKeyExchange } from "./server-key-exchange.js";
import { encodeSslv2Error, encodeSslv2ServerHello } from "./sslv2-server-hello.js";

const fixture = (name: string) =>
  fromHex(readFileSync(new URL(`./fixtures/${name}.hex`, import.meta.url), "utf8"));

const FIXTURES = [
  "tls12-ecdhe-rsa",
  "tls12-dhe-rsa-ffdhe3072",
  "tls11-dhe-rsa-1024",
  "tls10-ecdhe-rsa",
  "tls13",
  "tls13-hrr-secp384r1",
  "alert-handshake-failure",
  "gnutls-tls12-ecdhe-ecdsa",
] as const;

const DHE_SUITES = new Set([0x0033, 0x009e]);
const OPTIONS: ServerFlightDecoderOptions = {
  keyExchangeOf: (suite) => (DHE_SUITES.has(suite) ? "dhe" : "ecdhe"),
};

/** A string form of a flight: vitest's deep equality on byte arrays is slow in loops. */
const canon = (state: FlightState) =>
  JSON.stringify(state, (_key, value: unknown) =>
    value instanceof Uint8Array ? toHex(value) : value,
  );

function flight(chunks: readonly Uint8Array[], options = OPTIONS): FlightState {
  const decoder = new ServerFlightDecoder(options);
  let state = decoder.state;
  for (const chunk of chunks) state = decoder.push(chunk);
  return state;
}

function thrown(run: () => unknown): DecodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error("expected a DecodeError");
}

const RANDOM = new Uint8Array(32).fill(0x42);
const hs = (type: number, body: Uint8Array) =>
  encodeRecord(22, 0x0303, encodeHandshake(type, body));
const SH = hs(
  2,
  encodeServerHello({ legacyVersion: 0x0303, random: RANDOM, cipherSuite: 0xc02f, extensions: [] }),
);
const CERT = hs(11, encodeCertificate([fromHex("300100")]));
const SHD = hs(14, new Uint8Array(0));
const alertRecord = (level: number, description: number) =>
  encodeRecord(21, 0x0303, encodeAlert(level, description));

describe("ServerFlightDecoder on captured flights", () => {
  it("reads a TLS 1.2 ECDHE-RSA flight (SH, Certificate, SKE, SHD)", () => {
    const state = flight([fixture("tls12-ecdhe-rsa")]);
    expect(state).toMatchObject({
      done: true,
      end: "server-hello-done",
      serverHello: { cipherSuite: 0xc02f, selectedVersion: 0x0303 },
      helloRetryRequest: null,
      certificateStatus: null,
      serverKeyExchangeParams: { kind: "ecdhe", namedCurve: 23, signatureAlgorithm: 0x0804 },
      certificateRequested: false,
      serverHelloDone: true,
      alert: null,
      warnings: [],
      helloRequests: 0,
      sslv2ServerHello: null,
      sslv2Error: null,
    });
    expect(state.certificates?.map((der) => der.length)).toEqual([777]);
    expect(state.serverKeyExchange).toHaveLength(329);
  });

  it("reads the DH prime size the server was configured with", () => {
    expect(flight([fixture("tls12-dhe-rsa-ffdhe3072")]).serverKeyExchangeParams).toMatchObject({
      kind: "dhe",
      primeBits: 3072,
    });
    expect(flight([fixture("tls11-dhe-rsa-1024")]).serverKeyExchangeParams).toMatchObject({
      kind: "dhe",
      primeBits: 1024,
      signatureAlgorithm: null,
    });
  });

  it("stores the SKE raw when the suite's kind is not known", () => {
    const state = flight([fixture("tls12-dhe-rsa-ffdhe3072")], {});
    expect(state.serverKeyExchange).toHaveLength(1035);
    expect(state.serverKeyExchangeParams).toBeNull();
    expect(
      flight([fixture("tls12-ecdhe-rsa")], { keyExchangeOf: () => null }).serverKeyExchangeParams,
    ).toBeNull();
  });

  it("reads a TLS 1.0 flight", () => {
    expect(flight([fixture("tls10-ecdhe-rsa")])).toMatchObject({
      done: true,
      serverHello: { selectedVersion: 0x0301, cipherSuite: 0xc013 },
      serverKeyExchangeParams: { namedCurve: 23, signatureAlgorithm: null },
    });
  });

  it("reads a GnuTLS flight with a CertificateRequest", () => {
    expect(flight([fixture("gnutls-tls12-ecdhe-ecdsa")])).toMatchObject({
      done: true,
      end: "server-hello-done",
      serverHello: { cipherSuite: 0xc02b },
      certificateRequested: true,
      serverKeyExchangeParams: { namedCurve: 23, signatureAlgorithm: 0x0403 },
    });
  });

  it("ends a TLS 1.3 flight at the ServerHello and ignores the encrypted rest", () => {
    const bytes = fixture("tls13");
    const state = flight([bytes]);
    expect(state).toMatchObject({
      done: true,
      end: "tls13-server-hello",
      serverHello: { selectedVersion: 0x0304, keyShareGroup: 0x001d, cipherSuite: 0x1301 },
      certificates: null,
      serverHelloDone: false,
    });
    // Only the first record was needed.
    expect(canon(flight([bytes.subarray(0, 127)]))).toBe(canon(state));
  });

  it("ends at a HelloRetryRequest", () => {
    expect(flight([fixture("tls13-hrr-secp384r1")])).toMatchObject({
      done: true,
      end: "hello-retry-request",
      serverHello: null,
      helloRetryRequest: { keyShareGroup: 0x0018, selectedVersion: 0x0304 },
    });
  });

  it("ends at a fatal alert", () => {
    expect(flight([fixture("alert-handshake-failure")])).toMatchObject({
      done: true,
      end: "alert",
      alert: { level: 2, description: 40, name: "handshake_failure" },
      serverHello: null,
    });
  });

  it("fails on plain HTTP with the first bytes in the message", () => {
    const error = thrown(() => flight([fixture("http-400")]));
    expect(error).toMatchObject({ code: "invalid", field: "record.contentType", offset: 0 });
    expect(error.message).toContain("<!DOCTYPE HTML>");
  });
});

describe("ServerFlightDecoder chunking", () => {
  it.each(FIXTURES)("%s: every split point and one byte at a time give the same flight", (name) => {
    const bytes = fixture(name);
    const expected = canon(flight([bytes]));
    for (let split = 0; split <= bytes.length; split++) {
      expect(canon(flight([bytes.subarray(0, split), bytes.subarray(split)]))).toBe(expected);
    }
    expect(canon(flight([...bytes].map((byte) => Uint8Array.of(byte))))).toBe(expected);
  });

  it.each(
    FIXTURES.filter((name) => name.startsWith("tls1") && !name.startsWith("tls13")).concat(
      "gnutls-tls12-ecdhe-ecdsa",
    ),
  )("%s: the same handshake bytes framed in records of any size give the same flight", (name) => {
    const bytes = fixture(name);
    const expected = canon(flight([bytes]));
    const handshake = concatBytes(
      new RecordDecoder()
        .push(bytes)
        .map((record) => (record.kind === "tls" ? record.fragment : new Uint8Array(0))),
    );
    for (const size of [1, 2, 3, 4, 5, 7, 100, 1000, handshake.length]) {
      const records: Uint8Array[] = [];
      for (let at = 0; at < handshake.length; at += size)
        records.push(encodeRecord(22, 0x0303, handshake.subarray(at, at + size)));
      expect(canon(flight([concatBytes(records)]))).toBe(expected);
    }
  });

  it.each(FIXTURES)(
    "%s: a stream cut anywhere before the end of the flight is truncated, never misread",
    (name) => {
      const bytes = fixture(name);
      const full = flight([bytes]);
      const recordEnds = new Set(new RecordDecoder().push(bytes).map((record) => record.offset));
      for (let cut = 1; cut < bytes.length; cut++) {
        const decoder = new ServerFlightDecoder(OPTIONS);
        const state = decoder.push(bytes.subarray(0, cut));
        if (state.done) {
          expect(canon(state)).toBe(canon(full));
          continue;
        }
        if (recordEnds.has(cut)) {
          // A record boundary: either between messages (no error) or inside one (Handshake).
          const error = (() => {
            try {
              decoder.end();
              return null;
            } catch (caught) {
              return caught;
            }
          })();
          if (error !== null)
            expect(error).toMatchObject({ code: "truncated", field: "Handshake", offset: cut });
        } else {
          expect(thrown(() => decoder.end())).toMatchObject({
            code: "truncated",
            field: "record",
            offset: cut,
          });
        }
      }
    },
  );
});

describe("ServerFlightDecoder order and content", () => {
  it("rejects messages out of order, repeated or unexpected", () => {
    const cases: [Uint8Array[], Partial<DecodeError>][] = [
      [[CERT], { code: "invalid", field: "Handshake.type", offset: 5 }],
      [[SHD], { field: "Handshake.type" }],
      [[SH, SH], { field: "Handshake.type", offset: SH.length + 5 }],
      [[SH, CERT, CERT], { field: "Handshake.type" }],
      [[SH, hs(12, fromHex("030017 01 04")), CERT], { field: "Handshake.type" }],
      [[SH, hs(8, new Uint8Array(0))], { field: "Handshake.type" }],
      [[encodeRecord(20, 0x0303, fromHex("01"))], { field: "record.contentType", offset: 0 }],
      [[encodeRecord(23, 0x0303, fromHex("01"))], { field: "record.contentType", offset: 0 }],
      [
        [SH, encodeRecord(24, 0x0303, fromHex("01"))],
        { field: "record.contentType", offset: SH.length },
      ],
      [
        [SH, encodeRecord(20, 0x0303, fromHex("02"))],
        { field: "ChangeCipherSpec", offset: SH.length + 5 },
      ],
      [
        [SH, encodeRecord(21, 0x0303, new Uint8Array(0))],
        { field: "record.length", offset: SH.length + 3 },
      ],
      [[hs(0, fromHex("00"))], { field: "HelloRequest", offset: 9 }],
    ];
    for (const [i, [records, expected]] of cases.entries()) {
      expect({ i, ...thrown(() => flight([concatBytes(records)])) }).toMatchObject({
        i,
        code: "invalid",
        ...expected,
      });
    }
  });

  it("ignores HelloRequest, and NewSessionTicket after the ServerHello", () => {
    const state = flight([concatBytes([hs(0, new Uint8Array(0)), SH, CERT, SHD])]);
    expect(state).toMatchObject({ done: true, end: "server-hello-done", helloRequests: 1 });
    const resumed = flight([
      concatBytes([SH, hs(4, fromHex("00000000 0000")), encodeRecord(20, 0x0303, fromHex("01"))]),
    ]);
    expect(resumed).toMatchObject({
      done: true,
      end: "change-cipher-spec",
      serverHelloDone: false,
    });
    expect(flight([concatBytes([SH, encodeRecord(23, 0x0303, fromHex("aa"))])])).toMatchObject({
      end: "application-data",
    });
  });

  it("reads a stapled OCSP response", () => {
    const status = hs(22, fromHex("01 000003 300100"));
    expect(flight([concatBytes([SH, CERT, status, SHD])]).certificateStatus).toEqual({
      statusType: 1,
      ocspResponse: fromHex("300100"),
    });
  });

  it("keeps going after a warning unrecognized_name, ends at any other alert", () => {
    const state = flight([concatBytes([alertRecord(1, 112), SH, CERT, SHD])]);
    expect(state).toMatchObject({
      done: true,
      end: "server-hello-done",
      alert: null,
      warnings: [{ level: 1, description: 112 }],
    });
    expect(flight([concatBytes([SH, alertRecord(1, 0)])])).toMatchObject({
      done: true,
      end: "alert",
      serverHello: { cipherSuite: 0xc02f },
      alert: { name: "close_notify" },
    });
    expect(flight([concatBytes([SH, CERT, alertRecord(2, 71)])])).toMatchObject({
      end: "alert",
      alert: { name: "insufficient_security" },
    });
  });

  it("reassembles an alert split across records", () => {
    const bytes = concatBytes([
      encodeRecord(21, 0x0303, fromHex("02")),
      encodeRecord(21, 0x0303, fromHex("46")),
    ]);
    expect(flight([bytes])).toMatchObject({
      done: true,
      alert: { description: 70, name: "protocol_version" },
    });
    const decoder = new ServerFlightDecoder();
    decoder.push(bytes.subarray(0, 6));
    expect(thrown(() => decoder.end())).toMatchObject({
      code: "truncated",
      field: "Alert",
      offset: 6,
    });
  });

  it("reads an SSLv2 SERVER-HELLO and an SSLv2 ERROR", () => {
    const hello = {
      sessionIdHit: false,
      certificateType: 1,
      version: 2,
      certificate: fromHex("300100"),
      cipherSpecs: [0x0700c0],
      connectionId: new Uint8Array(16).fill(5),
    };
    expect(flight([encodeSslv2ServerHello(hello)])).toMatchObject({
      done: true,
      end: "sslv2-server-hello",
      sslv2ServerHello: hello,
    });
    expect(flight([encodeSslv2Error(1)])).toMatchObject({
      done: true,
      end: "sslv2-error",
      sslv2Error: 1,
    });
    const bad = encodeSslv2ServerHello({ ...hello, connectionId: new Uint8Array(8) });
    expect(thrown(() => flight([bad]))).toMatchObject({
      code: "invalid",
      field: "Sslv2ServerHello.connectionId.length",
      offset: 2 + 9,
    });
  });

  it("ignores bytes after the end of the flight and stays failed after an error", () => {
    const done = flight([concatBytes([SH, CERT, SHD, fromHex("ffffffffff")])]);
    expect(done).toMatchObject({ done: true });
    const decoder = new ServerFlightDecoder();
    decoder.push(concatBytes([SH, CERT, SHD]));
    expect(decoder.push(fromHex("ff")).done).toBe(true);
    expect(decoder.end().done).toBe(true);
    const failed = new ServerFlightDecoder();
    const error = thrown(() => failed.push(fromHex("ff00ff")));
    expect(() => failed.push(SH)).toThrow(error);
    expect(() => failed.end()).toThrow(error);
  });

  it("reports decode errors at stream offsets, across record boundaries", () => {
    // A ServerKeyExchange with a public key length one too long, split over two records.
    const ske = encodeHandshake(
      12,
      encodeServerKeyExchange({ kind: "ecdhe", namedCurve: 23, publicKey: fromHex("04aabb") }),
    );
    ske[4 + 3] = 4; // publicKey.length: claims 4 bytes, 3 left
    const first = encodeRecord(22, 0x0303, ske.subarray(0, 6));
    const second = encodeRecord(22, 0x0303, ske.subarray(6));
    const stream = concatBytes([SH, CERT, first, second]);
    const secondStart = SH.length + CERT.length + first.length;
    const error = thrown(() => flight([stream]));
    // Byte 7 of the message is byte 1 of the second record's payload.
    expect(error).toMatchObject({
      code: "overlong",
      field: "ServerKeyExchange.publicKey.length",
      offset: secondStart + 5 + 1,
    });
  });

  it("bounds handshake messages", () => {
    const header = encodeRecord(22, 0x0303, fromHex("0b040001"));
    expect(thrown(() => flight([concatBytes([SH, header])]))).toMatchObject({
      code: "too-large",
      field: "Handshake.length",
      offset: SH.length + 6,
    });
    expect(thrown(() => flight([SH], { maxMessageLength: 10 }))).toMatchObject({
      code: "too-large",
    });
    expect(thrown(() => flight([SH], { maxRecordLength: 10 }))).toMatchObject({
      code: "too-large",
      field: "record.length",
    });
  });
});
