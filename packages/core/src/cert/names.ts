import * as asn1js from "asn1js";
import { escapeControlCharacters } from "../control-characters.js";
import { CertificateError } from "./errors.js";
import { decodeDer, hex, toBytes } from "./der.js";

/**
 * Attribute short names: the RFC 4514 table (CN, L, ST, O, OU, C, STREET, DC, UID), plus the
 * names OpenSSL prints for attributes common in WebPKI certificates (RFC 4514 lets a producer use
 * names "known to the recipient"). Anything else is printed as its dotted OID with a #hex value.
 */
const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  "2.5.4.3": "CN",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.6": "C",
  "2.5.4.9": "STREET",
  "0.9.2342.19200300.100.1.25": "DC",
  "0.9.2342.19200300.100.1.1": "UID",
  "2.5.4.5": "serialNumber",
  "2.5.4.4": "SN",
  "2.5.4.42": "GN",
  "2.5.4.12": "title",
  "2.5.4.15": "businessCategory",
  "2.5.4.17": "postalCode",
  "2.5.4.97": "organizationIdentifier",
  "1.2.840.113549.1.9.1": "emailAddress",
  "1.3.6.1.4.1.311.60.2.1.1": "jurisdictionL",
  "1.3.6.1.4.1.311.60.2.1.2": "jurisdictionST",
  "1.3.6.1.4.1.311.60.2.1.3": "jurisdictionC",
};

/**
 * RFC 4514 section 2.4 escaping of an attribute value; controls as `\xNN` rather than the RFC's
 * `\NN`, the one form tlsgate uses for them, so that a name a server chose cannot break a line
 * of a log or report (a backslash of the name itself is doubled, so `\xNN` stays unambiguous).
 */
function escapeValue(value: string): string {
  let escaped = escapeControlCharacters(value.replace(/[\\"+,;<>]/g, (char) => `\\${char}`));
  if (escaped.startsWith(" ") || escaped.startsWith("#")) escaped = `\\${escaped}`;
  if (escaped.endsWith(" ") && escaped.length > 1) escaped = `${escaped.slice(0, -1)}\\ `;
  return escaped;
}

function formatAttribute(attribute: asn1js.BaseBlock, what: string): string {
  const parts = attribute instanceof asn1js.Sequence ? attribute.valueBlock.value : [];
  const [type, value] = parts;
  if (parts.length !== 2 || !(type instanceof asn1js.ObjectIdentifier) || value === undefined) {
    throw new CertificateError("der", `${what}: malformed AttributeTypeAndValue`);
  }
  const oid = type.getValue();
  const name = ATTRIBUTE_NAMES[oid];
  if (name !== undefined && value instanceof asn1js.BaseStringBlock) {
    return `${name}=${escapeValue(value.getValue())}`;
  }
  return `${name ?? oid}=#${hex(toBytes(value.toBER()))}`;
}

/**
 * A DER Name as an RFC 4514 string: RDNs last to first, joined by ",", multi-valued RDNs joined
 * by "+". Example: `CN=leaf.test,O=tlsgate test,C=FR`. An empty Name gives "".
 */
export function formatName(nameDer: Uint8Array, what = "Name"): string {
  const name = decodeDer(nameDer, what);
  if (!(name instanceof asn1js.Sequence))
    throw new CertificateError("der", `${what}: not a SEQUENCE`);
  return name.valueBlock.value
    .map((rdn) => {
      if (!(rdn instanceof asn1js.Set))
        throw new CertificateError("der", `${what}: RDN is not a SET`);
      return rdn.valueBlock.value.map((attribute) => formatAttribute(attribute, what)).join("+");
    })
    .reverse()
    .join(",");
}
