/**
 * ClientHello extension builders. Each returns `{ type, data }` with `data` the extension_data
 * bytes (without the type and length header, which `encodeClientHello` writes).
 */
import { ByteWriter } from "./bytes.js";
import type { ByteReader } from "./bytes.js";
import {
  CERTIFICATE_STATUS_TYPE,
  EC_POINT_FORMAT,
  EXTENSION_TYPE,
  HEARTBEAT_MODE,
  PSK_KEY_EXCHANGE_MODE,
} from "./constants.js";
import { DecodeError, EncodeError } from "./errors.js";

export interface Extension {
  readonly type: number;
  readonly data: Uint8Array;
}

export interface KeyShareEntry {
  readonly group: number;
  readonly keyExchange: Uint8Array;
}

function build(type: number, write: (w: ByteWriter) => void): Extension {
  const w = new ByteWriter();
  write(w);
  return { type, data: w.finish() };
}

function u16List(field: string, values: readonly number[]) {
  return (w: ByteWriter) => w.uints(values, 2, field);
}

function ascii(field: string, text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7e || code < 0x21) {
      throw new EncodeError(
        "invalid",
        field,
        `character ${i} of ${JSON.stringify(text)} is not printable ASCII`,
      );
    }
    out[i] = code;
  }
  return out;
}

/**
 * server_name (RFC 6066 3) with one host_name. `host` must already be an ASCII (A-label) name:
 * convert IDNs with punycode, drop a trailing dot, and send no SNI for IP literals.
 */
export function serverName(host: string): Extension {
  if (host.length === 0) throw new EncodeError("invalid", "server_name", "empty host name");
  const name = ascii("server_name", host);
  return build(EXTENSION_TYPE.server_name, (w) =>
    w.lengthPrefixed(
      2,
      (list) => list.u8(0).lengthPrefixed(2, (n) => n.bytes(name), "server_name.host_name"),
      "server_name.server_name_list",
    ),
  );
}

/** supported_groups (RFC 8446 4.2.7), formerly elliptic_curves (RFC 8422 5.1.1). */
export function supportedGroups(groups: readonly number[]): Extension {
  return build(EXTENSION_TYPE.supported_groups, (w) =>
    w.lengthPrefixed(2, u16List("supported_groups", groups), "supported_groups"),
  );
}

/** ec_point_formats (RFC 8422 5.1.2); the default offers every format. */
export function ecPointFormats(
  formats: readonly number[] = [
    EC_POINT_FORMAT.uncompressed,
    EC_POINT_FORMAT.ansiX962_compressed_prime,
    EC_POINT_FORMAT.ansiX962_compressed_char2,
  ],
): Extension {
  return build(EXTENSION_TYPE.ec_point_formats, (w) =>
    w.lengthPrefixed(1, (list) => list.uints(formats, 1, "ec_point_formats"), "ec_point_formats"),
  );
}

/** signature_algorithms (RFC 8446 4.2.3): SignatureScheme codes. */
export function signatureAlgorithms(schemes: readonly number[]): Extension {
  return build(EXTENSION_TYPE.signature_algorithms, (w) =>
    w.lengthPrefixed(2, u16List("signature_algorithms", schemes), "signature_algorithms"),
  );
}

export function signatureAlgorithmsCert(schemes: readonly number[]): Extension {
  return build(EXTENSION_TYPE.signature_algorithms_cert, (w) =>
    w.lengthPrefixed(2, u16List("signature_algorithms_cert", schemes), "signature_algorithms_cert"),
  );
}

/** supported_versions, client form (RFC 8446 4.2.1): a 1-byte-length list of versions. */
export function supportedVersions(versions: readonly number[]): Extension {
  return build(EXTENSION_TYPE.supported_versions, (w) =>
    w.lengthPrefixed(1, u16List("supported_versions", versions), "supported_versions"),
  );
}

/**
 * key_share, client form (RFC 8446 4.2.8). An empty list asks for a HelloRetryRequest naming the
 * server's choice among supported_groups.
 */
export function keyShare(entries: readonly KeyShareEntry[]): Extension {
  return build(EXTENSION_TYPE.key_share, (w) =>
    w.lengthPrefixed(
      2,
      (list) => {
        for (const [i, entry] of entries.entries()) {
          list
            .u16(entry.group, `key_share[${i}].group`)
            .lengthPrefixed(2, (k) => k.bytes(entry.keyExchange), `key_share[${i}].key_exchange`);
        }
      },
      "key_share.client_shares",
    ),
  );
}

