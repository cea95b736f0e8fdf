/**
 * The record layer (RFC 8446 5.1, RFC 5246 6.2.1) as the server's byte stream arrives, plus the
 * 2-byte-header SSLv2 record a SSLv2 server answers with. Bounded: a record longer than the
 * codec's limit fails on its header, before any of its body is buffered.
 */
import { ByteWriter, toHex } from "./bytes.js";
import { ByteQueue } from "./byte-queue.js";
import { CONTENT_TYPE, MAX_RECORD_LENGTH, SSLV2_MESSAGE_TYPE } from "./constants.js";
import { DecodeError } from "./errors.js";

export interface TlsPlaintextRecord {
  readonly kind: "tls";
  readonly contentType: number;
  readonly version: number;
  readonly fragment: Uint8Array;
  /** Stream offset of the record's first header byte. */
  readonly offset: number;
}

export interface Sslv2Record {
  readonly kind: "sslv2";
  /** The record's content after the 2-byte header, starting with the message type. */
  readonly body: Uint8Array;
  readonly offset: number;
}

export type TlsRecord = TlsPlaintextRecord | Sslv2Record;

export interface RecordDecoderOptions {
  /** Largest fragment accepted; default 2^14 + 2048 (TLSCiphertext of TLS 1.2). */
  readonly maxRecordLength?: number;
}

const HEADER_LENGTH = 5;
const SSLV2_HEADER_LENGTH = 2;

function printable(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : ".";
  return out;
}

/**
 * Splits a byte stream into records. `push(chunk)` returns the records completed so far and keeps
 * the remainder: at most one partial record, never more than 5 + `maxRecordLength` bytes. `write`
 * and `read` do the same one record at a time, for a caller that stops reading at some record
 * (what is written and not read stays buffered). After a `DecodeError` the decoder stays failed
 * and throws the same error again.
 */
export class RecordDecoder {
  readonly #queue = new ByteQueue();
  readonly #maxRecordLength: number;
  /** Stream offset of the queue's first byte. */
  #offset = 0;
  #mode: "unknown" | "tls" | "sslv2" = "unknown";
  #error: DecodeError | null = null;

  constructor(options: RecordDecoderOptions = {}) {
    this.#maxRecordLength = options.maxRecordLength ?? MAX_RECORD_LENGTH;
  }

  /** Bytes held that do not yet form a complete record. */
  get buffered(): number {
    return this.#queue.length;
  }

  /** Stream offset of the next byte not yet returned in a record. */
  get offset(): number {
    return this.#offset;
  }

  push(chunk: Uint8Array): TlsRecord[] {
    this.write(chunk);
    const records: TlsRecord[] = [];
    for (let record = this.read(); record !== null; record = this.read()) records.push(record);
    return records;
  }

  write(chunk: Uint8Array): void {
    if (this.#error !== null) throw this.#error;
    this.#queue.append(chunk);
  }

  /** The next complete record, or null when more bytes are needed. */
  read(): TlsRecord | null {
    if (this.#error !== null) throw this.#error;
    try {
      return this.#read();
    } catch (error) {
      if (error instanceof DecodeError) this.#error = error;
      throw error;
    }
  }

  /** Throws a "truncated" DecodeError if the stream ended inside a record. */
  end(): void {
    if (this.#error !== null) throw this.#error;
    if (this.#queue.length > 0) {
      this.#error = new DecodeError(
        "truncated",
        `stream ended ${this.#queue.length} bytes into a record`,
        {
          offset: this.#offset + this.#queue.length,
          field: "record",
        },
      );
      throw this.#error;
    }
  }

  #fail(
    code: "invalid" | "too-large" | "unsupported",
    detail: string,
    at: number,
    field: string,
  ): never {
    throw new DecodeError(code, detail, { offset: this.#offset + at, field });
  }

  #take(length: number): Uint8Array {
    const bytes = this.#queue.take(length);
    this.#offset += length;
    return bytes;
  }

  #read(): TlsRecord | null {
    const q = this.#queue;
    if (q.length === 0) return null;
    const first = q.at(0);
    if (this.#mode === "sslv2" || (this.#mode === "unknown" && (first & 0x80) !== 0)) {
      return this.#readSslv2();
    }
    if (first < CONTENT_TYPE.change_cipher_spec || first > CONTENT_TYPE.heartbeat) {
      const head = q.peek(16);
      this.#fail(
        "invalid",
        `content type ${first} is not TLS; stream starts ${toHex(head)} "${printable(head)}"`,
        0,
        "record.contentType",
      );
    }
    if (q.length >= 2 && q.at(1) !== 3) {
      this.#fail("invalid", `version major ${q.at(1)} is not 3`, 1, "record.version");
    }
    if (q.length < HEADER_LENGTH) return null;
    const length = (q.at(3) << 8) | q.at(4);
    if (length > this.#maxRecordLength) {
      this.#fail(
        "too-large",
        `${length} bytes exceed ${this.#maxRecordLength}`,
        3,
        "record.length",
      );
    }
    if (q.length < HEADER_LENGTH + length) return null;
    this.#mode = "tls";
    const offset = this.#offset;
    const version = (q.at(1) << 8) | q.at(2);
    this.#take(HEADER_LENGTH);
    return { kind: "tls", contentType: first, version, fragment: this.#take(length), offset };
  }

  /**
   * An SSLv2 record with a 2-byte header: the high bit of the first byte set, 15 bits of length.
   * At the start of the stream only a SERVER-HELLO or a 3-byte ERROR counts as SSLv2.
   */
  #readSslv2(): TlsRecord | null {
    const q = this.#queue;
    if (this.#mode === "unknown") {
      if (q.length < 3) return null;
      const length = ((q.at(0) & 0x7f) << 8) | q.at(1);
      const type = q.at(2);
      const isServerHello = type === SSLV2_MESSAGE_TYPE.server_hello;
      const isError = type === SSLV2_MESSAGE_TYPE.error && length === 3;
      if (!isServerHello && !isError) {
        const head = q.peek(16);
        this.#fail(
          "invalid",
          `content type ${q.at(0)} is not TLS nor an SSLv2 server message; stream starts ${toHex(head)} "${printable(head)}"`,
          0,
          "record.contentType",
        );
      }
    } else if ((q.at(0) & 0x80) === 0) {
      this.#fail("unsupported", "SSLv2 record with a 3-byte header", 0, "sslv2.record.length");
    }
    if (q.length < SSLV2_HEADER_LENGTH) return null;
    const length = ((q.at(0) & 0x7f) << 8) | q.at(1);
    if (length === 0) this.#fail("invalid", "empty SSLv2 record", 0, "sslv2.record.length");
    if (q.length < SSLV2_HEADER_LENGTH + length) return null;
    this.#mode = "sslv2";
    const offset = this.#offset;
    this.#take(SSLV2_HEADER_LENGTH);
    return { kind: "sslv2", body: this.#take(length), offset };
  }
}

/** One TLS record: header and fragment. Longer fragments are the caller's to split. */
export function encodeRecord(
  contentType: number,
  version: number,
  fragment: Uint8Array,
): Uint8Array {
  const w = new ByteWriter();
  w.u8(contentType, "record.contentType").u16(version, "record.version");
  w.lengthPrefixed(2, (v) => v.bytes(fragment), "record.fragment");
  return w.finish();
}
