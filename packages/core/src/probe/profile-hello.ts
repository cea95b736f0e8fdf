/**
 * A real client's ClientHello, ready to send: the profile's template (registry/client-profiles)
 * with what a client makes fresh for every connection filled in — random, session id, key shares,
 * GREASE values, the server name and padding — and everything else byte for byte the client's:
 * versions, suites, groups, signature algorithms and extensions in its order.
 */
import { randomBytes, randomInt } from "node:crypto";
import type { ClientProfile } from "../registry/client-profiles.js";
import {
  ByteReader,
  ByteWriter,
  EXTENSION_TYPE,
  decodeClientHello,
  decodeSslv2ClientHello,
  encodeClientHello,
  encodeClientHelloMessage,
  encodeSslv2ClientHello,
  fromHex,
  alpn,
  keyShare,
  serverName,
} from "../wire/index.js";
import type { ClientHello, ClientHelloSpec, Extension, KeyShareEntry } from "../wire/index.js";
import { hasKeyShareGenerator, keyShareFor } from "./client-hellos.js";

/** RFC 8701: 0x0A0A, 0x1A1A, … 0xFAFA. */
const GREASE_VALUES: readonly number[] = Array.from({ length: 16 }, (_, i) => {
  const byte = (i << 4) | 0x0a;
  return (byte << 8) | byte;
});

export const isGrease = (value: number): boolean =>
  (value & 0x0f0f) === 0x0a0a && value >> 8 === (value & 0xff);

/** A random one-to-one redrawing of the GREASE values: equal values stay equal, distinct distinct. */
function greaseShuffle(): (value: number) => number {
  const drawn = [...GREASE_VALUES];
  for (let i = drawn.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [drawn[i], drawn[j]] = [drawn[j] as number, drawn[i] as number];
  }
  return (value) => (isGrease(value) ? (drawn[GREASE_VALUES.indexOf(value)] ?? value) : value);
}

/** A u16 list behind a 1- or 2-byte length, with `map` applied to each value. */
function mapU16List(data: Uint8Array, prefix: 1 | 2, map: (v: number) => number): Uint8Array {
  const r = new ByteReader(data);
  const read = (v: ByteReader): number[] => {
    const out: number[] = [];
    while (!v.atEnd) out.push(map(v.u16("list[]")));
    return out;
  };
  const values = prefix === 1 ? r.readVector8("list", read) : r.readVector16("list", read);
  r.expectEnd("list");
  return new ByteWriter()
    .lengthPrefixed(prefix, (w) => w.uints(values, 2, "list"), "list")
    .finish();
}

/**
 * A GREASE encrypted_client_hello (draft-ietf-tls-esni 6.2) with a fresh config id, `enc` and
 * payload of the captured lengths. Anything else is sent as it is.
 */
function freshGreaseEch(data: Uint8Array): Uint8Array {
  try {
    const r = new ByteReader(data);
    if (r.u8("type") !== 0) return data;
    r.u16("kdf");
    r.u16("aead");
    r.u8("config_id");
    const enc = r.vector16("enc");
    const payload = r.vector16("payload");
    r.expectEnd("ech");
    const out = data.slice();
    out.set(randomBytes(1), 5);
    out.set(randomBytes(enc.length), 8);
    out.set(randomBytes(payload.length), 10 + enc.length);
    return out;
  } catch {
    return data;
  }
}

function keyShareEntry(group: number, length: number): KeyShareEntry {
  if (!isGrease(group) && hasKeyShareGenerator(group)) {
    const entry = keyShareFor(group);
    if (entry.keyExchange.length === length) return entry;
  }
  // GREASE (one byte, as Chrome sends), or a group without a generator: bytes of the client's
  // length, which a server either ignores or answers only after its ServerHello.
  return { group, keyExchange: new Uint8Array(randomBytes(length)) };
}

/**
 * BoringSSL's (and NSS's) RFC 7685 rule: a hello of 256–511 bytes without padding is padded to
 * 512; any other size gets no padding extension.
 */
function paddingLength(unpadded: number): number | null {
  if (unpadded < 256 || unpadded >= 512) return null;
  const length = 512 - unpadded;
  return length >= 5 ? length - 4 : 1;
}

