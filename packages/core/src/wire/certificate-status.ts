/** CertificateStatus (RFC 6066 8): the OCSP response a TLS ≤ 1.2 server staples. */
import { ByteReader } from "./bytes.js";
import { CERTIFICATE_STATUS_TYPE } from "./constants.js";
import { DecodeError } from "./errors.js";

export interface CertificateStatus {
  readonly statusType: number;
  /** The DER OCSPResponse. */
  readonly ocspResponse: Uint8Array;
}

export function decodeCertificateStatus(body: Uint8Array): CertificateStatus {
  const r = new ByteReader(body);
  const statusType = r.u8("CertificateStatus.statusType");
  if (statusType !== CERTIFICATE_STATUS_TYPE.ocsp) {
    throw new DecodeError("unsupported", `status type ${statusType}`, {
      offset: 0,
      field: "CertificateStatus.statusType",
    });
  }
  const lengthOffset = r.offset;
  const ocspResponse = r.vector24("CertificateStatus.ocspResponse");
  if (ocspResponse.length === 0) {
    throw new DecodeError("invalid", "empty OCSP response", {
      offset: lengthOffset,
      field: "CertificateStatus.ocspResponse.length",
    });
  }
  r.expectEnd("CertificateStatus");
  return { statusType, ocspResponse };
}
