// ClientHello bytes for the client profiles: a bounded reader and the few writers the templates
// need, parsing a captured hello, blanking what must be fresh, and reading its facts back.
//
// Sources: testssl's client simulations (captured ClientHello bytes, `handshakebytes`) and the
// curl-impersonate browser signatures (structured; the hello is rebuilt from them here). Each
// profile keeps a ClientHello *template*: the client's own message with the parts that must be
// fresh on every connection blanked, which the scanner fills in when it sends it:
// - random and legacy_session_id: zeros of the captured length (fresh random bytes at send time);
// - server_name: an empty extension where the client sends SNI (the target's name at send time);
// - key_share: every entry with an empty key_exchange (fresh shares of the recorded lengths);
// - padding (RFC 7685): empty (recomputed the way BoringSSL and NSS pad: to 512 bytes);
// - GREASE values stay as captured (re-drawn at send time, keeping which ones are equal).
// A resumption attempt in a capture is not part of the client's first handshake, so
// pre_shared_key and early_data are dropped, a session ticket is emptied, and a padding extension
// is added where the client pads (every client that sends pre_shared_key here does). The decoded
// bytes are the truth for every listed field; testssl's own lists are used only for what the
// bytes cannot say (the lowest version of a pre-TLS 1.3 client, the key and DH size limits).

import type { Protocol } from "../../packages/core/src/registry/protocols.js";

/** One extension of a hello: its type and its data. */
export interface Extension {
  type: number;
  data: Uint8Array;
}

/** A parsed ClientHello body (extensions null when the hello has no extensions block). */
export interface Hello {
  legacyVersion: number;
  sessionIdLength: number;
  cipherSuites: number[];
  compressionMethods: number[];
  extensions: Extension[] | null;
}

/** What a profile lists, read from a hello's extensions (null: the extension is absent). */
export interface HelloFacts {
  protocols: Protocol[];
  groups: number[] | null;
  signatureAlgorithms: number[] | null;
  alpn: string[] | null;
  keyShares: [number, number][] | null;
  ecPointFormats: number[] | null;
  pskModes: number[] | null;
  sni: boolean;
}

export const EXT = {
  server_name: 0,
  status_request: 5,
  supported_groups: 10,
  ec_point_formats: 11,
  signature_algorithms: 13,
  alpn: 16,
  signed_certificate_timestamp: 18,
  padding: 21,
  extended_master_secret: 23,
  compress_certificate: 27,
  record_size_limit: 28,
  delegated_credentials: 34,
  session_ticket: 35,
  pre_shared_key: 41,
  early_data: 42,
  supported_versions: 43,
  psk_key_exchange_modes: 45,
  key_share: 51,
  application_settings: 17513,
  application_settings_new: 17613,
  encrypted_client_hello: 0xfe0d,
  renegotiation_info: 0xff01,
} as const;

export const VERSION_NAMES = new Map<number, Protocol>([
  [0x0002, "SSLv2"],
  [0x0300, "SSLv3"],
  [0x0301, "TLSv1.0"],
  [0x0302, "TLSv1.1"],
  [0x0303, "TLSv1.2"],
  [0x0304, "TLSv1.3"],
]);
export const VERSION_ORDER = [0x0002, 0x0300, 0x0301, 0x0302, 0x0303, 0x0304];

/** The protocol name of a version in VERSION_ORDER. */
export function versionName(version: number): Protocol {
  const name = VERSION_NAMES.get(version);
  if (name === undefined) throw new Error(`generate-registry: unknown version ${version}`);
  return name;
}

export function fromHexString(text: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/i.test(text)) throw new Error(`generate-registry: bad hex ${text}`);
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export const toHexString = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** A bounded reader: every read checks its length, so a bad capture stops the generator. */
export class Reader {
  at = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly what: string,
  ) {}
  need(n: number): void {
    if (this.at + n > this.bytes.length) {
      throw new Error(`generate-registry: ${this.what} is truncated at byte ${this.at}`);
    }
  }
  u8(): number {
    this.need(1);
    return this.bytes[this.at++] ?? 0;
  }
  u16(): number {
    this.need(2);
    const v = ((this.bytes[this.at] ?? 0) << 8) | (this.bytes[this.at + 1] ?? 0);
    this.at += 2;
    return v;
  }
  u24(): number {
    return (this.u8() << 16) | this.u16();
  }
  take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  get done(): boolean {
    return this.at === this.bytes.length;
  }
}

