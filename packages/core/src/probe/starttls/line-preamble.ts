/**
 * Line protocols (SMTP, LMTP, IMAP, POP3, FTP, ManageSieve, NNTP, IRC): a bounded line reader and
 * a machine built from a script of steps. Each step optionally sends a command, then judges the
 * server's lines one by one until the step's reply is complete.
 */
import {
  MAX_LINE_BYTES,
  MAX_PREAMBLE_BYTES,
  encodeAscii,
  printable,
  type Preamble,
  type PreambleFailureCode,
  type PreambleStep,
  type StarttlsProtocol,
} from "./preamble.js";

/** What a step makes of one line of the server's. */
export type LineVerdict =
  /** More lines belong to this reply. */
  | { kind: "more" }
  /** The reply is complete and good: go to the next step (or start TLS after the last). */
  | { kind: "next" }
  | { kind: "failed"; code: PreambleFailureCode; reason: string };

export interface LineStep {
  name: string;
  /** The command sent when the step starts (without CRLF); null: wait for the server. */
  command: string | null;
  /** Judges one line (without its line ending). `lines` holds the reply's earlier lines. */
  judge(line: string, lines: readonly string[]): LineVerdict;
}

const CR = 0x0d;
const LF = 0x0a;

export class LinePreamble implements Preamble {
  readonly protocol: StarttlsProtocol;
  #steps: readonly LineStep[];
  #index = 0;
  #pending: number[] = [];
  #lines: string[] = [];
  #received = 0;
  #banner: string | null = null;
  #bannerStep: string;

  constructor(protocol: StarttlsProtocol, steps: readonly LineStep[], bannerStep = "greeting") {
    this.protocol = protocol;
    this.#steps = steps;
    this.#bannerStep = bannerStep;
  }

  get step(): string {
    return this.#steps[this.#index]?.name ?? "done";
  }

  get banner(): string | null {
    return this.#banner;
  }

  start(): Uint8Array | null {
    return this.#commandOf(0);
  }

  push(chunk: Uint8Array): PreambleStep {
    this.#received += chunk.length;
    if (this.#received > MAX_PREAMBLE_BYTES) {
      return this.#fail("protocol", `more than ${MAX_PREAMBLE_BYTES} bytes without a go-ahead`);
    }
    let send: Uint8Array | null = null;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (byte !== LF) {
        if (this.#pending.length >= MAX_LINE_BYTES) {
          return this.#fail("protocol", `a line longer than ${MAX_LINE_BYTES} bytes`);
        }
        this.#pending.push(byte);
        continue;
      }
      if (this.#pending[this.#pending.length - 1] === CR) this.#pending.pop();
      const line = String.fromCharCode(...this.#pending);
      this.#pending = [];
      const current = this.#steps[this.#index];
      if (current === undefined) return this.#fail("protocol", "unexpected line");
      const verdict = current.judge(line, this.#lines);
      // A greeting of the protocol's (even one that refuses) is the banner; garbage is not.
      const ofProtocol = verdict.kind !== "failed" || verdict.code !== "protocol";
      if (current.name === this.#bannerStep && this.#banner === null && ofProtocol) {
        this.#banner = printable(line, 300);
      }
      if (verdict.kind === "failed") return this.#fail(verdict.code, verdict.reason);
      if (verdict.kind === "more") {
        this.#lines.push(line);
        if (this.#lines.length > 1000) return this.#fail("protocol", "a reply of over 1000 lines");
        continue;
      }
      this.#lines = [];
      this.#index += 1;
      if (this.#index >= this.#steps.length) {
        // The go-ahead must be the last thing the server sent before our ClientHello: bytes
        // after it were pipelined or injected in clear text (CVE-2011-0411 and its kin).
        if (i + 1 < chunk.length || this.#pending.length > 0) {
          return this.#fail("protocol", "bytes after the STARTTLS go-ahead (injection guard)");
        }
        return { kind: "ready", send };
      }
      const command = this.#commandOf(this.#index);
      if (command !== null) {
        // A server that answers before our command was sent is pipelining: refuse that too.
        if (i + 1 < chunk.length) {
          return this.#fail("protocol", `bytes before our ${this.step} command`);
        }
        send = send === null ? command : concat(send, command);
      }
    }
    return { kind: "continue", send };
  }

  #commandOf(index: number): Uint8Array | null {
    const command = this.#steps[index]?.command ?? null;
    return command === null ? null : encodeAscii(`${command}\r\n`);
  }

  #fail(code: PreambleFailureCode, reason: string): PreambleStep {
    return {
      kind: "failed",
      code,
      message: `starttls/${this.protocol}: ${reason} (at ${this.step})`,
    };
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** A reply line quoted for a message. */
export const quoted = (line: string): string => printable(line);
