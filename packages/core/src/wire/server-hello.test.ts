import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { fromHex } from "./bytes.js";
import { DOWNGRADE_SENTINEL, EXTENSION_TYPE, HELLO_RETRY_REQUEST_RANDOM } from "./constants.js";
import { DecodeError } from "./errors.js";
import {
  alpn,
  ecPointFormats,
  extendedMasterSecret,
  heartbeat,
  rawExtension,
  renegotiationInfo,
} from "./extensions.js";
import type { Extension } from "./extensions.js";
import { HandshakeDecoder } from "./handshake.js";
import type { HandshakeMessage } from "./handshake.js";
import { RecordDecoder } from "./record.js";
import { decodeServerHello, encodeServerHello } from "./server-hello.js";
import type { ServerHelloSpec } from "./server-hello.js";

const fixture = (name: string) =>
  fromHex(readFileSync(new URL(`./fixtures/${name}.hex`, import.meta.url), "utf8"));

function messagesOf(bytes: Uint8Array): HandshakeMessage[] {
  const handshake = new HandshakeDecoder();
  return new RecordDecoder()
    .push(bytes)
    .flatMap((record) =>
      record.kind === "tls" && record.contentType === 22
        ? handshake.push(record.fragment, record.offset + 5)
        : [],
    );
}

const serverHelloOf = (name: string) =>
  decodeServerHello(messagesOf(fixture(name))[0]?.body ?? new Uint8Array(0));

const RANDOM = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i);
const base: ServerHelloSpec = {
  legacyVersion: 0x0303,
  random: RANDOM,
  cipherSuite: 0xc02f,
  extensions: [],
};
const hello = (spec: Partial<ServerHelloSpec>) =>
  decodeServerHello(encodeServerHello({ ...base, ...spec }));
const ext = (type: number, hex: string): Extension => rawExtension(type, fromHex(hex));

function thrown(run: () => unknown): DecodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error("expected a DecodeError");
}

describe("decodeServerHello on captured hellos", () => {
  it("reads a TLS 1.2 ECDHE hello from OpenSSL", () => {
    const sh = serverHelloOf("tls12-ecdhe-rsa");
    expect(sh).toMatchObject({
      legacyVersion: 0x0303,
      selectedVersion: 0x0303,
      cipherSuite: 0xc02f,
      compressionMethod: 0,
      isHelloRetryRequest: false,
      keyShareGroup: null,
      alpn: null,
      secureRenegotiation: true,
      extendedMasterSecret: true,
      encryptThenMac: false,
      heartbeat: null,
      ocspStatusRequest: false,
      sessionTicket: false,
      ecPointFormats: [0, 1, 2],
      serverNameAcknowledged: false,
      downgradeSentinel: null,
    });
    expect(sh.sessionId).toHaveLength(32);
    expect(sh.extensions.map((e) => e.type)).toEqual([0xff01, 11, 23]);
  });

  it("reads a TLS 1.1 hello without extensions", () => {
    const sh = serverHelloOf("tls11-dhe-rsa-1024");
    expect(sh).toMatchObject({
      selectedVersion: 0x0302,
      cipherSuite: 0x0033,
      extensions: [],
      secureRenegotiation: false,
    });
  });

  it("reads the TLS 1.3 version and key share", () => {
    const sh = serverHelloOf("tls13");
    expect(sh).toMatchObject({
      legacyVersion: 0x0303,
      selectedVersion: 0x0304,
      cipherSuite: 0x1301,
      keyShareGroup: 0x001d,
      isHelloRetryRequest: false,
    });
  });

  it("recognises a HelloRetryRequest and its selected group", () => {
    const hrr = serverHelloOf("tls13-hrr-secp384r1");
    expect(hrr).toMatchObject({
      isHelloRetryRequest: true,
      selectedVersion: 0x0304,
      keyShareGroup: 0x0018,
      cipherSuite: 0x1301,
    });
    expect(hrr.random).toEqual(HELLO_RETRY_REQUEST_RANDOM);
  });
});

