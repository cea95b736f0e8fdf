/**
 * SignedCertificateTimestampList (RFC 6962 3.3): `SerializedSCT sct_list<1..2^16-1>` of
 * `opaque SerializedSCT<1..2^16-1>`, as a certificate embeds it (inside an OCTET STRING) and as
 * the signed_certificate_timestamp extension carries it. The SCTs themselves stay opaque.
 */
import { ByteReader } from "./bytes.js";
import { DecodeError } from "./errors.js";

/** The serialized SCTs of a list, in order. An empty list is read as empty, not refused. */
export function decodeSctList(bytes: Uint8Array): Uint8Array[] {
  const r = new ByteReader(bytes);
  const scts = r.readVector16("SignedCertificateTimestampList.sctList", (list) => {
    const found: Uint8Array[] = [];
    while (!list.atEnd) {
      const field = `SignedCertificateTimestampList.sctList[${found.length}]`;
      const lengthOffset = list.offset;
      const sct = list.vector16(field);
      if (sct.length === 0) {
        throw new DecodeError("invalid", "empty SCT", {
          offset: lengthOffset,
          field: `${field}.length`,
        });
      }
      found.push(sct);
    }
    return found;
  });
  r.expectEnd("SignedCertificateTimestampList");
  return scts;
}