export interface ProfileHelloOptions {
  /** The target's server name; null sends none (IP targets), as a real client would. */
  sni: string | null;
  /**
   * The service's ALPN (PostgreSQL direct TLS): it replaces the profile's ALPN, or is added before
   * padding, since such a client must offer it. Absent or empty: the profile's own.
   */
  alpn?: readonly string[];
}

/** The cipher specs of a profile whose ClientHello is in SSLv2 format, in its order. */
export function profileSslv2CipherSpecs(profile: ClientProfile): number[] {
  if (profile.format !== "sslv2") return [];
  // The stored hello is the whole record: its 2-byte header, then the CLIENT-HELLO.
  return decodeSslv2ClientHello(fromHex(profile.hello).subarray(2)).cipherSpecs;
}

/** The record(s) to send: the profile's ClientHello with fresh values (see the file comment). */
export function buildProfileHello(
  profile: ClientProfile,
  options: ProfileHelloOptions,
): Uint8Array {
  if (profile.format === "sslv2") {
    const record = fromHex(profile.hello);
    const hello = decodeSslv2ClientHello(record.subarray(2));
    return encodeSslv2ClientHello({
      version: hello.version,
      cipherSpecs: hello.cipherSpecs,
      challenge: new Uint8Array(randomBytes(hello.challenge.length)),
    });
  }
  const message = fromHex(profile.hello);
  const template = decodeClientHello(message.subarray(4));
  const grease = greaseShuffle();
  const spec: ClientHelloSpec = {
    recordVersion: profile.recordVersion,
    legacyVersion: template.legacyVersion,
    random: new Uint8Array(randomBytes(32)),
    sessionId: new Uint8Array(randomBytes(template.sessionId.length)),
    cipherSuites: template.cipherSuites.map(grease),
    compressionMethods: template.compressionMethods,
    avoidPaddingBug: false,
  };
  if (template.extensions === null) return encodeClientHello(spec);
  const extensions = freshExtensions(profile, template, grease, options.sni);
  if (options.alpn !== undefined && options.alpn.length > 0) {
    const offered = alpn(options.alpn);
    const at = extensions.findIndex((e) => e.type === offered.type);
    if (at !== -1) extensions[at] = offered;
    else {
      const padding = extensions.findIndex((e) => e.type === EXTENSION_TYPE.padding);
      extensions.splice(padding === -1 ? extensions.length : padding, 0, offered);
    }
  }
  const padAt = extensions.findIndex((e) => e.type === EXTENSION_TYPE.padding);
  if (padAt !== -1) {
    const unpadded = encodeClientHelloMessage({ ...spec, extensions }).length - 4;
    const length = paddingLength(unpadded);
    if (length === null) extensions.splice(padAt, 1);
    else extensions[padAt] = { type: EXTENSION_TYPE.padding, data: new Uint8Array(length) };
  }
  return encodeClientHello({ ...spec, extensions });
}

function freshExtensions(
  profile: ClientProfile,
  template: ClientHello,
  grease: (value: number) => number,
  sni: string | null,
): Extension[] {
  const out: Extension[] = [];
  for (const extension of template.extensions ?? []) {
    const { type, data } = extension;
    switch (type) {
      case EXTENSION_TYPE.server_name:
        if (sni !== null) out.push(serverName(sni));
        break;
      case EXTENSION_TYPE.key_share:
        out.push(
          keyShare(
            (profile.keyShares ?? []).map(([group, length]) =>
              keyShareEntry(grease(group), length),
            ),
          ),
        );
        break;
      case EXTENSION_TYPE.supported_groups:
      case EXTENSION_TYPE.signature_algorithms:
        out.push({ type, data: mapU16List(data, 2, grease) });
        break;
      case EXTENSION_TYPE.supported_versions:
        out.push({ type, data: mapU16List(data, 1, grease) });
        break;
      case EXTENSION_TYPE.encrypted_client_hello:
        out.push({ type, data: freshGreaseEch(data) });
        break;
      default:
        out.push({ type: grease(type), data });
    }
  }
  return out;
}
