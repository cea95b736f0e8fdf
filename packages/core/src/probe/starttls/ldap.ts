/**
 * LDAP StartTLS (RFC 4511 4.14): an ExtendedRequest with the StartTLS OID; the ExtendedResponse's
 * resultCode 0 is the go-ahead. The BER reader is bounded: definite lengths only, at most 4
 * length bytes, nothing read past the message.
 */
import {
  MAX_PREAMBLE_BYTES,
  encodeAscii,
  printable,
  type Preamble,
  type PreambleFailureCode,
  type PreambleStep,
} from "./preamble.js";

const START_TLS_OID = "1.3.6.1.4.1.1466.20037";
const MESSAGE_ID = 1;

/** LDAPMessage { messageID 1, [APPLICATION 23] { [0] requestName } }. */
export function encodeStartTlsRequest(): Uint8Array {
  const oid = encodeAscii(START_TLS_OID);
  const name = [0x80, oid.length, ...oid];
  const request = [0x77, name.length, ...name];
  const body = [0x02, 0x01, MESSAGE_ID, ...request];
  return Uint8Array.from([0x30, body.length, ...body]);
}

const RESULT_NAMES: Readonly<Record<number, string>> = {
  1: "operationsError",
  2: "protocolError",
  52: "unavailable",
  53: "unwillingToPerform",
};

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

/** One TLV at `offset` within `end`; null when incomplete; a string when malformed. */
function readTlv(bytes: Uint8Array, offset: number, end: number): Tlv | null | string {
  if (offset + 2 > end) return null;
  const tag = bytes[offset] as number;
  let length = bytes[offset + 1] as number;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) return `unsupported BER length form 0x${length.toString(16)}`;
    if (start + count > end) return null;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[start + i] as number);
    start += count;
  }
  if (length > MAX_PREAMBLE_BYTES) return `a BER element of ${length} bytes`;
  if (start + length > end) return null;
  return { tag, start, end: start + length };
}

export function ldapPreamble(): Preamble {
  let buffer = new Uint8Array(0);
  const fail = (code: PreambleFailureCode, reason: string): PreambleStep => ({
    kind: "failed",
    code,
    message: `starttls/ldap: ${reason} (at StartTLS)`,
  });
  return {
    protocol: "ldap",
    step: "StartTLS",
    banner: null,
    start: encodeStartTlsRequest,
    push(chunk) {
      const joined = new Uint8Array(buffer.length + chunk.length);
      joined.set(buffer);
      joined.set(chunk, buffer.length);
      buffer = joined;
      if (buffer.length > MAX_PREAMBLE_BYTES) return fail("protocol", "an overlong reply");
      if (buffer[0] !== 0x30)
        return fail("protocol", `not an LDAP message (0x${(buffer[0] ?? 0).toString(16)})`);
      const message = readTlv(buffer, 0, buffer.length);
      if (message === null) return { kind: "continue", send: null };
      if (typeof message === "string") return fail("protocol", message);
      const id = readTlv(buffer, message.start, message.end);
      if (typeof id === "string" || id === null || id.tag !== 0x02)
        return fail("protocol", "no messageID");
      const op = readTlv(buffer, id.end, message.end);
      // A Notice of Disconnection (messageID 0, ExtendedResponse) is a refusal too.
      if (typeof op === "string" || op === null || op.tag !== 0x78) {
        return fail("protocol", "no ExtendedResponse");
      }
      const result = readTlv(buffer, op.start, op.end);
      if (
        typeof result === "string" ||
        result === null ||
        result.tag !== 0x0a ||
        result.end - result.start !== 1
      ) {
        return fail("protocol", "no resultCode");
      }
      const code = buffer[result.start] as number;
      // The go-ahead answers our request; a Notice of Disconnection (messageID 0) or another
      // message's response does not, whatever its resultCode.
      const ours = id.end - id.start === 1 && buffer[id.start] === MESSAGE_ID;
      if (code === 0 && !ours) return fail("protocol", "an ExtendedResponse to another message");
      if (code !== 0) {
        const matched = readTlv(buffer, result.end, op.end);
        const diagnostic =
          matched !== null && typeof matched !== "string"
            ? readTlv(buffer, matched.end, op.end)
            : null;
        const text =
          diagnostic !== null && typeof diagnostic !== "string"
            ? printable(new TextDecoder().decode(buffer.subarray(diagnostic.start, diagnostic.end)))
            : "";
        const name = RESULT_NAMES[code] ?? "error";
        return fail("refused", `resultCode ${code} (${name})${text === "" ? "" : `: ${text}`}`);
      }
      if (message.end < buffer.length) {
        return fail("protocol", "bytes after the STARTTLS go-ahead (injection guard)");
      }
      return { kind: "ready", send: null };
    },
  };
}
