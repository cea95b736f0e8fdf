/** The SSLv2 SERVER-HELLO and ERROR messages (draft-hickman-netscape-ssl-00). */
import { ByteReader, ByteWriter } from "./bytes.js";
import { SSLV2_MESSAGE_TYPE } from "./constants.js";
import { DecodeError } from "./errors.js";
import { cipherSpecList, readSslv2Fields, sslv2Record } from "./sslv2-client-hello.js";

export interface Sslv2ServerHello {
  readonly sessionIdHit: boolean;
  /** 1 SSL_CT_X509_CERTIFICATE. */
  readonly certificateType: number;
  readonly version: number;
  /** DER certificate; empty on a session-id hit. */
  readonly certificate: Uint8Array;
  /** The 3-byte cipher specs the server supports among those offered. */
  readonly cipherSpecs: number[];
  readonly connectionId: Uint8Array;
}

/** Decodes a SERVER-HELLO record body (after the 2-byte header, starting with the type byte). */
export function decodeSslv2ServerHello(body: Uint8Array): Sslv2ServerHello {
  const r = new ByteReader(body);
  const type = r.u8("Sslv2ServerHello.type");
  if (type !== SSLV2_MESSAGE_TYPE.server_hello) {
    throw new DecodeError("invalid", `message type ${type}`, {
      offset: 0,
      field: "Sslv2ServerHello.type",
    });
  }
  const sessionIdHit = r.u8("Sslv2ServerHello.sessionIdHit") !== 0;
  const certificateType = r.u8("Sslv2ServerHello.certificateType");
  const version = r.u16("Sslv2ServerHello.version");
  const certificateOffset = r.offset;
  const certificateLength = r.u16("Sslv2ServerHello.certificate.length");
  const specsOffset = r.offset;
  const specsLength = r.u16("Sslv2ServerHello.cipherSpecs.length");
  const connectionIdOffset = r.offset;
  const connectionIdLength = r.u16("Sslv2ServerHello.connectionId.length");
  const [certificate, specs, connectionId] = readSslv2Fields(r, "Sslv2ServerHello", [
    [certificateOffset, certificateLength, "Sslv2ServerHello.certificate"],
    [specsOffset, specsLength, "Sslv2ServerHello.cipherSpecs"],
    [connectionIdOffset, connectionIdLength, "Sslv2ServerHello.connectionId"],
  ]);
  if (specsLength % 3 !== 0) {
    throw new DecodeError("invalid", `${specsLength} is not a multiple of 3`, {
      offset: specsOffset,
      field: "Sslv2ServerHello.cipherSpecs.length",
    });
  }
  if (connectionIdLength < 16 || connectionIdLength > 32) {
    throw new DecodeError("invalid", `${connectionIdLength} bytes, not 16–32`, {
      offset: connectionIdOffset,
      field: "Sslv2ServerHello.connectionId.length",
    });
  }
  return {
    sessionIdHit,
    certificateType,
    version,
    certificate: certificate ?? new Uint8Array(0),
    cipherSpecs: cipherSpecList(specs ?? new Uint8Array(0)),
    connectionId: connectionId ?? new Uint8Array(0),
  };
}

/** A SERVER-HELLO record (2-byte header included), for scripted test servers. */
export function encodeSslv2ServerHello(hello: Sslv2ServerHello): Uint8Array {
  const body = new ByteWriter();
  body.u8(SSLV2_MESSAGE_TYPE.server_hello).u8(hello.sessionIdHit ? 1 : 0);
  body.u8(hello.certificateType, "Sslv2ServerHello.certificateType");
  body.u16(hello.version, "Sslv2ServerHello.version");
  body.u16(hello.certificate.length, "Sslv2ServerHello.certificate.length");
  body.u16(hello.cipherSpecs.length * 3, "Sslv2ServerHello.cipherSpecs.length");
  body.u16(hello.connectionId.length, "Sslv2ServerHello.connectionId.length");
  body.bytes(hello.certificate);
  body.uints(hello.cipherSpecs, 3, "Sslv2ServerHello.cipherSpecs");
  body.bytes(hello.connectionId);
  return sslv2Record(body.finish());
}

/** An SSLv2 ERROR message body → its error code (1 NO-CIPHER-ERROR, 2 NO-CERTIFICATE-ERROR…). */
export function decodeSslv2Error(body: Uint8Array): number {
  const r = new ByteReader(body);
  const type = r.u8("Sslv2Error.type");
  if (type !== SSLV2_MESSAGE_TYPE.error) {
    throw new DecodeError("invalid", `message type ${type}`, {
      offset: 0,
      field: "Sslv2Error.type",
    });
  }
  const code = r.u16("Sslv2Error.code");
  r.expectEnd("Sslv2Error");
  return code;
}

export function encodeSslv2Error(code: number): Uint8Array {
  return sslv2Record(
    new ByteWriter().u8(SSLV2_MESSAGE_TYPE.error).u16(code, "Sslv2Error.code").finish(),
  );
}
