/**
 * ClientHello (RFC 8446 4.1.2, RFC 5246 7.4.1.2) inside TLS records. The encoder writes exactly
 * what the spec says, any version and any cipher code (SCSVs included); randomness comes from the
 * caller. The decoder exists for round trips and for scripted test servers.
 */
import { ByteReader, ByteWriter } from "./bytes.js";
import {
  CONTENT_TYPE,
  EXTENSION_TYPE,
  HANDSHAKE_TYPE,
  MAX_PLAINTEXT_LENGTH,
  TLS_VERSION,
} from "./constants.js";
import { DecodeError, EncodeError } from "./errors.js";
import { readExtensions, writeExtensions } from "./extensions.js";
import type { Extension } from "./extensions.js";

export interface ClientHelloSpec {
  /** TLSPlaintext.legacy_record_version: 0x0301 by default, 0x0300 when legacyVersion is SSLv3. */
  readonly recordVersion?: number;
  /** ClientHello.client_version (legacy_version): the highest version offered before TLS 1.3. */
  readonly legacyVersion: number;
  /** 32 bytes from the caller: the codec holds no source of randomness. */
  readonly random: Uint8Array;
  /** 0–32 bytes, empty by default. */
  readonly sessionId?: Uint8Array;
  /** Any 16-bit codes in the order given, including SCSVs (0x00FF, 0x5600). */
  readonly cipherSuites: readonly number[];
  /** Default [0] (null compression). */
  readonly compressionMethods?: readonly number[];
  /** Undefined omits the extensions block entirely, as SSLv3 clients do; [] sends an empty one. */
  readonly extensions?: readonly Extension[];
  /**
   * Keep the handshake message out of 256–511 bytes, which hangs F5 BIG-IP devices (RFC 7685):
   * when the body or the whole message would be in that range, a padding extension is appended
   * so that both the handshake length field and the message are at least 512 bytes. Default true;
   * nothing is added without an extensions block or when the caller already sent padding.
   */
  readonly avoidPaddingBug?: boolean;
}

export interface ClientHello {
  readonly legacyVersion: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuites: number[];
  readonly compressionMethods: number[];
  /** null when the hello has no extensions block (SSLv3 style). */
  readonly extensions: Extension[] | null;
}

/** Handshake bodies in [PADDING_BUG_MIN, PADDING_BUG_MAX] get padding (see avoidPaddingBug). */
const PADDING_BUG_MIN = 256 - 4;
const PADDING_BUG_MAX = 511;
const PADDING_TARGET = 512;

function writeBody(
  spec: ClientHelloSpec,
  extensions: readonly Extension[] | undefined,
  w: ByteWriter,
): void {
  if (spec.random.length !== 32) {
    throw new EncodeError(
      "invalid",
      "ClientHello.random",
      `needs 32 bytes, got ${spec.random.length}`,
    );
  }
  const sessionId = spec.sessionId ?? new Uint8Array(0);
  if (sessionId.length > 32) {
    throw new EncodeError(
      "invalid",
      "ClientHello.sessionId",
      `at most 32 bytes, got ${sessionId.length}`,
    );
  }
  w.u16(spec.legacyVersion, "ClientHello.legacyVersion");
  w.bytes(spec.random);
  w.lengthPrefixed(1, (v) => v.bytes(sessionId), "ClientHello.sessionId");
  w.lengthPrefixed(
    2,
    (v) => v.uints(spec.cipherSuites, 2, "ClientHello.cipherSuites"),
    "ClientHello.cipherSuites",
  );
  w.lengthPrefixed(
    1,
    (v) => v.uints(spec.compressionMethods ?? [0], 1, "ClientHello.compressionMethods"),
    "ClientHello.compressionMethods",
  );
  if (extensions !== undefined) {
    writeExtensions(w, extensions, "ClientHello");
  }
}

/** Room for the fixed fields and the cipher list; the extensions grow it once at most. */
const capacityFor = (spec: ClientHelloSpec): number => 512 + 2 * spec.cipherSuites.length;

