/**
 * The SSLv2 CLIENT-HELLO (draft-hickman-netscape-ssl-00; RFC 6101 E.1 for the SSLv3-compatible
 * form that announces version 0x0300 or 0x0301 inside an SSLv2 record), with a 2-byte header.
 */
import { ByteReader, ByteWriter } from "./bytes.js";
import { SSLV2_MESSAGE_TYPE } from "./constants.js";
import { DecodeError, EncodeError } from "./errors.js";

export interface Sslv2ClientHelloSpec {
  /** 0x0002 for SSLv2, 0x0300 / 0x0301 for a version-3 hello in SSLv2 format. */
  readonly version: number;
  /** 3-byte cipher specs, e.g. 0x0700C0 (SSL_CK_DES_192_EDE3_CBC_WITH_MD5) or 0x00002F. */
  readonly cipherSpecs: readonly number[];
  /** 16 to 32 bytes from the caller. */
  readonly challenge: Uint8Array;
  /** Empty by default; 16 bytes to ask for resumption. */
  readonly sessionId?: Uint8Array;
}

export interface Sslv2ClientHello {
  readonly version: number;
  readonly cipherSpecs: number[];
  readonly sessionId: Uint8Array;
  readonly challenge: Uint8Array;
}

const MAX_SSLV2_RECORD = 0x7fff;

/** The record: 2-byte header (high bit set) and the CLIENT-HELLO. */
export function encodeSslv2ClientHello(spec: Sslv2ClientHelloSpec): Uint8Array {
  const sessionId = spec.sessionId ?? new Uint8Array(0);
  if (spec.challenge.length < 16 || spec.challenge.length > 32) {
    throw new EncodeError(
      "invalid",
      "Sslv2ClientHello.challenge",
      `needs 16–32 bytes, got ${spec.challenge.length}`,
    );
  }
  if (sessionId.length !== 0 && sessionId.length !== 16) {
    throw new EncodeError(
      "invalid",
      "Sslv2ClientHello.sessionId",
      `needs 0 or 16 bytes, got ${sessionId.length}`,
    );
  }
  const body = new ByteWriter();
  body.u8(SSLV2_MESSAGE_TYPE.client_hello);
  body.u16(spec.version, "Sslv2ClientHello.version");
  body.u16(spec.cipherSpecs.length * 3, "Sslv2ClientHello.cipherSpecs.length");
  body.u16(sessionId.length).u16(spec.challenge.length);
  body.uints(spec.cipherSpecs, 3, "Sslv2ClientHello.cipherSpecs");
  body.bytes(sessionId).bytes(spec.challenge);
  const content = body.finish();
  return sslv2Record(content);
}

/** Frames SSLv2 message content with a 2-byte header (high bit set, 15-bit length). */
export function sslv2Record(content: Uint8Array): Uint8Array {
  if (content.length > MAX_SSLV2_RECORD) {
    throw new EncodeError(
      "too-large",
      "sslv2.record",
      `${content.length} bytes exceed an SSLv2 record`,
    );
  }
  return new ByteWriter()
    .u16(0x8000 | content.length)
    .bytes(content)
    .finish();
}

/** Decodes a CLIENT-HELLO record body (after the 2-byte header, starting with the type byte). */
export function decodeSslv2ClientHello(body: Uint8Array): Sslv2ClientHello {
  const r = new ByteReader(body);
  const type = r.u8("Sslv2ClientHello.type");
  if (type !== SSLV2_MESSAGE_TYPE.client_hello) {
    throw new DecodeError("invalid", `message type ${type}`, {
      offset: 0,
      field: "Sslv2ClientHello.type",
    });
  }
  const version = r.u16("Sslv2ClientHello.version");
  const specsOffset = r.offset;
  const specsLength = r.u16("Sslv2ClientHello.cipherSpecs.length");
  const sessionIdOffset = r.offset;
  const sessionIdLength = r.u16("Sslv2ClientHello.sessionId.length");
  const challengeOffset = r.offset;
  const challengeLength = r.u16("Sslv2ClientHello.challenge.length");
  const lengths = [
    [specsOffset, specsLength, "Sslv2ClientHello.cipherSpecs"],
    [sessionIdOffset, sessionIdLength, "Sslv2ClientHello.sessionId"],
    [challengeOffset, challengeLength, "Sslv2ClientHello.challenge"],
  ] as const;
  const [specsBytes, sessionId, challenge] = readSslv2Fields(r, "Sslv2ClientHello", lengths);
  if (specsLength % 3 !== 0) {
    throw new DecodeError("invalid", `${specsLength} is not a multiple of 3`, {
      offset: specsOffset,
      field: "Sslv2ClientHello.cipherSpecs.length",
    });
  }
  if (challengeLength < 16 || challengeLength > 32) {
    throw new DecodeError("invalid", `${challengeLength} bytes, not 16–32`, {
      offset: challengeOffset,
      field: "Sslv2ClientHello.challenge.length",
    });
  }
  return {
    version,
    cipherSpecs: cipherSpecList(specsBytes ?? new Uint8Array(0)),
    sessionId: sessionId ?? new Uint8Array(0),
    challenge: challenge ?? new Uint8Array(0),
  };
}

/** Reads fields whose lengths were given up front; a length past the end is "overlong". */
export function readSslv2Fields(
  r: ByteReader,
  message: string,
  fields: readonly (readonly [offset: number, length: number, field: string])[],
): Uint8Array[] {
  let total = 0;
  for (const [offset, length, field] of fields) {
    total += length;
    if (total > r.remaining) {
      throw new DecodeError(
        "overlong",
        `claims ${length} bytes, ${r.remaining - total + length} left`,
        {
          offset,
          field: `${field}.length`,
        },
      );
    }
  }
  const values = fields.map(([, length, field]) => r.bytes(length, field));
  r.expectEnd(message);
  return values;
}

export function cipherSpecList(bytes: Uint8Array): number[] {
  const specs: number[] = [];
  for (let i = 0; i + 3 <= bytes.length; i += 3) {
    specs.push(((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0));
  }
  return specs;
}
