import * as asn1js from "asn1js";
import { CertificateError } from "./errors.js";

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]*?)-----END CERTIFICATE-----/g;

/**
 * Every CERTIFICATE block of a PEM bundle as DER, in order. Other blocks (keys, CRLs) and text
 * between blocks are ignored; a bundle without any certificate is a CertificateError.
 */
export function pemToDer(pem: string, source = "PEM bundle"): Uint8Array[] {
  const ders: Uint8Array[] = [];
  for (const match of pem.matchAll(PEM_BLOCK)) {
    const base64 = (match[1] ?? "").replace(/\s+/g, "");
    const der = new Uint8Array(Buffer.from(base64, "base64"));
    if (der.length === 0) throw new CertificateError("pem", `${source}: empty CERTIFICATE block`);
    ders.push(der);
  }
  if (ders.length === 0) throw new CertificateError("pem", `${source}: no CERTIFICATE block`);
  return ders;
}

export function derToPem(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString("base64");
  return `-----BEGIN CERTIFICATE-----\n${base64.replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`;
}

/** One whole DER value: trailing bytes or a decoding error are a CertificateError. */
export function decodeDer(
  bytes: Uint8Array,
  what: string,
  code: "der" | "extension" | "ocsp" = "der",
): asn1js.AsnType {
  const decoded = asn1js.fromBER(bytes);
  if (decoded.offset === -1) {
    throw new CertificateError(code, `${what}: ${decoded.result.error || "not DER"}`);
  }
  if (decoded.offset !== bytes.length) {
    throw new CertificateError(
      code,
      `${what}: ${bytes.length - decoded.offset} trailing bytes after the DER value`,
    );
  }
  return decoded.result;
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

/** The bytes of an ArrayBuffer or view as a fresh Uint8Array. */
export function toBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

/** One DER value found by `readTlv`: its tag and where its whole encoding and its content lie. */
interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

/**
 * The DER value at `offset`, which must end by `end`: low tag numbers and definite lengths only
 * (all a certificate's outer structure and names use). Anything else is a CertificateError.
 */
function readTlv(bytes: Uint8Array, offset: number, end: number, what: string): Tlv {
  const fail = (reason: string): never => {
    throw new CertificateError("der", `${what}: ${reason} at byte ${offset}`);
  };
  if (offset + 2 > end) fail("truncated value");
  const tag = bytes[offset] as number;
  if ((tag & 0x1f) === 0x1f) fail("high tag number");
  let length = bytes[offset + 1] as number;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) fail("unsupported length");
    if (contentStart + count > end) fail("truncated length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[contentStart + i] as number);
    contentStart += count;
  }
  if (contentStart + length > end) fail("value longer than its container");
  return { tag, start: offset, contentStart, end: contentStart + length };
}

/** The values inside a constructed value, in order; they must fill it exactly. */
function children(bytes: Uint8Array, parent: Tlv, what: string): Tlv[] {
  const found: Tlv[] = [];
  for (let at = parent.contentStart; at < parent.end;) {
    const child = readTlv(bytes, at, parent.end, what);
    found.push(child);
    at = child.end;
  }
  return found;
}

/** The issuer and subject Names of a certificate's DER, as slices of it, without decoding more. */
export function certificateNames(der: Uint8Array): { issuer: Uint8Array; subject: Uint8Array } {
  const what = "certificate";
  const certificate = readTlv(der, 0, der.length, what);
  const tbs = readTlv(der, certificate.contentStart, certificate.end, what);
  if (certificate.tag !== 0x30 || tbs.tag !== 0x30) {
    throw new CertificateError("der", `${what}: not a certificate SEQUENCE`);
  }
  // [0] version (optional), serialNumber, signature, issuer, validity, subject, …
  const fields = children(der, tbs, what);
  const first = fields[0]?.tag === 0xa0 ? 1 : 0;
  const issuer = fields[first + 2];
  const subject = fields[first + 4];
  if (issuer?.tag !== 0x30 || subject?.tag !== 0x30) {
    throw new CertificateError("der", `${what}: no issuer and subject Name`);
  }
  return {
    issuer: der.subarray(issuer.start, issuer.end),
    subject: der.subarray(subject.start, subject.end),
  };
}

// Directory string types OpenSSL compares in canonical form (ASN1_MASK_CANON): their value as text.
const STRING_TYPES: Readonly<Record<number, (content: Uint8Array) => string>> = {
  0x0c: (content) => Buffer.from(content).toString("utf8"), // UTF8String
  0x13: (content) => Buffer.from(content).toString("latin1"), // PrintableString
  0x14: (content) => Buffer.from(content).toString("latin1"), // T61String, read as Latin-1 as OpenSSL does
  0x16: (content) => Buffer.from(content).toString("latin1"), // IA5String
  0x1a: (content) => Buffer.from(content).toString("latin1"), // VisibleString
  0x1e: (content) => Buffer.from(content).swap16().toString("utf16le"), // BMPString
  0x1c: (content) => {
    // UniversalString: UTF-32BE
    let text = "";
    for (let i = 0; i + 3 < content.length; i += 4) {
      const point =
        (content[i] as number) * 0x1000000 +
        (((content[i + 1] as number) << 16) |
          ((content[i + 2] as number) << 8) |
          (content[i + 3] as number));
      text += String.fromCodePoint(Math.min(point, 0x10ffff));
    }
    return text;
  },
};

/**
 * A key equal for two DER Names exactly when OpenSSL's X509_NAME_cmp finds them equal (the
 * comparison behind X509_check_issued): string values compared in canonical form (ASCII lower
 * case, outer white space removed, inner runs of white space as one space), any other value by
 * its bytes. Lets a store find the certificates a chain asks for without decoding the others.
 */
export function nameKey(name: Uint8Array): string {
  const what = "certificate name";
  const top = readTlv(name, 0, name.length, what);
  const rdns = children(name, top, what).map((rdn) =>
    children(name, rdn, what)
      .map((ava) => {
        const [type, value] = children(name, ava, what);
        if (type === undefined || value === undefined) {
          throw new CertificateError("der", `${what}: attribute without type or value`);
        }
        const oid = hex(name.subarray(type.start, type.end));
        const decode = STRING_TYPES[value.tag];
        if (decode === undefined) return `${oid}=#${hex(name.subarray(value.start, value.end))}`;
        const text = decode(name.subarray(value.contentStart, value.end))
          .replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, "")
          .replace(/[ \t\n\v\f\r]+/g, " ")
          .replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
        return `${oid}=${JSON.stringify(text)}`;
      })
      .sort()
      .join("+"),
  );
  return rdns.join(",");
}
