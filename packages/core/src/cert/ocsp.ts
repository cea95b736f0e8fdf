import { createHash, verify, type KeyObject } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { decodeDer, hex, toBytes } from "./der.js";
import { CertificateError } from "./errors.js";
import { isIssuedBy, parseCertificate, serialHex, type ParsedCertificate } from "./parse.js";

/** OCSPResponseStatus (RFC 6960 4.2.1); 4 is unused. */
export const OCSP_RESPONSE_STATUSES = {
  0: "successful",
  1: "malformedRequest",
  2: "internalError",
  3: "tryLater",
  5: "sigRequired",
  6: "unauthorized",
} as const;
export type OcspResponseStatus =
  (typeof OCSP_RESPONSE_STATUSES)[keyof typeof OCSP_RESPONSE_STATUSES];

const ID_PKIX_OCSP_BASIC = "1.3.6.1.5.5.7.48.1.1";
const CERT_STATUSES = ["good", "revoked", "unknown"] as const;
const HASH_BY_OID: Readonly<Record<string, string>> = {
  "1.3.14.3.2.26": "sha1",
  "2.16.840.1.101.3.4.2.1": "sha256",
  "2.16.840.1.101.3.4.2.2": "sha384",
  "2.16.840.1.101.3.4.2.3": "sha512",
};

/** Signature algorithms a responder signs with: the hash node:crypto verifies with (null: none). */
const SIGNATURE_HASH_BY_OID: Readonly<Record<string, string | null>> = {
  "1.2.840.113549.1.1.5": "sha1",
  "1.2.840.113549.1.1.14": "sha224",
  "1.2.840.113549.1.1.11": "sha256",
  "1.2.840.113549.1.1.12": "sha384",
  "1.2.840.113549.1.1.13": "sha512",
  "1.2.840.10045.4.1": "sha1",
  "1.2.840.10045.4.3.1": "sha224",
  "1.2.840.10045.4.3.2": "sha256",
  "1.2.840.10045.4.3.3": "sha384",
  "1.2.840.10045.4.3.4": "sha512",
  "1.3.101.112": null,
  "1.3.101.113": null,
};
const ID_KP_OCSP_SIGNING = "1.3.6.1.5.5.7.3.9";
const EXTENDED_KEY_USAGE_OID = "2.5.29.37";
/** Responder certificates a response may carry that are looked at (a real one carries one). */
const MAX_RESPONDER_CERTIFICATES = 4;

export interface OcspStatus {
  responseStatus: OcspResponseStatus | "unknown";
  /** CertStatus of the SingleResponse about the leaf; null when there is none (see `reason`). */
  certStatus: (typeof CERT_STATUSES)[number] | null;
  reason: string | null;
  producedAt: string | null;
  thisUpdate: string | null;
  nextUpdate: string | null;
  revocationTime: string | null;
  /**
   * The responder's signature verifies with the issuer's key, or with a delegated responder
   * certificate (id-kp-OCSPSigning) the issuer signed; null when it could not be checked (no
   * issuer known, an algorithm node:crypto cannot verify).
   */
  signatureValid: boolean | null;
  /** nextUpdate is before `now`; null without a SingleResponse or without a nextUpdate. */
  expired: boolean | null;
}

export interface DecodeOcspOptions {
  /** The leaf's issuer: the responder's signature is checked against it (or its delegate). */
  issuer?: ParsedCertificate | null;
  /** When expiry is judged; the current time by default. */
  now?: Date;
}

function hasOcspSigning(certificate: pkijs.Certificate): boolean {
  const extension = certificate.extensions?.find((e) => e.extnID === EXTENDED_KEY_USAGE_OID);
  const parsed: unknown = extension?.parsedValue;
  return parsed instanceof pkijs.ExtKeyUsage && parsed.keyPurposes.includes(ID_KP_OCSP_SIGNING);
}

/** The keys that may sign a response about the issuer's certificates: its own, then delegates'. */
function responderKeys(basic: pkijs.BasicOCSPResponse, issuer: ParsedCertificate): KeyObject[] {
  const keys = [issuer.x509.publicKey];
  for (const certificate of (basic.certs ?? []).slice(0, MAX_RESPONDER_CERTIFICATES)) {
    if (!hasOcspSigning(certificate)) continue;
    try {
      const parsed = parseCertificate(new Uint8Array(certificate.toSchema().toBER(false)));
      if (isIssuedBy(parsed.x509, issuer.x509)) keys.push(parsed.x509.publicKey);
    } catch (error) {
      if (!(error instanceof CertificateError)) throw error;
    }
  }
  return keys;
}

