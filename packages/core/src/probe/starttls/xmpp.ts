/**
 * XMPP (RFC 6120 5.4): open a stream to the domain, read the stream features, ask for
 * <starttls/>, expect <proceed/>. A bounded scan of the text for the few elements that matter,
 * not an XML parser: the preamble only needs to know which of them came.
 */
import {
  MAX_PREAMBLE_BYTES,
  encodeAscii,
  printable,
  type Preamble,
  type PreambleFailureCode,
  type PreambleStep,
} from "./preamble.js";

const TLS_NS = "urn:ietf:params:xml:ns:xmpp-tls";

export function xmppPreamble(kind: "client" | "server", domain: string): Preamble {
  return new XmppPreamble(kind, domain);
}

function xmlAttribute(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

class XmppPreamble implements Preamble {
  readonly protocol;
  #kind: "client" | "server";
  #domain: string;
  #text = "";
  #received = 0;
  #step: "stream features" | "starttls" = "stream features";
  #banner: string | null = null;

  constructor(kind: "client" | "server", domain: string) {
    this.protocol = kind === "client" ? ("xmpp" as const) : ("xmpp-server" as const);
    this.#kind = kind;
    this.#domain = domain;
  }

  get step(): string {
    return this.#step;
  }

  get banner(): string | null {
    return this.#banner;
  }

  start(): Uint8Array {
    const ns = this.#kind === "client" ? "jabber:client" : "jabber:server";
    return encodeAscii(
      `<?xml version='1.0'?><stream:stream xmlns='${ns}' ` +
        `xmlns:stream='http://etherx.jabber.org/streams' to='${xmlAttribute(this.#domain)}' version='1.0'>`,
    );
  }

  push(chunk: Uint8Array): PreambleStep {
    this.#received += chunk.length;
    if (this.#received > MAX_PREAMBLE_BYTES) {
      return this.#fail("protocol", `more than ${MAX_PREAMBLE_BYTES} bytes without a go-ahead`);
    }
    this.#text += new TextDecoder("utf-8", { fatal: false }).decode(chunk);
    if (/<stream:error\b/.test(this.#text)) {
      const condition = /<stream:error>\s*<([a-z-]+)/.exec(this.#text)?.[1] ?? "unknown";
      return this.#fail("refused", `stream error ${condition}`);
    }
    if (this.#step === "stream features") {
      if (this.#banner === null) {
        const from = /<stream:stream\b[^>]*?\bfrom=['"]([^'"]{1,255})['"]/.exec(this.#text)?.[1];
        if (from !== undefined) this.#banner = printable(from);
      }
      const end = /<\/stream:features>|<stream:features\s*\/>/.exec(this.#text);
      if (end === null) {
        if (this.#text.length > 0 && !this.#text.trimStart().startsWith("<")) {
          return this.#fail("protocol", `not XML: ${JSON.stringify(printable(this.#text, 60))}`);
        }
        return { kind: "continue", send: null };
      }
      const features = this.#text.slice(0, end.index + end[0].length);
      if (!new RegExp(`<starttls\\b[^>]*${TLS_NS}`).test(features)) {
        return this.#fail("refused", "<starttls/> not among the stream features");
      }
      if (this.#text.length > features.length && this.#text.slice(features.length).trim() !== "") {
        return this.#fail("protocol", "bytes after the stream features");
      }
      this.#text = "";
      this.#step = "starttls";
      return { kind: "continue", send: encodeAscii(`<starttls xmlns='${TLS_NS}'/>`) };
    }
    const text = this.#text.trimStart();
    const proceed = new RegExp(`^<proceed\\s+xmlns=['"]${TLS_NS}['"]\\s*(/>|>\\s*</proceed>)`).exec(
      text,
    );
    if (proceed !== null) {
      // Nothing may follow the go-ahead: bytes after it were injected in clear text.
      if (text.length > proceed[0].length) {
        return this.#fail("protocol", "bytes after the STARTTLS go-ahead (injection guard)");
      }
      return { kind: "ready", send: null };
    }
    if (/^<failure\b/.test(text)) return this.#fail("refused", "<failure/> to <starttls/>");
    if (
      text.length > 0 &&
      !"<proceed".startsWith(text.slice(0, 8)) &&
      !text.startsWith("<proceed")
    ) {
      return this.#fail("protocol", `unexpected ${JSON.stringify(printable(text, 60))}`);
    }
    if (text.length > 512) return this.#fail("protocol", "an overlong reply to <starttls/>");
    return { kind: "continue", send: null };
  }

  #fail(code: PreambleFailureCode, reason: string): PreambleStep {
    return {
      kind: "failed",
      code,
      message: `starttls/${this.protocol}: ${reason} (at ${this.#step})`,
    };
  }
}
