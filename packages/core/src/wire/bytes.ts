/**
 * Byte cursors for the codec. `ByteReader` makes every read bounded and every vector scoped: a
 * length prefix opens a sub-reader that may not run past its parent and must be consumed to its
 * last byte when it closes. `ByteWriter` back-patches length prefixes once the content is known.
 */
import { DecodeError, EncodeError } from "./errors.js";

/** A cursor over `data[start, end)`. Offsets it reports are `base` plus the index into `data`. */
export class ByteReader {
  readonly #data: Uint8Array;
  readonly #end: number;
  readonly #base: number;
  #pos: number;

  /**
   * @param data the buffer being decoded.
   * @param base the absolute offset of `data[0]` for error reports (0: offsets into `data`).
   */
  constructor(data: Uint8Array, base = 0, start = 0, end = data.length) {
    this.#data = data;
    this.#base = base;
    this.#pos = start;
    this.#end = end;
  }

  /** The absolute offset of the next byte to read. */
  get offset(): number {
    return this.#base + this.#pos;
  }

  get remaining(): number {
    return this.#end - this.#pos;
  }

  get atEnd(): boolean {
    return this.#pos >= this.#end;
  }

  #need(n: number, field: string): number {
    const at = this.#pos;
    if (n > this.#end - at) {
      throw new DecodeError("truncated", `needs ${n} bytes, ${this.#end - at} left`, {
        offset: this.#base + at,
        field,
      });
    }
    this.#pos = at + n;
    return at;
  }

  u8(field: string): number {
    const at = this.#need(1, field);
    return this.#data[at] ?? 0;
  }

  u16(field: string): number {
    const at = this.#need(2, field);
    return ((this.#data[at] ?? 0) << 8) | (this.#data[at + 1] ?? 0);
  }

  u24(field: string): number {
    const at = this.#need(3, field);
    return (
      ((this.#data[at] ?? 0) << 16) | ((this.#data[at + 1] ?? 0) << 8) | (this.#data[at + 2] ?? 0)
    );
  }

  u32(field: string): number {
    const at = this.#need(4, field);
    // Multiplied, not shifted: a shift would make values of 2^31 and above negative.
    return (
      (this.#data[at] ?? 0) * 0x1000000 +
      (((this.#data[at + 1] ?? 0) << 16) |
        ((this.#data[at + 2] ?? 0) << 8) |
        (this.#data[at + 3] ?? 0))
    );
  }

  /** `n` bytes, copied: the result never aliases the buffer being decoded. */
  bytes(n: number, field: string): Uint8Array {
    const at = this.#need(n, field);
    return this.#data.slice(at, at + n);
  }

  /** Every byte left in this scope, copied. */
  rest(): Uint8Array {
    const at = this.#pos;
    this.#pos = this.#end;
    return this.#data.slice(at, this.#end);
  }

  /** Trailing bytes in a scope are an error: a vector is consumed exactly. */
  expectEnd(field: string): void {
    if (this.#pos < this.#end) {
      throw new DecodeError("invalid", `${this.#end - this.#pos} trailing bytes`, {
        offset: this.#base + this.#pos,
        field,
      });
    }
  }

  #vector<T>(prefix: 1 | 2 | 3, field: string, read: (sub: ByteReader) => T): T {
    const lengthField = `${field}.length`;
    const lengthOffset = this.offset;
    const length =
      prefix === 1
        ? this.u8(lengthField)
        : prefix === 2
          ? this.u16(lengthField)
          : this.u24(lengthField);
    if (length > this.remaining) {
      throw new DecodeError("overlong", `claims ${length} bytes, ${this.remaining} left`, {
        offset: lengthOffset,
        field: lengthField,
      });
    }
    const start = this.#pos;
    const sub = new ByteReader(this.#data, this.#base, start, start + length);
    const value = read(sub);
    sub.expectEnd(field);
    this.#pos = start + length;
    return value;
  }

  /** A vector with a 1-byte length: `read` gets a reader scoped to its content. */
  readVector8<T>(field: string, read: (sub: ByteReader) => T): T {
    return this.#vector(1, field, read);
  }

  readVector16<T>(field: string, read: (sub: ByteReader) => T): T {
    return this.#vector(2, field, read);
  }

  readVector24<T>(field: string, read: (sub: ByteReader) => T): T {
    return this.#vector(3, field, read);
  }

  /** The content of an opaque vector with a 1-byte length. */
  vector8(field: string): Uint8Array {
    return this.#vector(1, field, (sub) => sub.rest());
  }

  vector16(field: string): Uint8Array {
    return this.#vector(2, field, (sub) => sub.rest());
  }

  vector24(field: string): Uint8Array {
    return this.#vector(3, field, (sub) => sub.rest());
  }
}

const PREFIX_MAX = { 1: 0xff, 2: 0xffff, 3: 0xffffff } as const;

/** A growable big-endian writer. Values out of range are an `EncodeError`, never a wrap-around. */
export class ByteWriter {
  #buf: Uint8Array;
  #len = 0;

  /**
   * `capacity`: the bytes expected, when the caller knows. The default is small because most
   * writers (an extension, a record header) write a few bytes, and V8 keeps typed arrays of up to
   * 64 bytes on its heap, while a larger one costs an external allocation and GC work.
   */
  constructor(capacity = 64) {
    this.#buf = new Uint8Array(capacity);
  }

  get length(): number {
    return this.#len;
  }

  #reserve(n: number): number {
    const at = this.#len;
    if (at + n > this.#buf.length) {
      const grown = new Uint8Array(Math.max(this.#buf.length * 2, at + n));
      grown.set(this.#buf.subarray(0, at));
      this.#buf = grown;
    }
    this.#len = at + n;
    return at;
  }

  #uint(value: number, size: 1 | 2 | 3, field: string): void {
    if (!Number.isInteger(value) || value < 0 || value > PREFIX_MAX[size]) {
      throw new EncodeError("invalid", field, `${value} is not a ${size * 8}-bit unsigned integer`);
    }
    const at = this.#reserve(size);
    for (let i = 0; i < size; i++) {
      this.#buf[at + i] = (value >>> (8 * (size - 1 - i))) & 0xff;
    }
  }

  u8(value: number, field = "u8"): this {
    this.#uint(value, 1, field);
    return this;
  }

  u16(value: number, field = "u16"): this {
    this.#uint(value, 2, field);
    return this;
  }

  u24(value: number, field = "u24"): this {
    this.#uint(value, 3, field);
    return this;
  }

  u32(value: number, field = "u32"): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new EncodeError("invalid", field, `${value} is not a 32-bit unsigned integer`);
    }
    return this.u16(Math.floor(value / 0x10000), field).u16(value % 0x10000, field);
  }

  /** Each value as a `size`-byte integer; an invalid one is reported as `field[i]`. */
  uints(values: readonly number[], size: 1 | 2 | 3, field: string): this {
    const max = PREFIX_MAX[size];
    // Index loops: a cipher list is hundreds of values and this runs for every hello.
    for (let i = 0; i < values.length; i++) {
      const value = values[i] as number;
      if (!Number.isInteger(value) || value < 0 || value > max)
        this.#uint(value, size, `${field}[${i}]`);
    }
    const at = this.#reserve(values.length * size);
    const buf = this.#buf;
    for (let i = 0; i < values.length; i++) {
      const value = values[i] as number;
      for (let b = 0; b < size; b++)
        buf[at + i * size + b] = (value >>> (8 * (size - 1 - b))) & 0xff;
    }
    return this;
  }

  bytes(data: Uint8Array): this {
    const at = this.#reserve(data.length);
    this.#buf.set(data, at);
    return this;
  }

  /** Writes a `size`-byte length prefix, then whatever `write` writes, and back-patches the length. */
  lengthPrefixed(size: 1 | 2 | 3, write: (w: this) => void, field = "vector"): this {
    const at = this.#reserve(size);
    write(this);
    const length = this.#len - at - size;
    if (length > PREFIX_MAX[size]) {
      throw new EncodeError("too-large", field, `${length} bytes exceed a ${size * 8}-bit length`);
    }
    for (let i = 0; i < size; i++) {
      this.#buf[at + i] = (length >>> (8 * (size - 1 - i))) & 0xff;
    }
    return this;
  }

  /** Drops what was written after the first `length` bytes (to write it again differently). */
  truncate(length: number): this {
    if (!Number.isInteger(length) || length < 0 || length > this.#len) {
      throw new EncodeError("invalid", "truncate", `${length} is not within 0..${this.#len}`);
    }
    this.#len = length;
    return this;
  }

  /** Overwrites the 16-bit value at `at` (a length written before its content was known). */
  setU16(at: number, value: number, field = "u16"): this {
    if (!Number.isInteger(at) || at < 0 || at + 2 > this.#len) {
      throw new EncodeError("invalid", field, `offset ${at} is not within the bytes written`);
    }
    if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
      throw new EncodeError("invalid", field, `${value} is not a 16-bit unsigned integer`);
    }
    this.#buf[at] = value >>> 8;
    this.#buf[at + 1] = value & 0xff;
    return this;
  }

  /** A copy of the bytes written so far. */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

/** Lower-case hex without separators ("160301…"): fixtures and error messages. */
export function toHex(data: Uint8Array): string {
  let out = "";
  for (const byte of data) out += byte.toString(16).padStart(2, "0");
  return out;
}

/** Parses hex, ignoring whitespace and `#` comments to the end of a line. */
export function fromHex(text: string): Uint8Array {
  const digits = text.replace(/#[^\n]*/g, "").replace(/\s+/g, "");
  if (digits.length % 2 !== 0 || /[^0-9a-fA-F]/.test(digits)) {
    throw new DecodeError("invalid", "not an even number of hex digits", {
      offset: 0,
      field: "hex",
    });
  }
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Concatenates byte arrays. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
