/**
 * MySQL / MariaDB (Protocol::Handshake v10, Protocol::SSLRequest): the server greets with its
 * version and capability flags; a client that wants TLS answers with an SSLRequest packet (the
 * first 32 bytes of a HandshakeResponse41) and starts TLS at once, with no reply to wait for.
 */
import { MAX_PREAMBLE_BYTES, printable, type Preamble, type PreambleStep } from "./preamble.js";

const CLIENT_LONG_PASSWORD = 0x1;
const CLIENT_PROTOCOL_41 = 0x200;
const CLIENT_SSL = 0x800;
const CLIENT_SECURE_CONNECTION = 0x8000;
const UTF8MB4 = 45;

export function encodeSslRequest(sequence: number): Uint8Array {
  const packet = new Uint8Array(4 + 32);
  const view = new DataView(packet.buffer);
  packet[0] = 32; // payload length, 3 bytes little-endian
  packet[3] = sequence;
  view.setUint32(
    4,
    CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SSL | CLIENT_SECURE_CONNECTION,
    true,
  );
  view.setUint32(8, 16 * 1024 * 1024, true);
  packet[12] = UTF8MB4;
  return packet;
}

export function mysqlPreamble(): Preamble {
  let buffer = new Uint8Array(0);
  let banner: string | null = null;
  const fail = (code: "refused" | "protocol", reason: string): PreambleStep => ({
    kind: "failed",
    code,
    message: `starttls/mysql: ${reason} (at handshake)`,
  });
  return {
    protocol: "mysql",
    step: "handshake",
    get banner() {
      return banner;
    },
    start: () => null,
    push(chunk) {
      const joined = new Uint8Array(buffer.length + chunk.length);
      joined.set(buffer);
      joined.set(chunk, buffer.length);
      buffer = joined;
      if (buffer.length < 4) return { kind: "continue", send: null };
      const length =
        (buffer[0] as number) | ((buffer[1] as number) << 8) | ((buffer[2] as number) << 16);
      if (length > MAX_PREAMBLE_BYTES) return fail("protocol", `a greeting of ${length} bytes`);
      if (buffer.length < 4 + length) return { kind: "continue", send: null };
      if (buffer.length > 4 + length) return fail("protocol", "bytes after the greeting");
      const payload = buffer.subarray(4, 4 + length);
      const sequence = buffer[3] as number;
      if (payload[0] === 0xff) {
        const text = new TextDecoder().decode(payload.subarray(3, 300));
        return fail("refused", `error packet ${printable(text)}`);
      }
      if (payload[0] !== 0x0a)
        return fail("protocol", `protocol version ${payload[0] ?? "none"}, not 10`);
      const nul = payload.indexOf(0, 1);
      if (nul < 0 || nul > 256) return fail("protocol", "no server version");
      banner = printable(new TextDecoder().decode(payload.subarray(1, nul)));
      // connection id (4), auth-plugin-data part 1 (8), filler (1), then the lower capability flags.
      const flagsAt = nul + 1 + 4 + 8 + 1;
      if (flagsAt + 2 > payload.length) return fail("protocol", "a truncated greeting");
      const flags = (payload[flagsAt] as number) | ((payload[flagsAt + 1] as number) << 8);
      if ((flags & CLIENT_SSL) === 0)
        return fail("refused", "the server does not offer TLS (no CLIENT_SSL)");
      return { kind: "ready", send: encodeSslRequest((sequence + 1) & 0xff) };
    },
  };
}
