/** Alert (RFC 8446 6, RFC 5246 7.2): how a server says no. */
import { ByteReader } from "./bytes.js";
import { alertName } from "./constants.js";
import type { AlertName } from "./constants.js";

export interface Alert {
  /** 1 warning, 2 fatal (other values decode as they are). */
  readonly level: number;
  readonly description: number;
  /** The RFC name, e.g. "handshake_failure", or "unknown(N)". */
  readonly name: AlertName | `unknown(${number})`;
}

/** Decodes one alert: exactly two bytes. */
export function decodeAlert(payload: Uint8Array): Alert {
  const r = new ByteReader(payload);
  const level = r.u8("Alert.level");
  const description = r.u8("Alert.description");
  r.expectEnd("Alert");
  return { level, description, name: alertName(description) };
}

export function encodeAlert(level: number, description: number): Uint8Array {
  return Uint8Array.of(level & 0xff, description & 0xff);
}
