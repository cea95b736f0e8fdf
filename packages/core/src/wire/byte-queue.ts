/**
 * A FIFO of bytes for the incremental decoders: appended in chunks, consumed from the front.
 * Internal to wire/; the decoders bound how much of it may be pending.
 */
/** Above this, a buffer whose bytes were all consumed is dropped rather than kept for reuse. */
const KEEP = 32 * 1024;
const EMPTY = new Uint8Array(0);

export class ByteQueue {
  #buf = EMPTY;
  #start = 0;
  #end = 0;

  get length(): number {
    return this.#end - this.#start;
  }

  /** The byte at `index` from the front; the caller checks `index < length`. */
  at(index: number): number {
    return this.#buf[this.#start + index] ?? 0;
  }

  append(chunk: Uint8Array): void {
    const pending = this.#end - this.#start;
    if (pending === 0) {
      this.#start = 0;
      this.#end = 0;
      // Do not keep a large buffer alive once everything in it has been consumed.
      if (this.#buf.length > KEEP) this.#buf = EMPTY;
    }
    if (this.#end + chunk.length > this.#buf.length) {
      if (pending + chunk.length <= this.#buf.length) {
        this.#buf.copyWithin(0, this.#start, this.#end);
      } else {
        const grown = new Uint8Array(Math.max(this.#buf.length * 2, pending + chunk.length));
        grown.set(this.#buf.subarray(this.#start, this.#end));
        this.#buf = grown;
      }
      this.#start = 0;
      this.#end = pending;
    }
    this.#buf.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  /** A copy of up to `n` bytes from the front, not consumed. */
  peek(n: number): Uint8Array {
    return this.#buf.slice(this.#start, this.#start + Math.min(n, this.length));
  }

  /** Removes `n` bytes from the front and returns a copy of them; the caller checks `n <= length`. */
  take(n: number): Uint8Array {
    const out = this.#buf.slice(this.#start, this.#start + n);
    this.#start += n;
    return out;
  }

  /** Removes `n` bytes from the front. */
  skip(n: number): void {
    this.#start += Math.min(n, this.length);
  }
}