function checkResponderSignature(
  basic: pkijs.BasicOCSPResponse,
  issuer: ParsedCertificate | null | undefined,
): boolean | null {
  if (issuer === null || issuer === undefined) return null;
  const hash = SIGNATURE_HASH_BY_OID[basic.signatureAlgorithm.algorithmId];
  if (hash === undefined) return null;
  const tbs = basic.tbsResponseData.tbsView;
  const signature = basic.signature.valueBlock.valueHexView;
  return responderKeys(basic, issuer).some((key) => {
    try {
      return verify(hash, tbs, key, signature);
    } catch {
      return false;
    }
  });
}

/**
 * Reads a stapled OCSP response: the CertStatus of the SingleResponse whose CertID names `leaf`
 * (same serial and, with the CertID's hash, the same issuer name), with the responder's signature
 * checked against `options.issuer` (see `signatureValid`) and expiry judged at `options.now`.
 * Throws CertificateError("ocsp") when the bytes are not an OCSP response.
 */
export function decodeOcspResponse(
  der: Uint8Array,
  leaf: ParsedCertificate,
  options: DecodeOcspOptions = {},
): OcspStatus {
  const none = (
    responseStatus: OcspStatus["responseStatus"],
    reason: string,
    signatureValid: boolean | null = null,
    producedAt: string | null = null,
  ): OcspStatus => ({
    responseStatus,
    certStatus: null,
    reason,
    producedAt,
    thisUpdate: null,
    nextUpdate: null,
    revocationTime: null,
    signatureValid,
    expired: null,
  });
  let response: pkijs.OCSPResponse;
  let basic: pkijs.BasicOCSPResponse | null = null;
  try {
    response = new pkijs.OCSPResponse({ schema: decodeDer(der, "OCSP response", "ocsp") });
    const bytes = response.responseBytes;
    if (bytes !== undefined && bytes.responseType === ID_PKIX_OCSP_BASIC) {
      basic = new pkijs.BasicOCSPResponse({
        schema: decodeDer(bytes.response.valueBlock.valueHexView, "BasicOCSPResponse", "ocsp"),
      });
    }
  } catch (error) {
    if (error instanceof CertificateError) throw error;
    throw new CertificateError("ocsp", `not an OCSP response: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const code = response.responseStatus.valueBlock.valueDec;
  const responseStatus: OcspStatus["responseStatus"] =
    OCSP_RESPONSE_STATUSES[code as keyof typeof OCSP_RESPONSE_STATUSES] ?? "unknown";
  if (responseStatus !== "successful")
    return none(responseStatus, `OCSP responseStatus ${responseStatus}`);
  if (basic === null) return none(responseStatus, "OCSP response without a basic response");
  const signatureValid = checkResponderSignature(basic, options.issuer);
  const producedAt = basic.tbsResponseData.producedAt.toISOString();

  const single = basic.tbsResponseData.responses.find((candidate) => {
    const certId = candidate.certID;
    if (serialHex(certId.serialNumber.valueBlock.valueHexView) !== leaf.serial) return false;
    const hash = HASH_BY_OID[certId.hashAlgorithm.algorithmId];
    if (hash === undefined) return true; // cannot check the issuer hash: the serial must do
    const expected = createHash(hash).update(leaf.issuerNameDer).digest("hex");
    return hex(toBytes(certId.issuerNameHash.valueBlock.valueHexView)) === expected;
  });
  if (single === undefined) {
    return none(
      responseStatus,
      "no SingleResponse for the leaf certificate",
      signatureValid,
      producedAt,
    );
  }
  const status: unknown = single.certStatus;
  const tag =
    status instanceof asn1js.BaseBlock && status.idBlock.tagClass === 3
      ? status.idBlock.tagNumber
      : -1;
  const certStatus = CERT_STATUSES[tag];
  if (certStatus === undefined) {
    return none(responseStatus, "unrecognised CertStatus", signatureValid, producedAt);
  }
  let revocationTime: string | null = null;
  if (certStatus === "revoked" && status instanceof asn1js.Constructed) {
    const [time] = status.valueBlock.value;
    if (time instanceof asn1js.GeneralizedTime) revocationTime = time.toDate().toISOString();
  }
  return {
    responseStatus,
    certStatus,
    reason: null,
    producedAt,
    thisUpdate: single.thisUpdate.toISOString(),
    nextUpdate: single.nextUpdate?.toISOString() ?? null,
    revocationTime,
    signatureValid,
    expired:
      single.nextUpdate === undefined
        ? null
        : single.nextUpdate.getTime() < (options.now ?? new Date()).getTime(),
  };
}
