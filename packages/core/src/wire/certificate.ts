/**
 * Certificate (RFC 5246 7.4.2; RFC 8446 4.4.2): the server's chain as DER byte strings. The
 * certificates themselves are opaque here; core/cert parses them.
 */
import { ByteReader, ByteWriter } from "./bytes.js";
import { DecodeError } from "./errors.js";
import type { Extension } from "./extensions.js";

export interface Tls13CertificateEntry {
  readonly certificate: Uint8Array;
  /** Per-entry extensions (status_request, signed_certificate_timestamp…), raw. */
  readonly extensions: Extension[];
}

export interface Tls13Certificate {
  readonly certificateRequestContext: Uint8Array;
  readonly entries: Tls13CertificateEntry[];
}

export interface DecodeCertificateOptions {
  /** Decode the TLS 1.3 form (context and per-entry extensions). */
  readonly tls13?: boolean;
}

function readCertificate(r: ByteReader, field: string): Uint8Array {
  const lengthOffset = r.offset;
  const der = r.vector24(field);
  if (der.length === 0) {
    throw new DecodeError("invalid", "empty certificate", {
      offset: lengthOffset,
      field: `${field}.length`,
    });
  }
  return der;
}

/** Decodes a Certificate body: the DER certificates, leaf first (TLS ≤ 1.2 form by default). */
export function decodeCertificate(
  body: Uint8Array,
  options?: { readonly tls13?: false },
): Uint8Array[];
export function decodeCertificate(
  body: Uint8Array,
  options: { readonly tls13: true },
): Tls13Certificate;
export function decodeCertificate(
  body: Uint8Array,
  options: DecodeCertificateOptions = {},
): Uint8Array[] | Tls13Certificate {
  const r = new ByteReader(body);
  if (options.tls13 === true) {
    const certificateRequestContext = r.vector8("Certificate.certificateRequestContext");
    const entries = r.readVector24("Certificate.certificateList", (list) => {
      const found: Tls13CertificateEntry[] = [];
      while (!list.atEnd) {
        const field = `Certificate.certificateList[${found.length}]`;
        const certificate = readCertificate(list, `${field}.certificate`);
        const extensions = list.readVector16(`${field}.extensions`, (x) => {
          const items: Extension[] = [];
          while (!x.atEnd) {
            const itemField = `${field}.extensions[${items.length}]`;
            const type = x.u16(`${itemField}.type`);
            items.push({ type, data: x.vector16(itemField) });
          }
          return items;
        });
        found.push({ certificate, extensions });
      }
      return found;
    });
    r.expectEnd("Certificate");
    return { certificateRequestContext, entries };
  }
  const chain = r.readVector24("Certificate.certificateList", (list) => {
    const found: Uint8Array[] = [];
    while (!list.atEnd)
      found.push(readCertificate(list, `Certificate.certificateList[${found.length}]`));
    return found;
  });
  r.expectEnd("Certificate");
  return chain;
}

/** A TLS ≤ 1.2 Certificate body. */
export function encodeCertificate(chain: readonly Uint8Array[]): Uint8Array {
  const w = new ByteWriter();
  w.lengthPrefixed(
    3,
    (list) => {
      for (const [i, der] of chain.entries()) {
        list.lengthPrefixed(3, (c) => c.bytes(der), `Certificate.certificateList[${i}]`);
      }
    },
    "Certificate.certificateList",
  );
  return w.finish();
}
