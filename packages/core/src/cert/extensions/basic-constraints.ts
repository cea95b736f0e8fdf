import * as asn1js from "asn1js";
import { decodeDer } from "../der.js";
import { CertificateError } from "../errors.js";

/** id-ce-basicConstraints (RFC 5280 4.2.1.9). */
export const BASIC_CONSTRAINTS_OID = "2.5.29.19";

export interface BasicConstraints {
  ca: boolean;
  /** Maximum number of intermediates below this CA; null when unconstrained. */
  pathLength: number | null;
}

/** `BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }` */
export function decodeBasicConstraints(value: Uint8Array): BasicConstraints {
  const fail = (why: string): never => {
    throw new CertificateError("extension", `basicConstraints: ${why}`);
  };
  const sequence = decodeDer(value, "basicConstraints", "extension");
  if (!(sequence instanceof asn1js.Sequence)) return fail("not a SEQUENCE");
  let ca = false;
  let pathLength: number | null = null;
  for (const item of sequence.valueBlock.value) {
    if (item instanceof asn1js.Boolean) ca = item.getValue();
    else if (item instanceof asn1js.Integer) {
      const length = item.valueBlock.valueDec;
      if (!Number.isSafeInteger(length) || length < 0) fail("bad pathLenConstraint");
      pathLength = length;
    } else fail("unexpected element");
  }
  return { ca, pathLength };
}
