import * as asn1js from "asn1js";
import { decodeDer } from "../der.js";
import { CertificateError } from "../errors.js";

/** id-pe-tlsfeature (RFC 7633): the TLS extensions a server with this certificate must use. */
export const TLS_FEATURE_OID = "1.3.6.1.5.5.7.1.24";

/** TLS extension number of status_request: a TLS feature naming it is "OCSP must-staple". */
export const STATUS_REQUEST = 5;

/** `Features ::= SEQUENCE OF INTEGER` (TLS extension numbers). */
export function decodeTlsFeature(value: Uint8Array): number[] {
  const sequence = decodeDer(value, "tlsFeature", "extension");
  if (!(sequence instanceof asn1js.Sequence)) {
    throw new CertificateError("extension", "tlsFeature: not a SEQUENCE");
  }
  return sequence.valueBlock.value.map((item) => {
    if (!(item instanceof asn1js.Integer)) {
      throw new CertificateError("extension", "tlsFeature: feature is not an INTEGER");
    }
    return item.valueBlock.valueDec;
  });
}