/** psk_key_exchange_modes (RFC 8446 4.2.9); TLS 1.3 clients send it, default psk_dhe_ke. */
export function pskKeyExchangeModes(
  modes: readonly number[] = [PSK_KEY_EXCHANGE_MODE.psk_dhe_ke],
): Extension {
  return build(EXTENSION_TYPE.psk_key_exchange_modes, (w) =>
    w.lengthPrefixed(
      1,
      (list) => list.uints(modes, 1, "psk_key_exchange_modes"),
      "psk_key_exchange_modes",
    ),
  );
}

/** application_layer_protocol_negotiation (RFC 7301 3.1), e.g. ["h2", "http/1.1"]. */
export function alpn(protocols: readonly string[]): Extension {
  const names = protocols.map((name, i) => ascii(`alpn[${i}]`, name));
  return build(EXTENSION_TYPE.application_layer_protocol_negotiation, (w) =>
    w.lengthPrefixed(
      2,
      (list) => {
        for (const [i, name] of names.entries()) {
          if (name.length === 0)
            throw new EncodeError("invalid", `alpn[${i}]`, "empty protocol name");
          list.lengthPrefixed(1, (n) => n.bytes(name), `alpn[${i}]`);
        }
      },
      "alpn.protocol_name_list",
    ),
  );
}

/** status_request (RFC 6066 8): OCSP, no responder ids, no request extensions. */
export function statusRequest(): Extension {
  return build(EXTENSION_TYPE.status_request, (w) =>
    w.u8(CERTIFICATE_STATUS_TYPE.ocsp).u16(0).u16(0),
  );
}

/** renegotiation_info (RFC 5746 3.2) of an initial handshake: an empty renegotiated_connection. */
export function renegotiationInfo(): Extension {
  return { type: EXTENSION_TYPE.renegotiation_info, data: Uint8Array.of(0) };
}

/** extended_master_secret (RFC 7627): empty. */
export function extendedMasterSecret(): Extension {
  return { type: EXTENSION_TYPE.extended_master_secret, data: new Uint8Array(0) };
}

/** session_ticket (RFC 5077): empty asks for a new ticket. */
export function sessionTicket(ticket: Uint8Array = new Uint8Array(0)): Extension {
  return { type: EXTENSION_TYPE.session_ticket, data: ticket.slice() };
}

/** heartbeat (RFC 6520 2). */
export function heartbeat(mode: number = HEARTBEAT_MODE.peer_allowed_to_send): Extension {
  return build(EXTENSION_TYPE.heartbeat, (w) => w.u8(mode, "heartbeat.mode"));
}

/** padding (RFC 7685): `length` zero bytes. */
export function padding(length: number): Extension {
  if (!Number.isInteger(length) || length < 0 || length > 0xffff) {
    throw new EncodeError("invalid", "padding", `${length} is not a valid padding length`);
  }
  return { type: EXTENSION_TYPE.padding, data: new Uint8Array(length) };
}

/** encrypt_then_mac (RFC 7366): empty. */
export function encryptThenMac(): Extension {
  return { type: EXTENSION_TYPE.encrypt_then_mac, data: new Uint8Array(0) };
}

/** Any extension, as given: the escape hatch for what no builder covers (or malformed on purpose). */
export function rawExtension(type: number, data: Uint8Array): Extension {
  if (!Number.isInteger(type) || type < 0 || type > 0xffff) {
    throw new EncodeError("invalid", "extension.type", `${type} is not a 16-bit extension type`);
  }
  return { type, data: data.slice() };
}

/**
 * Reads an extensions block (`Extension extensions<0..2^16-1>`) of a hello. A type that appears
 * twice is invalid (RFC 8446 4.2).
 */
export function readExtensions(r: ByteReader, message: string): Extension[] {
  return r.readVector16(`${message}.extensions`, (list) => {
    const extensions: Extension[] = [];
    const seen = new Set<number>();
    while (!list.atEnd) {
      const field = `${message}.extensions[${extensions.length}]`;
      const typeOffset = list.offset;
      const type = list.u16(`${field}.type`);
      if (seen.has(type)) {
        throw new DecodeError("invalid", `duplicate extension ${type}`, {
          offset: typeOffset,
          field: `${field}.type`,
        });
      }
      seen.add(type);
      extensions.push({ type, data: list.vector16(field) });
    }
    return extensions;
  });
}

/** Writes an extensions block: a 2-byte length, then each extension's type, length and data. */
export function writeExtensions(
  w: ByteWriter,
  extensions: readonly Extension[],
  message: string,
): void {
  w.lengthPrefixed(
    2,
    (v) => {
      for (const [i, extension] of extensions.entries()) {
        v.u16(extension.type, `${message}.extensions[${i}].type`);
        v.lengthPrefixed(2, (d) => d.bytes(extension.data), `${message}.extensions[${i}]`);
      }
    },
    `${message}.extensions`,
  );
}
