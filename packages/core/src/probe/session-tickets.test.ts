import { createCipheriv, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  CONTENT_TYPE,
  HANDSHAKE_TYPE,
  concatBytes,
  encodeHandshake,
  encodeHkdfLabel,
  encodeNewSessionTicket,
  encodeRecord,
  encodeTlsInnerPlaintext,
  tls13Nonce,
} from "../wire/index.js";
import { ticketMaxEarlyData } from "./session-tickets.js";

const HANDSHAKE_SECRET = "11".repeat(32);
const APPLICATION_SECRET = "22".repeat(32);
const KEYLOG = [
  `SERVER_HANDSHAKE_TRAFFIC_SECRET ${"00".repeat(32)} ${HANDSHAKE_SECRET}`,
  `SERVER_TRAFFIC_SECRET_0 ${"00".repeat(32)} ${APPLICATION_SECRET}`,
];
const SUITE = "TLS_AES_128_GCM_SHA256";

/** HKDF-Expand-Label for one SHA-256 block: the record key and IV of a traffic secret. */
const expand = (secret: string, label: string, length: number) =>
  createHmac("sha256", Buffer.from(secret, "hex"))
    .update(new Uint8Array([...encodeHkdfLabel(length, label), 1]))
    .digest()
    .subarray(0, length);

/** Protected records under one secret, sequence numbers from 0. */
function sealer(secret: string) {
  const key = expand(secret, "key", 16);
  const iv = expand(secret, "iv", 12);
  let sequence = 0;
  return (content: Uint8Array) => {
    const inner = encodeTlsInnerPlaintext(CONTENT_TYPE.handshake, content);
    const header = Uint8Array.of(23, 3, 3, (inner.length + 16) >> 8, (inner.length + 16) & 0xff);
    const cipher = createCipheriv("aes-128-gcm", key, tls13Nonce(iv, sequence++));
    cipher.setAAD(header);
    return concatBytes([header, cipher.update(inner), cipher.final(), cipher.getAuthTag()]);
  };
}

const ticket = (maxEarlyDataSize: number | null) =>
  encodeHandshake(
    HANDSHAKE_TYPE.new_session_ticket,
    encodeNewSessionTicket({
      ticketLifetime: 7200,
      ticketAgeAdd: 1,
      ticketNonce: Uint8Array.of(0),
      ticket: Uint8Array.of(1, 2, 3),
      maxEarlyDataSize,
    }),
  );

/** A server's bytes: the encrypted handshake up to Finished, then these post-handshake messages. */
function serverBytes(...afterFinished: Uint8Array[]): Uint8Array {
  const handshake = sealer(HANDSHAKE_SECRET);
  const application = sealer(APPLICATION_SECRET);
  return concatBytes([
    encodeRecord(CONTENT_TYPE.change_cipher_spec, 0x0303, Uint8Array.of(1)),
    handshake(encodeHandshake(HANDSHAKE_TYPE.encrypted_extensions, Uint8Array.of(0, 0))),
    handshake(encodeHandshake(HANDSHAKE_TYPE.finished, new Uint8Array(32))),
    ...afterFinished.map((message) => application(message)),
  ]);
}

describe("ticketMaxEarlyData", () => {
  it("reads the largest max_early_data_size of the tickets after the Finished", () => {
    expect(ticketMaxEarlyData(serverBytes(ticket(null), ticket(16384)), SUITE, KEYLOG)).toBe(16384);
  });

  it("is 0 when the tickets allow no early data", () => {
    expect(ticketMaxEarlyData(serverBytes(ticket(null), ticket(0)), SUITE, KEYLOG)).toBe(0);
  });

  it("is null without a readable ticket", () => {
    // No ticket sent.
    expect(ticketMaxEarlyData(serverBytes(), SUITE, KEYLOG)).toBeNull();
    // No application secret in the key log: the tickets cannot be opened.
    expect(ticketMaxEarlyData(serverBytes(ticket(16384)), SUITE, KEYLOG.slice(0, 1))).toBeNull();
    // A malformed ticket is skipped, not thrown.
    const broken = encodeHandshake(HANDSHAKE_TYPE.new_session_ticket, Uint8Array.of(0, 0));
    expect(ticketMaxEarlyData(serverBytes(broken), SUITE, KEYLOG)).toBeNull();
    expect(ticketMaxEarlyData(serverBytes(broken, ticket(1024)), SUITE, KEYLOG)).toBe(1024);
  });

  it("keeps the tickets read before a record it cannot open", () => {
    const unreadable = encodeRecord(CONTENT_TYPE.application_data, 0x0303, new Uint8Array(40));
    const bytes = concatBytes([serverBytes(ticket(1024)), unreadable, serverBytes(ticket(4096))]);
    expect(ticketMaxEarlyData(bytes, SUITE, KEYLOG)).toBe(1024);
  });
});