describe("decodeServerHello", () => {
  it("round-trips and reads the extensions a probe needs", () => {
    const sh = hello({
      sessionId: new Uint8Array(32).fill(7),
      extensions: [
        ext(EXTENSION_TYPE.server_name, ""),
        renegotiationInfo(),
        extendedMasterSecret(),
        ext(EXTENSION_TYPE.encrypt_then_mac, ""),
        ext(EXTENSION_TYPE.status_request, ""),
        ext(EXTENSION_TYPE.session_ticket, ""),
        heartbeat(2),
        alpn(["h2"]),
        ecPointFormats([0]),
        ext(0x1234, "abcd"),
      ],
    });
    expect(sh).toMatchObject({
      sessionId: new Uint8Array(32).fill(7),
      selectedVersion: 0x0303,
      serverNameAcknowledged: true,
      secureRenegotiation: true,
      extendedMasterSecret: true,
      encryptThenMac: true,
      ocspStatusRequest: true,
      sessionTicket: true,
      heartbeat: "peer_not_allowed_to_send",
      alpn: "h2",
      ecPointFormats: [0],
    });
    expect(sh.extensions.at(-1)).toEqual(ext(0x1234, "abcd"));
    expect(hello({ extensions: [heartbeat(1)] }).heartbeat).toBe("peer_allowed_to_send");
  });

  it("reads a TLS 1.3 ServerHello key share and an HRR selected group", () => {
    const sh = hello({ extensions: [ext(43, "0304"), ext(51, "11ec 0004 01020304")] });
    expect(sh).toMatchObject({
      selectedVersion: 0x0304,
      keyShareGroup: 0x11ec,
      isHelloRetryRequest: false,
    });
    const hrr = hello({
      random: HELLO_RETRY_REQUEST_RANDOM,
      extensions: [ext(43, "0304"), ext(51, "11ec")],
    });
    expect(hrr).toMatchObject({
      selectedVersion: 0x0304,
      keyShareGroup: 0x11ec,
      isHelloRetryRequest: true,
    });
  });

  it("reads SSLv3-style hellos without an extensions block", () => {
    const body = encodeServerHello({ legacyVersion: 0x0300, random: RANDOM, cipherSuite: 0x000a });
    expect(body).toHaveLength(2 + 32 + 1 + 2 + 1);
    expect(decodeServerHello(body)).toMatchObject({
      legacyVersion: 0x0300,
      selectedVersion: 0x0300,
      extensions: [],
    });
  });

  it("reports the TLS 1.3 downgrade sentinels", () => {
    const random = (tail: Uint8Array) => Uint8Array.from([...RANDOM.subarray(0, 24), ...tail]);
    expect(hello({ random: random(DOWNGRADE_SENTINEL.tls12) }).downgradeSentinel).toBe("tls12");
    expect(hello({ random: random(DOWNGRADE_SENTINEL.tls11) }).downgradeSentinel).toBe("tls11");
    expect(hello({}).downgradeSentinel).toBeNull();
  });

  it("rejects malformed extensions at their offsets", () => {
    // Body: version 0, random 2, session id 34 (empty), suite 35, compression 37, extensions 38,
    // first extension type at 40, its length at 42, its data at 44.
    const cases: [Extension[], Partial<DecodeError>][] = [
      [
        [extendedMasterSecret(), extendedMasterSecret()],
        { code: "invalid", field: "ServerHello.extensions[1].type", offset: 44 },
      ],
      [[ext(43, "030403")], { code: "invalid", field: "ServerHello.extensions[0]", offset: 46 }],
      [
        [ext(43, "03")],
        { code: "truncated", field: "ServerHello.extensions[0].selectedVersion", offset: 44 },
      ],
      [
        [ext(51, "001d 0000")],
        { code: "invalid", field: "ServerHello.extensions[0].keyExchange.length", offset: 46 },
      ],
      [
        [ext(51, "001d 0003 aa")],
        { code: "overlong", field: "ServerHello.extensions[0].keyExchange.length", offset: 46 },
      ],
      [
        [ext(16, "0006 02 6832 02 6833")],
        { code: "invalid", field: "ServerHello.extensions[0].protocolNameList", offset: 44 },
      ],
      [
        [ext(16, "0000")],
        { code: "invalid", field: "ServerHello.extensions[0].protocolNameList", offset: 44 },
      ],
      [
        [ext(16, "0001 00")],
        {
          code: "invalid",
          field: "ServerHello.extensions[0].protocolNameList[0].length",
          offset: 46,
        },
      ],
      [[ext(15, "03")], { code: "invalid", field: "ServerHello.extensions[0].mode", offset: 44 }],
      [[ext(15, "")], { code: "truncated", field: "ServerHello.extensions[0].mode", offset: 44 }],
      [
        [ext(0xff01, "02 00")],
        {
          code: "overlong",
          field: "ServerHello.extensions[0].renegotiatedConnection.length",
          offset: 44,
        },
      ],
      [
        [ext(11, "02 00")],
        { code: "overlong", field: "ServerHello.extensions[0].formats.length", offset: 44 },
      ],
    ];
    for (const [i, [extensions, expected]] of cases.entries()) {
      expect({ i, ...thrown(() => hello({ extensions })) }).toMatchObject({ i, ...expected });
    }
  });

  it("rejects a session id over 32 bytes and trailing bytes", () => {
    const body = encodeServerHello({ ...base, sessionId: new Uint8Array(32) });
    body[34] = 33;
    expect(thrown(() => decodeServerHello(body))).toMatchObject({
      code: "invalid",
      field: "ServerHello.sessionId.length",
      offset: 34,
    });
    const trailing = Uint8Array.from([...encodeServerHello(base), 0]);
    expect(thrown(() => decodeServerHello(trailing))).toMatchObject({
      code: "invalid",
      field: "ServerHello",
      offset: 40,
    });
  });
});
