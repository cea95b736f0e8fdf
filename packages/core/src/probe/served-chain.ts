/**
 * The served chain, exactly as sent: Node's `getPeerCertificate(true)` gives the chain Node
 * rebuilt (reordered, extra certificates dropped, a root from its own store added), which says
 * nothing of what the server sent. So the full handshake records the server's bytes, and the
 * Certificate message is read from them: in clear for TLS ≤ 1.2, decrypted with the key log's
 * handshake secret for TLS 1.3 (tls13-decrypt.ts).
 */
import {
  DecodeError,
  EXTENSION_TYPE,
  HANDSHAKE_TYPE,
  ServerFlightDecoder,
  decodeCertificate,
  decodeCertificateStatus,
} from "../wire/index.js";
import { decryptServerHandshake } from "./tls13-decrypt.js";

/**
 * The chain as sent and the OCSP response stapled to it (CertificateStatus in TLS ≤ 1.2, the
 * leaf entry's status_request extension in TLS 1.3): null when the server stapled none.
 */
export type ServedChain =
  | { chain: Uint8Array[]; ocspResponse: Uint8Array | null; error: null }
  | { chain: null; ocspResponse: null; error: string };

const NO_CERTIFICATE = "no Certificate message in the server's flight";
const unreadable = (error: string): ServedChain => ({ chain: null, ocspResponse: null, error });

/** The DER chain, leaf first, and its staple from the server's recorded bytes. Never throws. */
export function recoverServedChain(
  serverBytes: Uint8Array,
  protocol: string,
  cipherName: string,
  keylog: readonly string[],
): ServedChain {
  try {
    if (protocol !== "TLSv1.3") {
      const flight = new ServerFlightDecoder().push(serverBytes);
      return flight.certificates === null
        ? unreadable(NO_CERTIFICATE)
        : {
            chain: flight.certificates,
            ocspResponse: flight.certificateStatus?.ocspResponse ?? null,
            error: null,
          };
    }
    const decrypted = decryptServerHandshake(serverBytes, cipherName, keylog);
    if (!decrypted.ok) return unreadable(`served chain unreadable: ${decrypted.error}`);
    const message = decrypted.messages.find((m) => m.type === HANDSHAKE_TYPE.certificate);
    if (message === undefined) return unreadable(NO_CERTIFICATE);
    const certificate = decodeCertificate(message.body, { tls13: true });
    const staple = certificate.entries[0]?.extensions.find(
      (extension) => extension.type === EXTENSION_TYPE.status_request,
    );
    return {
      chain: certificate.entries.map((entry) => entry.certificate),
      // RFC 8446 4.4.2.1: the extension's body is a CertificateStatus.
      ocspResponse: staple === undefined ? null : decodeCertificateStatus(staple.data).ocspResponse,
      error: null,
    };
  } catch (error) {
    if (error instanceof DecodeError)
      return unreadable(`served chain unreadable: ${error.message}`);
    throw error;
  }
}
