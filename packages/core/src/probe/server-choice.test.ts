import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ServerFlightDecoder,
  SSLV2_MESSAGE_TYPE,
  decodeAlert,
  encodeSslv2ServerHello,
  fromHex,
} from "../wire/index.js";
import { keyExchangeOf, serverAlertOf, serverChoiceOf } from "./server-choice.js";

const flight = (bytes: Uint8Array) => new ServerFlightDecoder({ keyExchangeOf }).push(bytes);
const fixture = (name: string) =>
  flight(fromHex(readFileSync(new URL(`../wire/fixtures/${name}.hex`, import.meta.url), "utf8")));

describe("serverChoiceOf (captured flights, see wire/fixtures/README.md)", () => {
  it("summarises a TLS 1.2 ECDHE flight: suite, curve, certificate, echoed extensions", () => {
    const choice = serverChoiceOf(fixture("tls12-ecdhe-rsa"));
    expect(choice).toMatchObject({
      kind: "tls",
      version: 0x0303,
      cipherSuite: 0xc02f,
      helloRetry: false,
      keyShareGroup: null,
      compressionMethod: 0,
      secureRenegotiation: true,
      keyExchange: { kind: "ecdhe", namedCurve: 23 },
    });
    expect(choice?.kind === "tls" && choice.certificates?.length).toBe(1);
  });

  it("carries the DH prime size of a DHE flight", () => {
    const choice = serverChoiceOf(fixture("tls12-dhe-rsa-ffdhe3072"));
    expect(choice?.kind === "tls" && choice.keyExchange?.kind === "dhe").toBe(true);
    expect(choice?.kind === "tls" && choice.keyExchange).toMatchObject({ primeBits: 3072 });
  });

  it("tells a HelloRetryRequest by its group", () => {
    expect(serverChoiceOf(fixture("tls13-hrr-secp384r1"))).toMatchObject({
      kind: "tls",
      version: 0x0304,
      helloRetry: true,
      keyShareGroup: 24,
      keyExchange: null,
      certificates: null,
    });
  });

  it("reads the TLS 1.3 ServerHello's version and key share", () => {
    expect(serverChoiceOf(fixture("tls13"))).toMatchObject({
      kind: "tls",
      version: 0x0304,
      helloRetry: false,
      keyShareGroup: 29,
    });
  });

  it("is null for an alert, and the alert keeps its name", () => {
    const state = fixture("alert-handshake-failure");
    expect(serverChoiceOf(state)).toBeNull();
    expect(state.alert && serverAlertOf(state.alert)).toEqual({
      level: 2,
      description: 40,
      name: "handshake_failure",
    });
    expect(serverAlertOf(decodeAlert(Uint8Array.of(2, 250))).name).toBe("unknown(250)");
  });

  it("lists the cipher specs of an SSLv2 SERVER-HELLO", () => {
    const record = encodeSslv2ServerHello({
      sessionIdHit: false,
      certificateType: 1,
      version: 0x0002,
      certificate: Uint8Array.of(0x30, 0),
      cipherSpecs: [0x010080, 0x0700c0],
      connectionId: new Uint8Array(16),
    });
    expect(record[2]).toBe(SSLV2_MESSAGE_TYPE.server_hello);
    expect(serverChoiceOf(flight(record))).toEqual({
      kind: "sslv2",
      cipherSpecs: [0x010080, 0x0700c0],
    });
  });
});

describe("keyExchangeOf", () => {
  it.each([
    [0xc02f, "ecdhe"],
    [0x009e, "dhe"],
    [0x0034, "dhe"], // TLS_DH_anon_WITH_AES_128_CBC_SHA
    [0x009c, null],
    [0x1301, null],
  ])("0x%s → %s", (code, kind) => {
    expect(keyExchangeOf(code)).toBe(kind);
  });
});
