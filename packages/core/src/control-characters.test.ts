import { describe, expect, it } from "vitest";
import { escapeControlCharacters } from "./control-characters.js";

describe("escapeControlCharacters", () => {
  it("escapes C0, DEL and C1 as \\xNN and leaves other text alone", () => {
    expect(escapeControlCharacters("a\nb\r\t\0\u001b[2K\u007f\u0085\u009f")).toBe(
      "a\\x0ab\\x0d\\x09\\x00\\x1b[2K\\x7f\\x85\\x9f",
    );
    expect(escapeControlCharacters("CN=é ü 漢 \u00a0 \\ ::x")).toBe("CN=é ü 漢 \u00a0 \\ ::x");
  });
});
