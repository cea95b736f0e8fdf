import { TlsgateError } from "../errors.js";

export const CERTIFICATE_ERROR_CODES = ["pem", "der", "extension", "ocsp"] as const;
export type CertificateErrorCode = (typeof CERTIFICATE_ERROR_CODES)[number];

/**
 * Bad input to the certificate layer: a PEM bundle with no certificate, DER that does not decode,
 * a malformed extension or OCSP response. Checks never throw it for a verdict (an expired or
 * untrusted certificate is data); only for bytes that cannot be read at all.
 */
export class CertificateError extends TlsgateError<CertificateErrorCode> {
  override readonly name = "CertificateError" as const;
}
