import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { concatBytes, fromHex, toHex } from "./bytes.js";
import { MAX_RECORD_LENGTH } from "./constants.js";
import { DecodeError } from "./errors.js";
import { RecordDecoder, encodeRecord } from "./record.js";
import type { TlsRecord } from "./record.js";
import { encodeSslv2Error, encodeSslv2ServerHello } from "./sslv2-server-hello.js";

const fixture = (name: string) =>
  fromHex(readFileSync(new URL(`./fixtures/${name}.hex`, import.meta.url), "utf8"));
const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

function thrown(run: () => unknown): DecodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error("expected a DecodeError");
}

/** A string form of records: vitest's deep equality on byte arrays is slow in loops. */
const canon = (records: TlsRecord[]) =>
  JSON.stringify(records, (_key, value: unknown) =>
    value instanceof Uint8Array ? toHex(value) : value,
  );

const summary = (records: TlsRecord[]) =>
  records.map((r) =>
    r.kind === "tls"
      ? [r.contentType, r.version, r.fragment.length, r.offset]
      : ["sslv2", r.body.length, r.offset],
  );

describe("RecordDecoder", () => {
  it("splits a captured flight into its records with stream offsets", () => {
    const records = new RecordDecoder().push(fixture("tls12-ecdhe-rsa"));
    expect(summary(records)).toEqual([
      [22, 0x0303, 93, 0],
      [22, 0x0303, 787, 98],
      [22, 0x0303, 333, 890],
      [22, 0x0303, 4, 1228],
    ]);
  });

  it("returns the same records whatever the chunking", () => {
    const bytes = fixture("tls13");
    const whole = canon(new RecordDecoder().push(bytes));
    for (let split = 0; split <= bytes.length; split++) {
      const decoder = new RecordDecoder();
      const parts = [
        ...decoder.push(bytes.subarray(0, split)),
        ...decoder.push(bytes.subarray(split)),
      ];
      expect(canon(parts)).toBe(whole);
      expect(decoder.buffered).toBe(0);
    }
    const decoder = new RecordDecoder();
    const byByte = [...bytes].flatMap((byte) => decoder.push(Uint8Array.of(byte)));
    expect(canon(byByte)).toBe(whole);
  });

  it("fails on an oversized length as soon as the header is in, before buffering the body", () => {
    const decoder = new RecordDecoder();
    const error = thrown(() => decoder.push(fromHex("1603034801")));
    expect(error).toMatchObject({ code: "too-large", field: "record.length", offset: 3 });
    expect(decoder.buffered).toBe(5);
    expect(() => decoder.push(new Uint8Array(10))).toThrow(error);
    const atLimit = new RecordDecoder();
    expect(atLimit.push(fromHex("1603034800"))).toEqual([]);
    expect(MAX_RECORD_LENGTH).toBe(0x4800);
    const custom = new RecordDecoder({ maxRecordLength: 100 });
    expect(() => custom.push(fromHex("1503030065"))).toThrow(
      expect.objectContaining({ code: "too-large" }),
    );
  });

  it("recognises plain HTTP and garbage on the first byte, quoting the first bytes", () => {
    const http = thrown(() => new RecordDecoder().push(ascii("HTTP/1.1 400 Bad Request\r\n")));
    expect(http).toMatchObject({ code: "invalid", field: "record.contentType", offset: 0 });
    expect(http.message).toContain('"HTTP/1.1 400 Bad"');
    expect(http.message).toContain("485454502f312e3120343030");
    const page = thrown(() => new RecordDecoder().push(fixture("http-400")));
    expect(page.message).toContain("<!DOCTYPE HTML>");
    expect(thrown(() => new RecordDecoder().push(ascii("G")))).toMatchObject({
      offset: 0,
      code: "invalid",
    });
    expect(thrown(() => new RecordDecoder().push(fromHex("1604")))).toMatchObject({
      code: "invalid",
      field: "record.version",
      offset: 1,
    });
  });

  it("reports bad content types after the first record at their stream offset", () => {
    const bytes = concatBytes([encodeRecord(22, 0x0303, fromHex("0e000000")), fromHex("19030300")]);
    expect(thrown(() => new RecordDecoder().push(bytes))).toMatchObject({
      code: "invalid",
      offset: 9,
    });
  });

  it("recognises an SSLv2 SERVER-HELLO or ERROR at the start of the stream", () => {
    const hello = encodeSslv2ServerHello({
      sessionIdHit: false,
      certificateType: 1,
      version: 2,
      certificate: fromHex("3000"),
      cipherSpecs: [0x010080],
      connectionId: new Uint8Array(16),
    });
    const decoder = new RecordDecoder();
    expect(decoder.push(hello.subarray(0, 2))).toEqual([]);
    const [record] = decoder.push(hello.subarray(2));
    expect(record).toEqual({ kind: "sslv2", body: hello.subarray(2), offset: 0 });
    expect(new RecordDecoder().push(encodeSslv2Error(1))).toEqual([
      { kind: "sslv2", body: fromHex("000001"), offset: 0 },
    ]);
    // High bit set but no SERVER-HELLO: not TLS, not SSLv2.
    expect(thrown(() => new RecordDecoder().push(fromHex("800501")))).toMatchObject({
      code: "invalid",
      field: "record.contentType",
    });
    // After an SSLv2 record, a 3-byte header is not handled.
    expect(
      thrown(() => new RecordDecoder().push(concatBytes([encodeSslv2Error(1), fromHex("0005")]))),
    ).toMatchObject({
      code: "unsupported",
      offset: 5,
    });
  });

  it("reports a stream that ends inside a record", () => {
    const decoder = new RecordDecoder();
    decoder.push(fromHex("16030300040e00"));
    expect(thrown(() => decoder.end())).toMatchObject({
      code: "truncated",
      field: "record",
      offset: 7,
    });
    const clean = new RecordDecoder();
    clean.push(fromHex("15030300020228"));
    expect(() => clean.end()).not.toThrow();
  });

  it("buffers at most one partial record however much arrives", () => {
    const decoder = new RecordDecoder();
    const record = encodeRecord(23, 0x0303, new Uint8Array(MAX_RECORD_LENGTH));
    let count = 0;
    for (let i = 0; i < 40; i++) {
      count += decoder.push(concatBytes([record, record.subarray(0, 1000 + i)])).length;
      count += decoder.push(record.subarray(1000 + i)).length;
      expect(decoder.buffered).toBe(0);
    }
    expect(count).toBe(80);
    decoder.push(record.subarray(0, MAX_RECORD_LENGTH));
    expect(decoder.buffered).toBe(MAX_RECORD_LENGTH);
    expect(decoder.offset).toBe(80 * record.length);
  });
});
