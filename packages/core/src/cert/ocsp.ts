import { createHash } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { decodeDer, hex, toBytes } from "./der.js";
import { CertificateError } from "./errors.js";
import { serialHex, type ParsedCertificate } from "./parse.js";

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

export interface OcspStatus {
  responseStatus: OcspResponseStatus | "unknown";
  /** CertStatus of the SingleResponse about the leaf; null when there is none (see `reason`). */
  certStatus: (typeof CERT_STATUSES)[number] | null;
  reason: string | null;
  thisUpdate: string | null;
  nextUpdate: string | null;
  revocationTime: string | null;
}

/**
 * Reads a stapled OCSP response: the CertStatus of the SingleResponse whose CertID names `leaf`
 * (same serial and, with the CertID's hash, the same issuer name). The responder's signature is
 * not verified: this reports what the server staples, not whether a client would accept it.
 * Throws CertificateError("ocsp") when the bytes are not an OCSP response.
 */
export function decodeOcspResponse(der: Uint8Array, leaf: ParsedCertificate): OcspStatus {
  const none = (responseStatus: OcspStatus["responseStatus"], reason: string): OcspStatus => ({
    responseStatus,
    certStatus: null,
    reason,
    thisUpdate: null,
    nextUpdate: null,
    revocationTime: null,
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

  const single = basic.tbsResponseData.responses.find((candidate) => {
    const certId = candidate.certID;
    if (serialHex(certId.serialNumber.valueBlock.valueHexView) !== leaf.serial) return false;
    const hash = HASH_BY_OID[certId.hashAlgorithm.algorithmId];
    if (hash === undefined) return true; // cannot check the issuer hash: the serial must do
    const expected = createHash(hash).update(leaf.issuerNameDer).digest("hex");
    return hex(toBytes(certId.issuerNameHash.valueBlock.valueHexView)) === expected;
  });
  if (single === undefined)
    return none(responseStatus, "no SingleResponse for the leaf certificate");
  const status: unknown = single.certStatus;
  const tag =
    status instanceof asn1js.BaseBlock && status.idBlock.tagClass === 3
      ? status.idBlock.tagNumber
      : -1;
  const certStatus = CERT_STATUSES[tag];
  if (certStatus === undefined) return none(responseStatus, "unrecognised CertStatus");
  let revocationTime: string | null = null;
  if (certStatus === "revoked" && status instanceof asn1js.Constructed) {
    const [time] = status.valueBlock.value;
    if (time instanceof asn1js.GeneralizedTime) revocationTime = time.toDate().toISOString();
  }
  return {
    responseStatus,
    certStatus,
    reason: null,
    thisUpdate: single.thisUpdate.toISOString(),
    nextUpdate: single.nextUpdate?.toISOString() ?? null,
    revocationTime,
  };
}
