import * as asn1js from "asn1js";
import { decodeDer } from "../der.js";
import { CertificateError } from "../errors.js";

/** Embedded Signed Certificate Timestamps (RFC 6962 3.3). */
export const SCT_LIST_OID = "1.3.6.1.4.1.11129.2.4.2";

/**
 * The number of SCTs in an embedded SignedCertificateTimestampList: an OCTET STRING holding the
 * TLS-encoded `SerializedSCT sct_list<1..2^16-1>`, each `opaque SerializedSCT<1..2^16-1>`. Every
 * length is checked against the bytes that hold it.
 */
export function decodeSctList(value: Uint8Array): number {
  const fail = (why: string): never => {
    throw new CertificateError("extension", `SCT list: ${why}`);
  };
  const octets = decodeDer(value, "SCT list", "extension");
  if (!(octets instanceof asn1js.OctetString)) return fail("not an OCTET STRING");
  const bytes = octets.valueBlock.valueHexView;
  const read16 = (offset: number): number => ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0);
  if (bytes.length < 2) return fail("truncated list length");
  if (read16(0) !== bytes.length - 2) return fail("list length does not match its bytes");
  let count = 0;
  for (let offset = 2; offset < bytes.length; count += 1) {
    if (offset + 2 > bytes.length) return fail("truncated SCT length");
    const length = read16(offset);
    if (length === 0) return fail("empty SCT");
    offset += 2 + length;
    if (offset > bytes.length) return fail("SCT overruns the list");
  }
  return count;
}
