import * as asn1js from "asn1js";
import { decodeDer } from "../der.js";
import { DecodeError, decodeSctList as decodeTlsSctList } from "../../wire/index.js";
import { CertificateError } from "../errors.js";

/** Embedded Signed Certificate Timestamps (RFC 6962 3.3). */
export const SCT_LIST_OID = "1.3.6.1.4.1.11129.2.4.2";

/**
 * The number of SCTs in an embedded SignedCertificateTimestampList: an OCTET STRING holding the
 * TLS-encoded list, which wire/ reads (every length checked against the bytes that hold it).
 */
export function decodeSctList(value: Uint8Array): number {
  const octets = decodeDer(value, "SCT list", "extension");
  if (!(octets instanceof asn1js.OctetString)) {
    throw new CertificateError("extension", "SCT list: not an OCTET STRING");
  }
  try {
    return decodeTlsSctList(octets.valueBlock.valueHexView).length;
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    throw new CertificateError("extension", `SCT list: ${error.message}`, { cause: error });
  }
}
