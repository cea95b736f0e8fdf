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