export function u16List(bytes: Uint8Array, what: string, lengthBytes = 2): number[] {
  const r = new Reader(bytes, what);
  const length = lengthBytes === 2 ? r.u16() : r.u8();
  const list = new Reader(r.take(length), what);
  const out: number[] = [];
  while (!list.done) out.push(list.u16());
  if (!r.done) throw new Error(`generate-registry: trailing bytes in ${what}`);
  return out;
}

export function u8List(bytes: Uint8Array, what: string): number[] {
  const r = new Reader(bytes, what);
  return Array.from(r.take(r.u8()));
}

export function alpnList(bytes: Uint8Array, what: string): string[] {
  const r = new Reader(bytes, what);
  const list = new Reader(r.take(r.u16()), what);
  const out: string[] = [];
  while (!list.done) out.push(String.fromCharCode(...list.take(list.u8())));
  return out;
}

export function keyShareEntries(bytes: Uint8Array, what: string): [number, number][] {
  const r = new Reader(bytes, what);
  const list = new Reader(r.take(r.u16()), what);
  const out: [number, number][] = [];
  while (!list.done) {
    const group = list.u16();
    out.push([group, list.take(list.u16()).length]);
  }
  return out;
}

/** Writers for the few structures the templates need. */
export function u16(value: number): number[] {
  return [(value >> 8) & 0xff, value & 0xff];
}
export function vec(lengthBytes: 1 | 2 | 3, bytes: readonly number[] | Uint8Array): number[] {
  const n = bytes.length;
  const prefix =
    lengthBytes === 1 ? [n] : lengthBytes === 2 ? u16(n) : [n >> 16, ...u16(n & 0xffff)];
  return [...prefix, ...bytes];
}
export const u16s = (values: readonly number[]): number[] => values.flatMap(u16);
export const ascii = (text: string): number[] => Array.from(text, (ch) => ch.charCodeAt(0));

/** An extension's data with the fresh parts blanked (see the comment above). */
function blankExtension(type: number, data: Uint8Array): number[] {
  switch (type) {
    case EXT.server_name:
    case EXT.padding:
    case EXT.session_ticket:
      return [];
    case EXT.key_share:
      return vec(
        2,
        keyShareEntries(data, "key_share").flatMap(([group]) => [...u16(group), 0, 0]),
      );
    default:
      return Array.from(data);
  }
}

/** ClientHello body → its parts (extensions null when the hello has no extensions block). */
export function parseClientHelloBody(body: Uint8Array, what: string): Hello {
  const r = new Reader(body, what);
  const legacyVersion = r.u16();
  r.take(32);
  const sessionIdLength = r.take(r.u8()).length;
  const suites = new Reader(r.take(r.u16()), what);
  const cipherSuites: number[] = [];
  while (!suites.done) cipherSuites.push(suites.u16());
  const compressionMethods = Array.from(r.take(r.u8()));
  if (r.done)
    return { legacyVersion, sessionIdLength, cipherSuites, compressionMethods, extensions: null };
  const block = new Reader(r.take(r.u16()), what);
  const extensions: Extension[] = [];
  while (!block.done) {
    const type = block.u16();
    extensions.push({ type, data: block.take(block.u16()) });
  }
  if (!r.done) throw new Error(`generate-registry: trailing bytes after ${what}`);
  return { legacyVersion, sessionIdLength, cipherSuites, compressionMethods, extensions };
}

