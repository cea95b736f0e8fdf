// The signature scheme table (signature_algorithms): the IANA SignatureScheme registry, with
// OpenSSL's "sig+hash" spellings as aliases.
import type { SignatureSchemeRow } from "../../packages/core/src/registry/types.js";
import { hex, printTable, recommendedOf } from "./emit.js";
import { readJson } from "./read-data.js";
import type { IanaSignatureScheme } from "./read-data.js";

// OpenSSL's "sig+hash" spellings (SSL_CONF SignatureAlgorithms) and its brainpool names.
function signatureAliases(name: string): string[] {
  const hash = (pattern: RegExp): string | undefined => pattern.exec(name)?.[1]?.toUpperCase();
  const rsa = hash(/^rsa_pkcs1_(sha\d+)$/);
  if (rsa !== undefined) return [`RSA+${rsa}`];
  const ecdsa = hash(/^ecdsa_(?:secp\d+r1_)?(sha\d+)$/);
  if (ecdsa !== undefined) return [`ECDSA+${ecdsa}`];
  const pss = hash(/^rsa_pss_rsae_(sha\d+)$/);
  if (pss !== undefined) return [`RSA-PSS+${pss}`];
  const brainpool = /^ecdsa_(brainpoolP\d+r1)tls13_(sha\d+)$/.exec(name);
  if (brainpool !== null) return [`ecdsa_${brainpool[1]}_${brainpool[2]}`];
  return [];
}

export async function buildSignatureSchemes(dataDir: string): Promise<SignatureSchemeRow[]> {
  const iana = await readJson<IanaSignatureScheme[]>(dataDir, "iana/tls-signature-schemes.json");
  return iana
    .filter((entry) => !entry.name.startsWith("Reserved") && entry.name !== "Unassigned")
    .map((entry) => ({
      code: entry.value,
      hex: hex(entry.value, 4),
      name: entry.name,
      aliases: signatureAliases(entry.name),
      recommended: recommendedOf(entry.recommended),
    }))
    .sort((a, b) => a.code - b.code);
}

/** The generated file signature-schemes.ts. */
export async function signatureSchemeFiles(dataDir: string): Promise<[string, string][]> {
  const rows = await buildSignatureSchemes(dataDir);
  return [
    [
      "signature-schemes.ts",
      printTable("SIGNATURE_SCHEME_ROWS", "SignatureSchemeRow", rows, [
        "iana/tls-signature-schemes.json",
      ]),
    ],
  ];
}
