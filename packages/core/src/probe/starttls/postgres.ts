/**
 * PostgreSQL (protocol 3, "SSL Session Encryption"): SSLRequest, one byte back: 'S' to go on with
 * TLS, 'N' to refuse; an old server may answer with an ErrorResponse ('E').
 */
import { printable, type Preamble } from "./preamble.js";

/** Int32 length 8, Int32 80877103. */
export const SSL_REQUEST = Uint8Array.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

export function postgresPreamble(): Preamble {
  const fail = (code: "refused" | "protocol", reason: string) =>
    ({ kind: "failed", code, message: `starttls/postgres: ${reason} (at SSLRequest)` }) as const;
  return {
    protocol: "postgres",
    step: "SSLRequest",
    banner: null,
    start: () => SSL_REQUEST,
    push(chunk) {
      const answer = chunk[0];
      if (answer === 0x53) {
        // CVE-2021-23214: bytes after 'S' were injected before the handshake.
        if (chunk.length > 1)
          return fail("protocol", "bytes after the STARTTLS go-ahead (injection guard)");
        return { kind: "ready", send: null };
      }
      if (answer === 0x4e) return fail("refused", "N (the server does not accept TLS)");
      if (answer === 0x45) {
        const text = new TextDecoder().decode(chunk.subarray(5, 300)).replace(/\0/g, " ");
        return fail("refused", `ErrorResponse ${printable(text)}`);
      }
      return fail("protocol", `unexpected byte 0x${(answer ?? 0).toString(16)}`);
    },
  };
}
