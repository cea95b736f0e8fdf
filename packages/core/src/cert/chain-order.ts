import { isIssuedBy, type ParsedCertificate } from "./parse.js";

/**
 * chainOrder of a report: every served certificate is issued by the one served right after it
 * (RFC 5246 7.4.2 order). A single certificate is in order; an extra or misplaced one is not.
 */
export function checkChainOrder(chain: readonly ParsedCertificate[]): boolean {
  return chain.every((certificate, index) => {
    const next = chain[index + 1];
    return next === undefined || isIssuedBy(certificate.x509, next.x509);
  });
}
