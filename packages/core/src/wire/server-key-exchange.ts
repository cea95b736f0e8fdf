/**
 * ServerKeyExchange (RFC 8422 5.4 for ECDHE, RFC 5246 7.4.3 for DHE): the curve or the DH prime
 * the server chose. The signature is located and length-checked but never verified. Which form a
 * body has depends on the negotiated suite, so the caller names the kind.
 */
import { ByteReader, ByteWriter } from "./bytes.js";
import { EC_CURVE_TYPE, TLS_VERSION } from "./constants.js";
import { DecodeError } from "./errors.js";

export type KeyExchangeKind = "ecdhe" | "dhe";

export interface SkeSignature {
  /** TLS 1.2 SignatureScheme (hash and signature bytes), null before TLS 1.2. */
  readonly signatureAlgorithm: number | null;
  /** The signature bytes; null for anonymous suites (no signature at all). */
  readonly signature: Uint8Array | null;
}

export interface EcdheServerKeyExchange extends SkeSignature {
  readonly kind: "ecdhe";
  /** 3 named_curve; 1 and 2 (explicit curves) are reported but not parsed further. */
  readonly curveType: number;
  /** The NamedGroup code; null for explicit curves. */
  readonly namedCurve: number | null;
  /** The server's ephemeral point; null for explicit curves. */
  readonly publicKey: Uint8Array | null;
}

export interface DheServerKeyExchange extends SkeSignature {
  readonly kind: "dhe";
  readonly prime: Uint8Array;
  /** Bit length of p, leading zero bytes and bits ignored: the DH group size. */
  readonly primeBits: number;
  readonly generator: Uint8Array;
  readonly publicKey: Uint8Array;
}

export type ServerKeyExchange = EcdheServerKeyExchange | DheServerKeyExchange;

export interface DecodeServerKeyExchangeOptions {
  /**
   * The negotiated version: from TLS 1.2 the signature starts with a SignatureScheme. Without it
   * the form is inferred from the lengths.
   */
  readonly version?: number;
}

/** Bit length of a big-endian unsigned integer. */
export function bitLength(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] ?? 0;
    if (byte !== 0) return (bytes.length - i - 1) * 8 + (32 - Math.clz32(byte));
  }
  return 0;
}

function nonEmpty(r: ByteReader, prefix: 1 | 2, field: string): Uint8Array {
  const lengthOffset = r.offset;
  const value = prefix === 1 ? r.vector8(field) : r.vector16(field);
  if (value.length === 0) {
    throw new DecodeError("invalid", "empty", { offset: lengthOffset, field: `${field}.length` });
  }
  return value;
}

function readSignature(r: ByteReader, version: number | undefined): SkeSignature {
  if (r.atEnd) return { signatureAlgorithm: null, signature: null };
  const at = r.offset;
  const rest = r.rest();
  const s = new ByteReader(rest, at);
  let modern: boolean;
  if (version !== undefined) {
    modern = version >= TLS_VERSION["TLSv1.2"];
  } else {
    // Infer the form: [scheme u16][length u16][signature] or [length u16][signature].
    const first = rest.length >= 2 ? ((rest[0] ?? 0) << 8) | (rest[1] ?? 0) : -1;
    const second = rest.length >= 4 ? ((rest[2] ?? 0) << 8) | (rest[3] ?? 0) : -1;
    modern = second + 4 === rest.length && first + 2 !== rest.length;
  }
  const signatureAlgorithm = modern ? s.u16("ServerKeyExchange.signatureAlgorithm") : null;
  const signature = s.vector16("ServerKeyExchange.signature");
  s.expectEnd("ServerKeyExchange");
  return { signatureAlgorithm, signature };
}

