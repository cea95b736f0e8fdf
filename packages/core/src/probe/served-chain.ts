/**
 * The served chain, exactly as sent: Node's `getPeerCertificate(true)` gives the chain Node
 * rebuilt (reordered, extra certificates dropped, a root from its own store added), which says
 * nothing of what the server sent. So the full handshake records the server's bytes, and the
 * Certificate message is read from them: in clear for TLS ≤ 1.2, decrypted with the key log's
 * handshake secret for TLS 1.3 (tls13-decrypt.ts).
 */
import {
  DecodeError,
  HANDSHAKE_TYPE,
  ServerFlightDecoder,
  decodeCertificate,
} from "../wire/index.js";
import { decryptServerHandshake } from "./tls13-decrypt.js";

export type ServedChain = { chain: Uint8Array[]; error: null } | { chain: null; error: string };

const NO_CERTIFICATE = "no Certificate message in the server's flight";

/** The DER chain, leaf first, from the server's recorded bytes. Never throws. */
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
        ? { chain: null, error: NO_CERTIFICATE }
        : { chain: flight.certificates, error: null };
    }
    const decrypted = decryptServerHandshake(serverBytes, cipherName, keylog);
    if (!decrypted.ok) return { chain: null, error: `served chain unreadable: ${decrypted.error}` };
    const message = decrypted.messages.find((m) => m.type === HANDSHAKE_TYPE.certificate);
    if (message === undefined) return { chain: null, error: NO_CERTIFICATE };
    const certificate = decodeCertificate(message.body, { tls13: true });
    return { chain: certificate.entries.map((entry) => entry.certificate), error: null };
  } catch (error) {
    if (error instanceof DecodeError) {
      return { chain: null, error: `served chain unreadable: ${error.message}` };
    }
    throw error;
  }
}
