/**
 * Early data from the server's own TLS 1.3 tickets: the NewSessionTicket messages it sent after
 * the handshake, decrypted with the key log's application secret (tls13-decrypt.ts), say through
 * their early_data extension whether a ticket allows 0-RTT. This reads the server's bytes, not
 * Node's serialized session, whose format is OpenSSL's internal affair.
 */
import { DecodeError, HANDSHAKE_TYPE, decodeNewSessionTicket } from "../wire/index.js";
import { decryptServerHandshake } from "./tls13-decrypt.js";

/**
 * The largest max_early_data_size of the tickets in the server's bytes (0 when no ticket allows
 * early data); null when no ticket could be read. Never throws for what the server sent.
 */
export function ticketMaxEarlyData(
  serverBytes: Uint8Array,
  cipherName: string,
  keylog: readonly string[],
): number | null {
  const decrypted = decryptServerHandshake(serverBytes, cipherName, keylog);
  if (!decrypted.ok) return null;
  let max: number | null = null;
  for (const message of decrypted.postHandshake) {
    if (message.type !== HANDSHAKE_TYPE.new_session_ticket) continue;
    try {
      const size = decodeNewSessionTicket(message.body).maxEarlyDataSize ?? 0;
      max = Math.max(max ?? 0, size);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
    }
  }
  return max;
}
