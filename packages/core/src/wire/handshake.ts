/**
 * Handshake messages (RFC 8446 4, RFC 5246 7.4) reassembled from handshake record payloads: a
 * message may span records and a record may hold several messages.
 */
import { ByteWriter } from "./bytes.js";
import { ByteQueue } from "./byte-queue.js";
import { DecodeError } from "./errors.js";

/** Where a run of a message's bytes came from: message index `at` is at stream `offset`. */
export interface HandshakePiece {
  readonly at: number;
  readonly offset: number;
}

export interface HandshakeMessage {
  readonly type: number;
  /** The message body, after the 4-byte header. */
  readonly body: Uint8Array;
  /** Stream offset of the message's first header byte. */
  readonly offset: number;
  /** One piece per record the message came from (indexes count the 4-byte header). */
  readonly pieces: readonly HandshakePiece[];
}

export interface HandshakeDecoderOptions {
  /** Largest body accepted; default 256 KiB (certificate chains can be large). */
  readonly maxMessageLength?: number;
}

export const DEFAULT_MAX_HANDSHAKE_LENGTH = 256 * 1024;
const HEADER_LENGTH = 4;

/** The stream offset of byte `index` of a message (0 is the type byte, 4 the body's first). */
export function handshakeStreamOffset(message: HandshakeMessage, index: number): number {
  let piece: HandshakePiece = { at: 0, offset: message.offset };
  for (const candidate of message.pieces) {
    if (candidate.at > index) break;
    piece = candidate;
  }
  return piece.offset + (index - piece.at);
}

interface Segment {
  /** Position of the segment's first byte in the queue's lifetime (bytes ever appended). */
  readonly position: number;
  readonly length: number;
  readonly offset: number;
}

/**
 * Reassembles handshake messages. `push(payload, offset)` takes one handshake record's fragment
 * and its stream offset and returns the messages it completes; `write` and `read` do the same one
 * message at a time. After a `DecodeError` the decoder stays failed.
 */
export class HandshakeDecoder {
  readonly #queue = new ByteQueue();
  readonly #maxMessageLength: number;
  #segments: Segment[] = [];
  /** Bytes ever appended, and ever consumed, in the queue. */
  #appended = 0;
  #consumed = 0;
  #error: DecodeError | null = null;

  constructor(options: HandshakeDecoderOptions = {}) {
    this.#maxMessageLength = options.maxMessageLength ?? DEFAULT_MAX_HANDSHAKE_LENGTH;
  }

  /** Bytes held that do not yet form a complete message. */
  get buffered(): number {
    return this.#queue.length;
  }

  push(payload: Uint8Array, offset?: number): HandshakeMessage[] {
    this.write(payload, offset);
    const messages: HandshakeMessage[] = [];
    for (let message = this.read(); message !== null; message = this.read()) messages.push(message);
    return messages;
  }

  /**
   * @param offset stream offset of `payload[0]`; by default payloads are taken as contiguous, so
   *   offsets count bytes of handshake payload.
   */
  write(payload: Uint8Array, offset: number = this.#appended): void {
    if (this.#error !== null) throw this.#error;
    if (payload.length === 0) return;
    this.#segments.push({ position: this.#appended, length: payload.length, offset });
    this.#appended += payload.length;
    this.#queue.append(payload);
  }

  /** The next complete message, or null when more bytes are needed. */
  read(): HandshakeMessage | null {
    if (this.#error !== null) throw this.#error;
    const q = this.#queue;
    if (q.length < HEADER_LENGTH) return null;
    const length = (q.at(1) << 16) | (q.at(2) << 8) | q.at(3);
    if (length > this.#maxMessageLength) {
      this.#error = new DecodeError(
        "too-large",
        `${length} bytes exceed ${this.#maxMessageLength}`,
        {
          offset: this.#streamOffset(this.#consumed + 1),
          field: "Handshake.length",
        },
      );
      throw this.#error;
    }
    if (q.length < HEADER_LENGTH + length) return null;
    const start = this.#consumed;
    const total = HEADER_LENGTH + length;
    const pieces: HandshakePiece[] = [];
    for (const segment of this.#segments) {
      const from = Math.max(segment.position, start);
      if (from < Math.min(segment.position + segment.length, start + total)) {
        pieces.push({ at: from - start, offset: segment.offset + (from - segment.position) });
      }
    }
    const type = q.at(0);
    q.skip(HEADER_LENGTH);
    const body = q.take(length);
    this.#consumed += total;
    this.#segments = this.#segments.filter((s) => s.position + s.length > this.#consumed);
    return { type, body, offset: pieces[0]?.offset ?? 0, pieces };
  }

  /** Throws a "truncated" DecodeError if a message was left incomplete. */
  end(): void {
    if (this.#error !== null) throw this.#error;
    if (this.#queue.length > 0) {
      this.#error = new DecodeError(
        "truncated",
        `handshake ended ${this.#queue.length} bytes into a message`,
        {
          offset: this.#streamOffset(this.#appended),
          field: "Handshake",
        },
      );
      throw this.#error;
    }
  }

  #streamOffset(position: number): number {
    for (const segment of this.#segments) {
      if (position < segment.position + segment.length)
        return segment.offset + (position - segment.position);
    }
    const last = this.#segments[this.#segments.length - 1];
    return last === undefined ? position : last.offset + (position - last.position);
  }
}

/** A handshake message: type, 24-bit length and body. */
export function encodeHandshake(type: number, body: Uint8Array): Uint8Array {
  const w = new ByteWriter();
  w.u8(type, "Handshake.type");
  w.lengthPrefixed(3, (v) => v.bytes(body), "Handshake.body");
  return w.finish();
}
