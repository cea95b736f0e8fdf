/**
 * TLSCiphertext and TLSInnerPlaintext (RFC 8446 5.2, 5.3): the bytes around a protected TLS 1.3
 * record — its additional data, its per-record nonce, and the inner plaintext's content type and
 * padding. The AEAD itself is the caller's: wire/ has no crypto.
 */
import { ByteWriter } from "./bytes.js";
import { CONTENT_TYPE, MAX_PLAINTEXT_LENGTH } from "./constants.js";
import { DecodeError, EncodeError } from "./errors.js";
import type { TlsPlaintextRecord } from "./record.js";

export interface TlsInnerPlaintext {
  /** The real content type: handshake, alert or application_data. */
  readonly contentType: number;
  readonly content: Uint8Array;
}

/** The AEAD additional data of a protected record: its 5-byte header (RFC 8446 5.2). */
export function tls13AdditionalData(record: TlsPlaintextRecord): Uint8Array {
  return new ByteWriter()
    .u8(record.contentType, "record.contentType")
    .u16(record.version, "record.version")
    .u16(record.fragment.length, "record.length")
    .finish();
}

/** The per-record nonce: the 64-bit sequence number, left-padded, XORed into the IV (RFC 8446 5.3). */
export function tls13Nonce(iv: Uint8Array, sequence: number): Uint8Array {
  if (iv.length < 8) throw new EncodeError("invalid", "nonce.iv", `${iv.length} bytes, not >= 8`);
  if (!Number.isSafeInteger(sequence) || sequence < 0) {
    throw new EncodeError("invalid", "nonce.sequence", `${sequence} is not a sequence number`);
  }
  // A copy, never a view: a Buffer's slice() would share the IV and corrupt it.
  const nonce = new Uint8Array(iv);
  // Safe integers stop at 2^53: the top byte of the 64-bit sequence is always zero.
  for (let i = 0, value = sequence; i < 8 && value > 0; i++, value = Math.floor(value / 256)) {
    const at = nonce.length - 1 - i;
    nonce[at] = (nonce[at] ?? 0) ^ (value % 256);
  }
  return nonce;
}

const INNER_TYPES: ReadonlySet<number> = new Set([
  CONTENT_TYPE.handshake,
  CONTENT_TYPE.alert,
  CONTENT_TYPE.application_data,
]);

/**
 * Splits a decrypted record into content and type: the type is the last non-zero byte, the zeros
 * after it are padding. `base` is the stream offset of `plaintext[0]`, for error reports.
 */
export function decodeTlsInnerPlaintext(plaintext: Uint8Array, base = 0): TlsInnerPlaintext {
  let end = plaintext.length - 1;
  while (end >= 0 && plaintext[end] === 0) end -= 1;
  if (end < 0) {
    throw new DecodeError("invalid", "all padding, no content type", {
      offset: base + plaintext.length,
      field: "TLSInnerPlaintext.type",
    });
  }
  const contentType = plaintext[end] ?? 0;
  if (!INNER_TYPES.has(contentType)) {
    throw new DecodeError("invalid", `content type ${contentType} in a protected record`, {
      offset: base + end,
      field: "TLSInnerPlaintext.type",
    });
  }
  if (end > MAX_PLAINTEXT_LENGTH) {
    throw new DecodeError("too-large", `${end} bytes exceed ${MAX_PLAINTEXT_LENGTH}`, {
      offset: base + MAX_PLAINTEXT_LENGTH,
      field: "TLSInnerPlaintext.content",
    });
  }
  return { contentType, content: plaintext.slice(0, end) };
}

/** Content, type and `padding` zero bytes: what a sender encrypts (scripted servers, tests). */
export function encodeTlsInnerPlaintext(
  contentType: number,
  content: Uint8Array,
  padding = 0,
): Uint8Array {
  return new ByteWriter()
    .bytes(content)
    .u8(contentType, "TLSInnerPlaintext.type")
    .bytes(new Uint8Array(padding))
    .finish();
}