/** Decodes a ServerKeyExchange body of the given kind. Offsets are into `body`. */
export function decodeServerKeyExchange(
  body: Uint8Array,
  kind: "ecdhe",
  options?: DecodeServerKeyExchangeOptions,
): EcdheServerKeyExchange;
export function decodeServerKeyExchange(
  body: Uint8Array,
  kind: "dhe",
  options?: DecodeServerKeyExchangeOptions,
): DheServerKeyExchange;
export function decodeServerKeyExchange(
  body: Uint8Array,
  kind: KeyExchangeKind,
  options?: DecodeServerKeyExchangeOptions,
): ServerKeyExchange;
export function decodeServerKeyExchange(
  body: Uint8Array,
  kind: KeyExchangeKind,
  options: DecodeServerKeyExchangeOptions = {},
): ServerKeyExchange {
  const r = new ByteReader(body);
  if (kind === "ecdhe") {
    const curveType = r.u8("ServerKeyExchange.curveType");
    if (curveType === EC_CURVE_TYPE.explicit_prime || curveType === EC_CURVE_TYPE.explicit_char2) {
      return {
        kind,
        curveType,
        namedCurve: null,
        publicKey: null,
        signatureAlgorithm: null,
        signature: null,
      };
    }
    if (curveType !== EC_CURVE_TYPE.named_curve) {
      throw new DecodeError("invalid", `unknown curve type ${curveType}`, {
        offset: 0,
        field: "ServerKeyExchange.curveType",
      });
    }
    const namedCurve = r.u16("ServerKeyExchange.namedCurve");
    const publicKey = nonEmpty(r, 1, "ServerKeyExchange.publicKey");
    const signature = readSignature(r, options.version);
    r.expectEnd("ServerKeyExchange");
    return { kind, curveType, namedCurve, publicKey, ...signature };
  }
  const prime = nonEmpty(r, 2, "ServerKeyExchange.dhP");
  const primeBits = bitLength(prime);
  if (primeBits === 0) {
    throw new DecodeError("invalid", "the prime is zero", {
      offset: 2,
      field: "ServerKeyExchange.dhP",
    });
  }
  const generator = nonEmpty(r, 2, "ServerKeyExchange.dhG");
  const publicKey = nonEmpty(r, 2, "ServerKeyExchange.dhYs");
  const signature = readSignature(r, options.version);
  r.expectEnd("ServerKeyExchange");
  return { kind, prime, primeBits, generator, publicKey, ...signature };
}

export type ServerKeyExchangeSpec = (
  | { readonly kind: "ecdhe"; readonly namedCurve: number; readonly publicKey: Uint8Array }
  | {
      readonly kind: "dhe";
      readonly prime: Uint8Array;
      readonly generator: Uint8Array;
      readonly publicKey: Uint8Array;
    }
) & {
  /** Written (TLS 1.2 form) when not null. */
  readonly signatureAlgorithm?: number | null;
  /** No signature at all (anonymous) when null or absent. */
  readonly signature?: Uint8Array | null;
};

/** A ServerKeyExchange body, for scripted test servers. */
export function encodeServerKeyExchange(spec: ServerKeyExchangeSpec): Uint8Array {
  const w = new ByteWriter();
  if (spec.kind === "ecdhe") {
    w.u8(EC_CURVE_TYPE.named_curve).u16(spec.namedCurve, "ServerKeyExchange.namedCurve");
    w.lengthPrefixed(1, (v) => v.bytes(spec.publicKey), "ServerKeyExchange.publicKey");
  } else {
    w.lengthPrefixed(2, (v) => v.bytes(spec.prime), "ServerKeyExchange.dhP");
    w.lengthPrefixed(2, (v) => v.bytes(spec.generator), "ServerKeyExchange.dhG");
    w.lengthPrefixed(2, (v) => v.bytes(spec.publicKey), "ServerKeyExchange.dhYs");
  }
  const signature = spec.signature;
  if (signature !== undefined && signature !== null) {
    if (spec.signatureAlgorithm !== undefined && spec.signatureAlgorithm !== null) {
      w.u16(spec.signatureAlgorithm, "ServerKeyExchange.signatureAlgorithm");
    }
    w.lengthPrefixed(2, (v) => v.bytes(signature), "ServerKeyExchange.signature");
  }
  return w.finish();
}
