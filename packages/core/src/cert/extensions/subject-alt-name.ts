import * as asn1js from "asn1js";
import { escapeControlCharacters } from "../../control-characters.js";
import { decodeDer, hex, toBytes } from "../der.js";
import { CertificateError } from "../errors.js";
import { formatIp } from "../ip.js";
import { formatName } from "../names.js";

/** id-ce-subjectAltName (RFC 5280 4.2.1.6). */
export const SUBJECT_ALT_NAME_OID = "2.5.29.17";

/**
 * The GeneralNames as prefixed strings, in certificate order:
 * `DNS:example.com`, `IP:192.0.2.1`, `IP:2001:db8::1` (RFC 5952 form), `email:…`, `URI:…`,
 * `DirName:<RFC 4514>`, `RID:<oid>`, `othername:<oid>`; x400Address and ediPartyName by name only.
 */
export function decodeSubjectAltName(value: Uint8Array): string[] {
  const fail = (why: string): never => {
    throw new CertificateError("extension", `subjectAltName: ${why}`);
  };
  const sequence = decodeDer(value, "subjectAltName", "extension");
  if (!(sequence instanceof asn1js.Sequence)) return fail("not a SEQUENCE");
  return sequence.valueBlock.value.map((name): string => {
    if (name.idBlock.tagClass !== 3) return fail("GeneralName is not context-tagged");
    const raw = (): Uint8Array => {
      const block = name.valueBlock as { valueHexView?: Uint8Array };
      if (name.idBlock.isConstructed || block.valueHexView === undefined)
        fail("expected a primitive value");
      return block.valueHexView ?? new Uint8Array();
    };
    // IA5String names as a server sent them, but never a line break or terminal escape (controls
    // as \xNN; a backslash as \x5c, so that the escape stays unambiguous).
    const ascii = (): string =>
      escapeControlCharacters(Buffer.from(raw()).toString("latin1").replace(/\\/g, "\\x5c"));
    const inner = (): asn1js.BaseBlock[] =>
      (name.valueBlock as { value?: asn1js.BaseBlock[] }).value ?? [];
    switch (name.idBlock.tagNumber) {
      case 0: {
        const [typeId] = inner();
        return `othername:${typeId instanceof asn1js.ObjectIdentifier ? typeId.getValue() : "?"}`;
      }
      case 1:
        return `email:${ascii()}`;
      case 2:
        return `DNS:${ascii()}`;
      case 3:
        return "x400Address";
      case 4: {
        const [directory] = inner();
        if (directory === undefined) return fail("empty directoryName");
        return `DirName:${formatName(toBytes(directory.toBER()), "subjectAltName directoryName")}`;
      }
      case 5:
        return "ediPartyName";
      case 6:
        return `URI:${ascii()}`;
      case 7: {
        const bytes = raw();
        return bytes.length === 4 || bytes.length === 16
          ? `IP:${formatIp(bytes)}`
          : `IP:#${hex(bytes)}`;
      }
      case 8: {
        const oid = new asn1js.ObjectIdentifier();
        const bytes = raw();
        return oid.valueBlock.fromBER(bytes, 0, bytes.length) === -1
          ? fail("bad registeredID")
          : `RID:${oid.valueBlock.toString()}`;
      }
      default:
        return fail(`unknown GeneralName tag [${name.idBlock.tagNumber}]`);
    }
  });
}
