import type * as pkijs from "pkijs";
import { CertificateError } from "../errors.js";
import { BASIC_CONSTRAINTS_OID, decodeBasicConstraints } from "./basic-constraints.js";
import { SCT_LIST_OID, decodeSctList } from "./sct-list.js";
import { SUBJECT_ALT_NAME_OID, decodeSubjectAltName } from "./subject-alt-name.js";
import { TLS_FEATURE_OID, decodeTlsFeature } from "./tls-feature.js";

export type { BasicConstraints } from "./basic-constraints.js";
export { STATUS_REQUEST } from "./tls-feature.js";

/**
 * The extensions tlsgate reads, by name: each one's OID and a decoder over its extnValue DER.
 * Adding an extension means one file with its decoder and one line here.
 */
export const EXTENSIONS = {
  basicConstraints: { oid: BASIC_CONSTRAINTS_OID, decode: decodeBasicConstraints },
  subjectAltName: { oid: SUBJECT_ALT_NAME_OID, decode: decodeSubjectAltName },
  tlsFeature: { oid: TLS_FEATURE_OID, decode: decodeTlsFeature },
  sctList: { oid: SCT_LIST_OID, decode: decodeSctList },
} as const;

export type ExtensionName = keyof typeof EXTENSIONS;
export type DecodedExtensions = {
  [K in ExtensionName]?: ReturnType<(typeof EXTENSIONS)[K]["decode"]>;
};

const NAME_BY_OID: ReadonlyMap<string, ExtensionName> = new Map(
  (Object.keys(EXTENSIONS) as ExtensionName[]).map((name) => [EXTENSIONS[name].oid, name]),
);

/** Decodes the known extensions of a certificate; a repeated extension is malformed (RFC 5280). */
export function decodeExtensions(extensions: readonly pkijs.Extension[]): DecodedExtensions {
  const decoded: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const extension of extensions) {
    if (seen.has(extension.extnID)) {
      throw new CertificateError("extension", `extension ${extension.extnID} appears twice`);
    }
    seen.add(extension.extnID);
    const name = NAME_BY_OID.get(extension.extnID);
    if (name === undefined) continue;
    decoded[name] = EXTENSIONS[name].decode(extension.extnValue.valueBlock.valueHexView);
  }
  return decoded as DecodedExtensions;
}