/** Writes the ClientHello handshake message (4-byte header and body) at the end of `w`. */
function writeMessage(spec: ClientHelloSpec, w: ByteWriter): void {
  const start = w.length;
  const write = (extensions: readonly Extension[] | undefined): number => {
    w.u8(HANDSHAKE_TYPE.client_hello);
    w.lengthPrefixed(3, (v) => writeBody(spec, extensions, v), "ClientHello");
    return w.length - start - 4;
  };
  const extensions = spec.extensions;
  const bodyLength = write(extensions);
  if (
    (spec.avoidPaddingBug ?? true) &&
    extensions !== undefined &&
    !extensions.some((extension) => extension.type === EXTENSION_TYPE.padding) &&
    bodyLength >= PADDING_BUG_MIN &&
    bodyLength <= PADDING_BUG_MAX
  ) {
    // The padding extension adds 4 header bytes; an empty last extension trips other servers
    // (BoringSSL pads at least one byte), so the body ends at 512–516 bytes.
    const length = Math.max(1, PADDING_TARGET - bodyLength - 4);
    w.truncate(start);
    write([...extensions, { type: EXTENSION_TYPE.padding, data: new Uint8Array(length) }]);
  }
}

/** The ClientHello handshake message (4-byte header and body), without record framing. */
export function encodeClientHelloMessage(spec: ClientHelloSpec): Uint8Array {
  const w = new ByteWriter(capacityFor(spec));
  writeMessage(spec, w);
  return w.finish();
}

/**
 * Wraps a handshake message in handshake records. A message longer than 2^14 bytes is fragmented
 * across several records: RFC 5246 6.2.1 lets a handshake message span records and requires the
 * server to reassemble it (some middleboxes fail at that). No probe hello comes near the limit:
 * all 356 IANA suites take 712 bytes.
 */
export function encodeHandshakeRecords(message: Uint8Array, recordVersion: number): Uint8Array {
  const w = new ByteWriter(message.length + 5 * Math.ceil(message.length / MAX_PLAINTEXT_LENGTH));
  let at = 0;
  do {
    const fragment = message.subarray(at, at + MAX_PLAINTEXT_LENGTH);
    w.u8(CONTENT_TYPE.handshake).u16(recordVersion, "record.version");
    w.lengthPrefixed(2, (v) => v.bytes(fragment), "record.fragment");
    at += MAX_PLAINTEXT_LENGTH;
  } while (at < message.length);
  return w.finish();
}

/** One complete TLS record (or several, see `encodeHandshakeRecords`) holding the ClientHello. */
export function encodeClientHello(spec: ClientHelloSpec): Uint8Array {
  const recordVersion =
    spec.recordVersion ??
    (spec.legacyVersion === TLS_VERSION.SSLv3 ? TLS_VERSION.SSLv3 : TLS_VERSION["TLSv1.0"]);
  // Every probe sends one, so the usual case (one record) is written in place: one buffer, the
  // record length patched in, instead of a copy per layer.
  const w = new ByteWriter(5 + capacityFor(spec));
  w.u8(CONTENT_TYPE.handshake).u16(recordVersion, "record.version").u16(0, "record.length");
  writeMessage(spec, w);
  const length = w.length - 5;
  if (length > MAX_PLAINTEXT_LENGTH) {
    return encodeHandshakeRecords(w.finish().subarray(5), recordVersion);
  }
  return w.setU16(3, length, "record.length").finish();
}

/** Decodes a ClientHello handshake body (after the 4-byte handshake header). */
export function decodeClientHello(body: Uint8Array): ClientHello {
  const r = new ByteReader(body);
  const legacyVersion = r.u16("ClientHello.legacyVersion");
  const random = r.bytes(32, "ClientHello.random");
  const sessionIdOffset = r.offset;
  const sessionId = r.vector8("ClientHello.sessionId");
  if (sessionId.length > 32) {
    throw new DecodeError("invalid", `${sessionId.length} bytes, at most 32`, {
      offset: sessionIdOffset,
      field: "ClientHello.sessionId.length",
    });
  }
  const cipherSuites = r.readVector16("ClientHello.cipherSuites", (v) => {
    const suites: number[] = [];
    while (!v.atEnd) suites.push(v.u16(`ClientHello.cipherSuites[${suites.length}]`));
    return suites;
  });
  const compressionMethods = r.readVector8("ClientHello.compressionMethods", (v) => {
    const methods: number[] = [];
    while (!v.atEnd) methods.push(v.u8(`ClientHello.compressionMethods[${methods.length}]`));
    return methods;
  });
  const extensions = r.atEnd ? null : readExtensions(r, "ClientHello");
  r.expectEnd("ClientHello");
  return { legacyVersion, random, sessionId, cipherSuites, compressionMethods, extensions };
}
