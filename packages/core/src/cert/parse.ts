import { X509Certificate, createHash } from "node:crypto";
import * as pkijs from "pkijs";
import type { CertificateInfo } from "../scan-report/types.js";
import {
  describePublicKey,
  signatureAlgorithmName,
  type PublicKeyDescription,
} from "./algorithms.js";
import { decodeDer, hex, toBytes } from "./der.js";
import { CertificateError } from "./errors.js";
import { STATUS_REQUEST, decodeExtensions, type BasicConstraints } from "./extensions/index.js";
import { formatName } from "./names.js";

const DAY_MS = 86_400_000;

/**
 * One certificate, decoded once. `x509` is Node's view of the same DER, used for signature
 * verification and issuer matching (OpenSSL's X509_check_issued); everything reported comes from
 * the DER itself.
 */
export interface ParsedCertificate {
  readonly der: Uint8Array;
  readonly x509: X509Certificate;
  /** RFC 4514, e.g. "CN=leaf.test,O=tlsgate". */
  readonly subject: string;
  readonly issuer: string;
  /** The DER of the issuer Name, as hashed in an OCSP CertID. */
  readonly issuerNameDer: Uint8Array;
  /** Lowercase hex of the serial's DER content, without the sign-padding zero byte. */
  readonly serial: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly key: PublicKeyDescription;
  readonly signatureAlgorithm: string;
  /** Subject alternative names, prefixed: "DNS:…", "IP:…" (see decodeSubjectAltName). */
  readonly san: readonly string[];
  readonly basicConstraints: BasicConstraints | null;
  readonly mustStaple: boolean;
  readonly sctCount: number;
  /** SHA-256 of the DER, lowercase hex without colons. */
  readonly sha256: string;
  /** Issuer and subject match and the certificate's own key verifies its signature. */
  readonly selfSigned: boolean;
}

/** Whether `child` names `parent` as its issuer (names, key identifiers) and `parent`'s key signed it. */
export function isIssuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  return child.checkIssued(parent) && verifiesWith(child, parent);
}

/**
 * Self-signed: the issuer name is the subject name and the certificate's own key verifies its
 * signature. Key usage is not consulted (a self-signed leaf without keyCertSign is self-signed).
 */
export function isSelfSigned(certificate: X509Certificate): boolean {
  return certificate.subject === certificate.issuer && verifiesWith(certificate, certificate);
}

/** Signature check alone; an algorithm Node cannot verify counts as a failure. */
export function verifiesWith(child: X509Certificate, parent: X509Certificate): boolean {
  try {
    return child.verify(parent.publicKey);
  } catch {
    return false;
  }
}

export function serialHex(bytes: Uint8Array): string {
  const unpadded =
    bytes.length > 1 && bytes[0] === 0 && (bytes[1] ?? 0) >= 0x80 ? bytes.subarray(1) : bytes;
  return hex(unpadded);
}

/**
 * Certificates decoded lately, by SHA-256 of their DER: a fleet of endpoints serves the same
 * chain again and again, and decoding one (pkijs, X509Certificate, the self-signature check) is
 * a large part of a scan's CPU. A ParsedCertificate is immutable, so one may serve every caller.
 * Bounded, least recently used first out, so that a run over many distinct certificates holds
 * no more than this many.
 */
const PARSED_CACHE_SIZE = 512;
const parsedCache = new Map<string, ParsedCertificate>();

/**
 * Decodes one DER certificate. Throws CertificateError when the bytes are not a certificate (or
 * one of the extensions it reads is malformed); verdicts about a readable certificate are data.
 */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  const sha256 = createHash("sha256").update(der).digest("hex");
  const cached = parsedCache.get(sha256);
  if (cached !== undefined) {
    parsedCache.delete(sha256);
    parsedCache.set(sha256, cached);
    return cached;
  }
  const parsed = decodeCertificate(der, sha256);
  if (parsedCache.size >= PARSED_CACHE_SIZE) {
    const oldest = parsedCache.keys().next();
    if (oldest.done !== true) parsedCache.delete(oldest.value);
  }
  parsedCache.set(sha256, parsed);
  return parsed;
}

function decodeCertificate(der: Uint8Array, sha256: string): ParsedCertificate {
  const bytes = toBytes(der);
  let certificate: pkijs.Certificate;
  let x509: X509Certificate;
  try {
    certificate = new pkijs.Certificate({ schema: decodeDer(bytes, "certificate") });
    x509 = new X509Certificate(bytes);
  } catch (error) {
    if (error instanceof CertificateError) throw error;
    throw new CertificateError("der", `not a certificate: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const extensions = decodeExtensions(certificate.extensions ?? []);
  const selfSigned = isSelfSigned(x509);
  const issuerNameDer = toBytes(certificate.issuer.valueBeforeDecode);
  return Object.freeze({
    der: bytes,
    x509,
    subject: formatName(toBytes(certificate.subject.valueBeforeDecode), "subject"),
    issuer: formatName(issuerNameDer, "issuer"),
    issuerNameDer,
    serial: serialHex(certificate.serialNumber.valueBlock.valueHexView),
    notBefore: certificate.notBefore.value,
    notAfter: certificate.notAfter.value,
    key: describePublicKey(certificate.subjectPublicKeyInfo),
    signatureAlgorithm: signatureAlgorithmName(certificate.signatureAlgorithm.algorithmId),
    san: extensions.subjectAltName ?? [],
    basicConstraints: extensions.basicConstraints ?? null,
    mustStaple: extensions.tlsFeature?.includes(STATUS_REQUEST) ?? false,
    sctCount: extensions.sctList ?? 0,
    sha256,
    selfSigned,
  });
}

/**
 * The report's view of a certificate at `now`. daysRemaining is floor((notAfter − now) / 1 day),
 * negative once expired; lifespanDays is the RFC 5280 validity period (notBefore to notAfter, both
 * inclusive, so one second is added) in whole days, the way CA/Browser Forum limits count it.
 */
export function describeCertificate(certificate: ParsedCertificate, now: Date): CertificateInfo {
  const notBefore = certificate.notBefore.getTime();
  const notAfter = certificate.notAfter.getTime();
  return {
    subject: certificate.subject,
    issuer: certificate.issuer,
    serial: certificate.serial,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    daysRemaining: Math.floor((notAfter - now.getTime()) / DAY_MS),
    lifespanDays: Math.floor((notAfter - notBefore + 1000) / DAY_MS),
    keyType: certificate.key.keyType,
    keyBits: certificate.key.keyBits,
    curve: certificate.key.curve,
    signatureAlgorithm: certificate.signatureAlgorithm,
    sha256: certificate.sha256,
    san: [...certificate.san],
    selfSigned: certificate.selfSigned,
    isCA: certificate.basicConstraints?.ca ?? false,
    mustStaple: certificate.mustStaple,
    sctCount: certificate.sctCount,
  };
}