/** The template handshake message (type, length, body) of a parsed hello. */
export function templateMessage(hello: Hello): Uint8Array {
  const body: number[] = [
    ...u16(hello.legacyVersion),
    ...new Array(32).fill(0),
    ...vec(1, new Array(hello.sessionIdLength).fill(0)),
    ...vec(2, u16s(hello.cipherSuites)),
    ...vec(1, hello.compressionMethods),
  ];
  if (hello.extensions !== null) {
    body.push(
      ...vec(
        2,
        hello.extensions.flatMap((e) => [...u16(e.type), ...vec(2, e.data)]),
      ),
    );
  }
  return Uint8Array.from([1, ...vec(3, body)]);
}

/** The facts a profile lists, read from a (template) hello's extensions. */
export function helloFacts(hello: Hello, lowestVersion: number): HelloFacts {
  const ext = new Map((hello.extensions ?? []).map((e) => [e.type, e.data]));
  const of = <T>(type: number, read: (data: Uint8Array, what: string) => T): T | null => {
    const data = ext.get(type);
    return data === undefined ? null : read(data, String(type));
  };
  const offered = of(EXT.supported_versions, (d, w) => u8ListOfU16(d, w));
  let versions: number[];
  if (offered !== null) {
    versions = offered.filter((v) => VERSION_NAMES.has(v));
  } else {
    const low = VERSION_ORDER.indexOf(lowestVersion);
    const high = VERSION_ORDER.indexOf(Math.min(hello.legacyVersion, 0x0303));
    versions = VERSION_ORDER.slice(Math.max(low, 1), high + 1);
  }
  return {
    protocols: VERSION_ORDER.filter((v) => versions.includes(v)).map(versionName),
    groups: of(EXT.supported_groups, u16List),
    signatureAlgorithms: of(EXT.signature_algorithms, u16List),
    alpn: of(EXT.alpn, alpnList),
    keyShares: of(EXT.key_share, keyShareEntries),
    ecPointFormats: of(EXT.ec_point_formats, u8List),
    pskModes: of(EXT.psk_key_exchange_modes, u8List),
    sni: ext.has(EXT.server_name),
  };
}

function u8ListOfU16(bytes: Uint8Array, what: string): number[] {
  return u16List(bytes, what, 1);
}

/**
 * Normalises a captured hello into a template: drops the resumption attempt, blanks what must be
 * fresh. `keyShares` keeps the captured share lengths, which the blanked hello no longer holds.
 */
export function normaliseCapture(hello: Hello): {
  hello: Hello;
  keyShares: [number, number][] | null;
} {
  if (hello.extensions === null) return { hello, keyShares: null };
  let keyShares: [number, number][] | null = null;
  let resumed = false;
  const extensions: Extension[] = [];
  for (const { type, data } of hello.extensions) {
    if (type === EXT.pre_shared_key || type === EXT.early_data) {
      resumed = true;
      continue;
    }
    if (type === EXT.key_share) keyShares = keyShareEntries(data, "key_share");
    extensions.push({ type, data: Uint8Array.from(blankExtension(type, data)) });
  }
  if (resumed && !extensions.some((e) => e.type === EXT.padding)) {
    extensions.push({ type: EXT.padding, data: new Uint8Array(0) });
  }
  return { hello: { ...hello, extensions }, keyShares };
}

/** The handshake message of a captured record stream (handshake records, possibly several). */
export function messageOfRecords(
  bytes: Uint8Array,
  what: string,
): { recordVersion: number; body: Uint8Array } {
  const r = new Reader(bytes, what);
  const parts: number[] = [];
  while (!r.done) {
    const type = r.u8();
    r.u16();
    const fragment = r.take(r.u16());
    if (type !== 0x16) throw new Error(`generate-registry: ${what} holds a non-handshake record`);
    parts.push(...fragment);
  }
  const message = Uint8Array.from(parts);
  const m = new Reader(message, what);
  if (m.u8() !== 1) throw new Error(`generate-registry: ${what} is not a ClientHello`);
  const body = m.take(m.u24());
  if (!m.done) throw new Error(`generate-registry: ${what} has bytes after the ClientHello`);
  return { recordVersion: ((bytes[1] ?? 0) << 8) | (bytes[2] ?? 0), body };
}
