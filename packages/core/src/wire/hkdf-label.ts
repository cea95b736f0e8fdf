/**
 * HkdfLabel (RFC 8446 7.1): the `info` of HKDF-Expand-Label, which derives a record key and IV
 * from a traffic secret. Only the structure lives here; the HMAC is the caller's.
 */
import { ByteWriter } from "./bytes.js";
import { EncodeError } from "./errors.js";

/** `struct { uint16 length; opaque label<7..255> = "tls13 " + label; opaque context<0..255>; }` */
export function encodeHkdfLabel(
  length: number,
  label: string,
  context: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const full = `tls13 ${label}`;
  const bytes = new Uint8Array(full.length);
  for (let i = 0; i < full.length; i++) {
    const code = full.charCodeAt(i);
    if (code > 0x7e || code < 0x20) {
      throw new EncodeError(
        "invalid",
        "HkdfLabel.label",
        `character ${code} is not printable ASCII`,
      );
    }
    bytes[i] = code;
  }
  if (bytes.length > 255) {
    throw new EncodeError("too-large", "HkdfLabel.label", `${bytes.length} bytes exceed 255`);
  }
  return new ByteWriter()
    .u16(length, "HkdfLabel.length")
    .lengthPrefixed(1, (w) => w.bytes(bytes), "HkdfLabel.label")
    .lengthPrefixed(1, (w) => w.bytes(context), "HkdfLabel.context")
    .finish();
}
