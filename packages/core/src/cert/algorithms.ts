import * as asn1js from "asn1js";
import type * as pkijs from "pkijs";
import type { CertificateInfo } from "../scan-report/types.js";
import { CertificateError } from "./errors.js";

/**
 * Signature algorithms named as Mozilla's Server Side TLS guidelines name them (which are
 * OpenSSL's names): sha256WithRSAEncryption, ecdsa-with-SHA256, rsassaPss, ED25519, …
 * An algorithm missing here is reported as its dotted OID.
 */
export const SIGNATURE_ALGORITHM_NAMES: Readonly<Record<string, string>> = {
  "1.2.840.113549.1.1.2": "md2WithRSAEncryption",
  "1.2.840.113549.1.1.4": "md5WithRSAEncryption",
  "1.2.840.113549.1.1.5": "sha1WithRSAEncryption",
  "1.2.840.113549.1.1.14": "sha224WithRSAEncryption",
  "1.2.840.113549.1.1.11": "sha256WithRSAEncryption",
  "1.2.840.113549.1.1.12": "sha384WithRSAEncryption",
  "1.2.840.113549.1.1.13": "sha512WithRSAEncryption",
  "1.2.840.113549.1.1.10": "rsassaPss",
  "1.2.840.10045.4.1": "ecdsa-with-SHA1",
  "1.2.840.10045.4.3.1": "ecdsa-with-SHA224",
  "1.2.840.10045.4.3.2": "ecdsa-with-SHA256",
  "1.2.840.10045.4.3.3": "ecdsa-with-SHA384",
  "1.2.840.10045.4.3.4": "ecdsa-with-SHA512",
  "1.3.101.112": "ED25519",
  "1.3.101.113": "ED448",
  "1.2.840.10040.4.3": "dsaWithSHA1",
  "2.16.840.1.101.3.4.3.1": "dsa_with_SHA224",
  "2.16.840.1.101.3.4.3.2": "dsa_with_SHA256",
  "2.16.840.1.101.3.4.3.17": "ML-DSA-44",
  "2.16.840.1.101.3.4.3.18": "ML-DSA-65",
  "2.16.840.1.101.3.4.3.19": "ML-DSA-87",
};

/** Signature algorithms whose hash no longer resists collisions (browsers refuse them). */
export const WEAK_SIGNATURE_ALGORITHMS: ReadonlySet<string> = new Set([
  "md2WithRSAEncryption",
  "md5WithRSAEncryption",
  "sha1WithRSAEncryption",
  "ecdsa-with-SHA1",
  "dsaWithSHA1",
]);

export function signatureAlgorithmName(oid: string): string {
  return SIGNATURE_ALGORITHM_NAMES[oid] ?? oid;
}

/** Named curves as OpenSSL (and Mozilla's guidelines) name them, with their size in bits. */
export const NAMED_CURVES: Readonly<Record<string, { name: string; bits: number }>> = {
  "1.2.840.10045.3.1.1": { name: "prime192v1", bits: 192 },
  "1.3.132.0.33": { name: "secp224r1", bits: 224 },
  "1.2.840.10045.3.1.7": { name: "prime256v1", bits: 256 },
  "1.3.132.0.34": { name: "secp384r1", bits: 384 },
  "1.3.132.0.35": { name: "secp521r1", bits: 521 },
  "1.3.132.0.10": { name: "secp256k1", bits: 256 },
  "1.3.36.3.3.2.8.1.1.7": { name: "brainpoolP256r1", bits: 256 },
  "1.3.36.3.3.2.8.1.1.11": { name: "brainpoolP384r1", bits: 384 },
  "1.3.36.3.3.2.8.1.1.13": { name: "brainpoolP512r1", bits: 512 },
};

export type PublicKeyDescription = Pick<CertificateInfo, "keyType" | "keyBits" | "curve">;

/** Bit length of an unsigned big-endian integer (leading zero bytes ignored). */
export function bitLength(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length && bytes[index] === 0) index += 1;
  const first = bytes[index];
  if (first === undefined) return 0;
  return (bytes.length - index - 1) * 8 + (32 - Math.clz32(first));
}

function integerBits(block: asn1js.BaseBlock | undefined, what: string): number {
  if (!(block instanceof asn1js.Integer))
    throw new CertificateError("der", `${what}: not an INTEGER`);
  return bitLength(block.valueBlock.valueHexView);
}

/**
 * Key type, size and curve of a SubjectPublicKeyInfo. RSA (and RSASSA-PSS keys): modulus bits;
 * DSA: bits of p; ECDSA: the curve's size and name (null for explicit parameters, whose size is
 * taken from the point); Ed25519: 256 and Ed448: 456 bits, curve null (the curve field names ECDSA
 * curves only).
 */
export function describePublicKey(spki: pkijs.PublicKeyInfo): PublicKeyDescription {
  const oid = spki.algorithm.algorithmId;
  const keyBytes = spki.subjectPublicKey.valueBlock.valueHexView;
  switch (oid) {
    case "1.2.840.113549.1.1.1":
    case "1.2.840.113549.1.1.10": {
      const key = asn1js.fromBER(keyBytes).result;
      const modulus = key instanceof asn1js.Sequence ? key.valueBlock.value[0] : undefined;
      return { keyType: "rsa", keyBits: integerBits(modulus, "RSA public key"), curve: null };
    }
    case "1.2.840.10045.2.1": {
      const params: unknown = spki.algorithm.algorithmParams;
      if (params instanceof asn1js.ObjectIdentifier) {
        const curveOid = params.getValue();
        const curve = NAMED_CURVES[curveOid];
        return { keyType: "ecdsa", keyBits: curve?.bits ?? null, curve: curve?.name ?? curveOid };
      }
      // Explicit parameters: an uncompressed point is 0x04 || X || Y.
      const coordinateBytes = Math.floor((keyBytes.length - 1) / 2);
      return {
        keyType: "ecdsa",
        keyBits: coordinateBytes > 0 ? coordinateBytes * 8 : null,
        curve: null,
      };
    }
    case "1.3.101.112":
      return { keyType: "ed25519", keyBits: 256, curve: null };
    case "1.3.101.113":
      return { keyType: "ed448", keyBits: 456, curve: null };
    case "1.2.840.10040.4.1": {
      const params: unknown = spki.algorithm.algorithmParams;
      const p = params instanceof asn1js.Sequence ? params.valueBlock.value[0] : undefined;
      return {
        keyType: "dsa",
        keyBits: p === undefined ? null : integerBits(p, "DSA p"),
        curve: null,
      };
    }
    default:
      return { keyType: "unknown", keyBits: null, curve: null };
  }
}
