import { createHmac } from "node:crypto";

import { describe, expect, it } from "vitest";

import { toHex } from "./bytes.js";
import { encodeHkdfLabel } from "./hkdf-label.js";

/** HKDF-Expand for one block, as a prober does it with node:crypto. */
function expand(secret: string, info: Uint8Array, length: number): string {
  return createHmac("sha256", Buffer.from(secret, "hex"))
    .update(new Uint8Array([...info, 1]))
    .digest("hex")
    .slice(0, 2 * length);
}

describe("encodeHkdfLabel", () => {
  it("lays out length, the prefixed label and the context", () => {
    expect(toHex(encodeHkdfLabel(16, "key"))).toBe(
      "0010" + "09" + "746c73313320" + "6b6579" + "00",
    );
    expect(toHex(encodeHkdfLabel(32, "iv", Uint8Array.of(0xaa, 0xbb)))).toBe(
      "0020" + "08" + "746c73313320" + "6976" + "02aabb",
    );
  });

  it("derives RFC 8448's server handshake key and IV from its secret", () => {
    const secret = "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38";
    expect(expand(secret, encodeHkdfLabel(16, "key"), 16)).toBe("3fce516009c21727d0f2e4e86ee403bc");
    expect(expand(secret, encodeHkdfLabel(12, "iv"), 12)).toBe("5d313eb2671276ee13000b30");
  });

  it.each([
    ["a non-ASCII label", 16, "clé", /HkdfLabel.label/],
    ["a label over 255 bytes", 16, "x".repeat(250), /HkdfLabel.label: 256 bytes/],
    ["a length over 16 bits", 65536, "key", /HkdfLabel.length/],
  ])("refuses %s", (_name, length, label, message) => {
    expect(() => encodeHkdfLabel(length, label)).toThrow(message);
  });
});
