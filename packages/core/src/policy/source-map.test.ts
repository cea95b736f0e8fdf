import { describe, expect, it } from "vitest";
import { escapePointerSegment, parseJsonWithPositions, SourceSyntaxError } from "./source-map.js";

describe("parseJsonWithPositions", () => {
  it("reads what JSON.parse reads, escapes and __proto__ keys included", () => {
    const text = [
      "{",
      '  "plain": "no escape here",',
      '  "escaped": "tab\\t, quote \\", slash \\/, \\u00e9 and \\\\",',
      '  "__proto__": { "polluted": true },',
      '  "a/b~c": [1, -2.5e3, true, null, "x"]',
      "}",
    ].join("\n");
    const { value, locate } = parseJsonWithPositions(text);
    expect(value).toEqual(JSON.parse(text));
    const object = value as Record<string, unknown>;
    expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
    expect(Object.keys(object)).toEqual(["plain", "escaped", "__proto__", "a/b~c"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(locate("/escaped")).toEqual({ line: 3, column: 3 });
    expect(locate(`/${escapePointerSegment("a/b~c")}/4`)).toEqual({ line: 5, column: 36 });
    expect(escapePointerSegment("a/b~c")).toBe("a~1b~0c");
  });

  it("refuses a bad escape and a control character with their position", () => {
    expect(() => parseJsonWithPositions('{"a": "\\x"}')).toThrow(SourceSyntaxError);
    expect(() => parseJsonWithPositions('{\n "a": "x\ty"}')).toThrowError(
      expect.objectContaining({ position: { line: 2, column: 9 } }),
    );
  });
});
