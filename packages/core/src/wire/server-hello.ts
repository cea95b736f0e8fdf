/**
 * ServerHello and HelloRetryRequest (RFC 8446 4.1.3, RFC 5246 7.4.1.3): what the server chose.
 * The extensions a probe reads are decoded and checked; the rest stay raw in `extensions`.
 */
import { ByteReader, ByteWriter } from "./bytes.js";
import {
  DOWNGRADE_SENTINEL,
  EXTENSION_TYPE,
  HEARTBEAT_MODE,
  HELLO_RETRY_REQUEST_RANDOM,
} from "./constants.js";
import { DecodeError, EncodeError } from "./errors.js";
import { readExtensions, writeExtensions } from "./extensions.js";
import type { Extension } from "./extensions.js";

export type HeartbeatMode = keyof typeof HEARTBEAT_MODE;

export interface ServerHello {
  readonly legacyVersion: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuite: number;
  readonly compressionMethod: number;
  /** Every extension in order, raw; empty when the hello has no extensions block. */
  readonly extensions: Extension[];
  /** The random is the HelloRetryRequest value (RFC 8446 4.1.3). */
  readonly isHelloRetryRequest: boolean;
  /** supported_versions when present (TLS 1.3), otherwise legacyVersion. */
  readonly selectedVersion: number;
  /** HelloRetryRequest: selected_group; ServerHello: the key_share entry's group; else null. */
  readonly keyShareGroup: number | null;
  /** The protocol ALPN selected (bytes as Latin-1), or null without the extension. */
  readonly alpn: string | null;
  /** renegotiation_info present (RFC 5746). */
  readonly secureRenegotiation: boolean;
  readonly extendedMasterSecret: boolean;
  readonly encryptThenMac: boolean;
  /** The heartbeat extension's mode, or null without it. */
  readonly heartbeat: HeartbeatMode | null;
  /** status_request present: the server will staple an OCSP response (CertificateStatus). */
  readonly ocspStatusRequest: boolean;
  /** session_ticket present: the server will send a NewSessionTicket. */
  readonly sessionTicket: boolean;
  /** The server's ec_point_formats list, or null without it. */
  readonly ecPointFormats: number[] | null;
  /** server_name present (empty): the server used the SNI sent. */
  readonly serverNameAcknowledged: boolean;
  /** From the last 8 bytes of random: a TLS 1.3 server that negotiated an older version. */
  readonly downgradeSentinel: "tls12" | "tls11" | null;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function latin1(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += String.fromCharCode(byte);
  return out;
}

/** Decodes a ServerHello (or HelloRetryRequest) handshake body. Offsets are into `body`. */
export function decodeServerHello(body: Uint8Array): ServerHello {
  const r = new ByteReader(body);
  const legacyVersion = r.u16("ServerHello.legacyVersion");
  const random = r.bytes(32, "ServerHello.random");
  const sessionIdOffset = r.offset;
  const sessionId = r.vector8("ServerHello.sessionId");
  if (sessionId.length > 32) {
    throw new DecodeError("invalid", `${sessionId.length} bytes, at most 32`, {
      offset: sessionIdOffset,
      field: "ServerHello.sessionId.length",
    });
  }
  const cipherSuite = r.u16("ServerHello.cipherSuite");
  const compressionMethod = r.u8("ServerHello.compressionMethod");
  // SSLv3 and some TLS servers end the hello here: no extensions block at all.
  const extensionsOffset = r.offset;
  const extensions = r.atEnd ? [] : readExtensions(r, "ServerHello");
  r.expectEnd("ServerHello");

  const isHelloRetryRequest = equalBytes(random, HELLO_RETRY_REQUEST_RANDOM);
  const tail = random.subarray(24);
  const downgradeSentinel = equalBytes(tail, DOWNGRADE_SENTINEL.tls12)
    ? "tls12"
    : equalBytes(tail, DOWNGRADE_SENTINEL.tls11)
      ? "tls11"
      : null;

  let selectedVersion = legacyVersion;
  let keyShareGroup: number | null = null;
  let alpn: string | null = null;
  let heartbeat: HeartbeatMode | null = null;
  let ecPointFormats: number[] | null = null;
  let secureRenegotiation = false;
  let extendedMasterSecret = false;
  let encryptThenMac = false;
  let ocspStatusRequest = false;
  let sessionTicket = false;
  let serverNameAcknowledged = false;

  // Offsets of each extension's data in `body`: block length (2), then type (2) and length (2).
  let at = extensionsOffset + 2;
  for (const [i, extension] of extensions.entries()) {
    const field = `ServerHello.extensions[${i}]`;
    const dataOffset = at + 4;
    at = dataOffset + extension.data.length;
    const x = new ByteReader(extension.data, dataOffset);
    switch (extension.type) {
      case EXTENSION_TYPE.supported_versions:
        selectedVersion = x.u16(`${field}.selectedVersion`);
        x.expectEnd(field);
        break;
      case EXTENSION_TYPE.key_share:
        keyShareGroup = x.u16(`${field}.group`);
        if (!isHelloRetryRequest) {
          const keyOffset = x.offset;
          const keyExchange = x.vector16(`${field}.keyExchange`);
          if (keyExchange.length === 0) {
            throw new DecodeError("invalid", "empty key_exchange", {
              offset: keyOffset,
              field: `${field}.keyExchange.length`,
            });
          }
        }
        x.expectEnd(field);
        break;
      case EXTENSION_TYPE.application_layer_protocol_negotiation: {
        const names = x.readVector16(`${field}.protocolNameList`, (list) => {
          const found: string[] = [];
          while (!list.atEnd) {
            const nameField = `${field}.protocolNameList[${found.length}]`;
            const nameOffset = list.offset;
            const name = list.vector8(nameField);
            if (name.length === 0) {
              throw new DecodeError("invalid", "empty protocol name", {
                offset: nameOffset,
                field: `${nameField}.length`,
              });
            }
            found.push(latin1(name));
          }
          return found;
        });
        x.expectEnd(field);
        if (names.length !== 1 || names[0] === undefined) {
          throw new DecodeError("invalid", `selects ${names.length} protocols, not one`, {
            offset: dataOffset,
            field: `${field}.protocolNameList`,
          });
        }
        alpn = names[0];
        break;
      }
      case EXTENSION_TYPE.renegotiation_info:
        x.vector8(`${field}.renegotiatedConnection`);
        x.expectEnd(field);
        secureRenegotiation = true;
        break;
      case EXTENSION_TYPE.heartbeat: {
        const modeOffset = x.offset;
        const mode = x.u8(`${field}.mode`);
        x.expectEnd(field);
        if (mode === HEARTBEAT_MODE.peer_allowed_to_send) heartbeat = "peer_allowed_to_send";
        else if (mode === HEARTBEAT_MODE.peer_not_allowed_to_send)
          heartbeat = "peer_not_allowed_to_send";
        else {
          throw new DecodeError("invalid", `unknown heartbeat mode ${mode}`, {
            offset: modeOffset,
            field: `${field}.mode`,
          });
        }
        break;
      }
      case EXTENSION_TYPE.ec_point_formats:
        ecPointFormats = x.readVector8(`${field}.formats`, (list) => {
          const formats: number[] = [];
          while (!list.atEnd) formats.push(list.u8(`${field}.formats[${formats.length}]`));
          return formats;
        });
        x.expectEnd(field);
        break;
      // Flags: their presence is the fact; their (normally empty) content is not interpreted.
      case EXTENSION_TYPE.extended_master_secret:
        extendedMasterSecret = true;
        break;
      case EXTENSION_TYPE.encrypt_then_mac:
        encryptThenMac = true;
        break;
      case EXTENSION_TYPE.status_request:
        ocspStatusRequest = true;
        break;
      case EXTENSION_TYPE.session_ticket:
        sessionTicket = true;
        break;
      case EXTENSION_TYPE.server_name:
        serverNameAcknowledged = true;
        break;
      default:
        break;
    }
  }

  return {
    legacyVersion,
    random,
    sessionId,
    cipherSuite,
    compressionMethod,
    extensions,
    isHelloRetryRequest,
    selectedVersion,
    keyShareGroup,
    alpn,
    secureRenegotiation,
    extendedMasterSecret,
    encryptThenMac,
    heartbeat,
    ocspStatusRequest,
    sessionTicket,
    ecPointFormats,
    serverNameAcknowledged,
    downgradeSentinel,
  };
}

export interface ServerHelloSpec {
  readonly legacyVersion: number;
  readonly random: Uint8Array;
  readonly sessionId?: Uint8Array;
  readonly cipherSuite: number;
  readonly compressionMethod?: number;
  /** Undefined omits the extensions block (SSLv3 style). */
  readonly extensions?: readonly Extension[];
}

/** A ServerHello body, for round trips and scripted test servers. */
export function encodeServerHello(spec: ServerHelloSpec): Uint8Array {
  const w = new ByteWriter();
  w.u16(spec.legacyVersion, "ServerHello.legacyVersion");
  if (spec.random.length !== 32) {
    throw new EncodeError(
      "invalid",
      "ServerHello.random",
      `needs 32 bytes, got ${spec.random.length}`,
    );
  }
  w.bytes(spec.random);
  w.lengthPrefixed(1, (v) => v.bytes(spec.sessionId ?? new Uint8Array(0)), "ServerHello.sessionId");
  w.u16(spec.cipherSuite, "ServerHello.cipherSuite").u8(
    spec.compressionMethod ?? 0,
    "ServerHello.compressionMethod",
  );
  const extensions = spec.extensions;
  if (extensions !== undefined) {
    writeExtensions(w, extensions, "ServerHello");
  }
  return w.finish();
}
