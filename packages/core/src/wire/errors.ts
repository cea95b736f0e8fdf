/**
 * Errors of the wire codec. A hostile or broken byte stream is bad input, so it is an exception,
 * but always this one: every malformed input yields a `DecodeError`, never a `RangeError` or a
 * `TypeError`. The prober turns it into a "failed: unparseable" probe outcome.
 */

import { TlsgateError } from "../errors.js";

export const DECODE_ERROR_CODES = [
  /** A read ran past the end of its scope (the message, the vector, or the bytes seen so far). */
  "truncated",
  /** A length prefix claims more bytes than its enclosing scope holds. */
  "overlong",
  /** A value that is not allowed here: bad content type, trailing bytes, duplicate extension… */
  "invalid",
  /** Well-formed but outside what the codec handles (say an SSLv2 record with a 3-byte header). */
  "unsupported",
  /** A length beyond the codec's bounds (record > 2^14 + 2048, handshake message > 256 KiB). */
  "too-large",
] as const;
export type DecodeErrorCode = (typeof DECODE_ERROR_CODES)[number];

export interface DecodeErrorOptions {
  /** Absolute byte offset, in the buffer being decoded, where the problem was found. */
  offset: number;
  /** Dotted path of the field, e.g. "ServerHello.extensions[2].length". */
  field: string;
  cause?: unknown;
}

/** Malformed input to a decoder: what (`code`), where (`offset`) and in which `field`. */
export class DecodeError extends TlsgateError<DecodeErrorCode> {
  override readonly name = "DecodeError" as const;
  readonly offset: number;
  readonly field: string;
  /** The message without the field and offset, kept to rebuild the error at another offset. */
  readonly detail: string;

  constructor(code: DecodeErrorCode, detail: string, options: DecodeErrorOptions) {
    super(code, `${options.field}: ${detail} (${code} at offset ${options.offset})`, options);
    this.offset = options.offset;
    this.field = options.field;
    this.detail = detail;
  }
}

/**
 * The same error at another offset: a decoder reports offsets into the message body it was given;
 * the flight decoder moves them to offsets in the server's byte stream.
 */
export function relocateDecodeError(error: DecodeError, offset: number): DecodeError {
  const options: DecodeErrorOptions = { offset, field: error.field };
  if (error.cause !== undefined) options.cause = error.cause;
  return new DecodeError(error.code, error.detail, options);
}

/** Bad input to an encoder: a value that the wire format cannot carry. */
export const ENCODE_ERROR_CODES = ["invalid", "too-large"] as const;
export type EncodeErrorCode = (typeof ENCODE_ERROR_CODES)[number];

export class EncodeError extends TlsgateError<EncodeErrorCode> {
  override readonly name = "EncodeError" as const;
  readonly field: string;

  constructor(code: EncodeErrorCode, field: string, detail: string) {
    super(code, `${field}: ${detail}`);
    this.field = field;
  }
}
