/**
 * Positions in policy source text: a JSON reader that records where every value (and every
 * object key) starts, and the shared line:column arithmetic. JSON.parse reports neither a
 * position that is the same on every Node version nor where a valid value sits, and both are
 * needed to point at the line of a policy error.
 */

import { TlsgateError } from "../errors.js";

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
}

/** Finds the source position of a JSON pointer: the key of an object member, else the value. */
export type Locate = (pointer: string) => Position | null;

/** Malformed JSON, with where; the policy loader turns it into a PolicyError of code "parse". */
export class SourceSyntaxError extends TlsgateError<"json-syntax"> {
  override readonly name = "SourceSyntaxError" as const;
  constructor(
    message: string,
    readonly position: Position,
  ) {
    super("json-syntax", message);
  }
}

/** Line starts of a text, for offset → line:column. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

export function positionAt(starts: readonly number[], offset: number): Position {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
}

export function escapePointerSegment(segment: string): string {
  if (!segment.includes("~") && !segment.includes("/")) return segment;
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

export function joinPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${escapePointerSegment(String(s))}`).join("");
}

/** The parent pointer ("" for a top-level member); undefined for the root. */
export function parentPointer(pointer: string): string | undefined {
  if (pointer === "") return undefined;
  return pointer.slice(0, pointer.lastIndexOf("/"));
}

/** Position of a pointer, or of its nearest ancestor that exists in the source. */
export function positionOf(locate: Locate, pointer: string): Position | null {
  let at: string | undefined = pointer;
  while (at !== undefined) {
    const position = locate(at);
    if (position !== null) return position;
    at = parentPointer(at);
  }
  return null;
}

interface Entry {
  key?: number;
  value: number;
}

/**
 * Parses strict JSON (RFC 8259; a leading BOM is skipped; duplicate keys are refused) and
 * records the offset of every value and member key. Throws SourceSyntaxError with a position.
 */
export function parseJsonWithPositions(text: string): { value: unknown; locate: Locate } {
  const entries = new Map<string, Entry>();
  const starts = lineStarts(text);
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const fail = (message: string, at = i): never => {
    throw new SourceSyntaxError(message, positionAt(starts, Math.min(at, text.length)));
  };
  const describeChar = (at: number): string =>
    at >= text.length ? "end of input" : `character ${JSON.stringify(text[at])}`;
  const skip = (): void => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else return;
    }
  };
  const readString = (): string => {
    const start = i;
    let escaped = false;
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail("unterminated string", start);
      const c = text.charCodeAt(i);
      if (c === 34) break;
      if (c < 0x20) fail("control character in string (escape it)");
      if (c === 92) {
        escaped = true;
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail("invalid \\u escape");
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail("invalid escape in string");
      } else i++;
    }
    i++; // closing quote
    // Most strings have no escape: their text is the string (JSON.parse per string is slow).
    return escaped ? (JSON.parse(text.slice(start, i)) as string) : text.slice(start + 1, i - 1);
  };
  const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
  const readValue = (pointer: string, key?: number): unknown => {
    skip();
    const at = i;
    entries.set(pointer, key === undefined ? { value: at } : { key, value: at });
    const c = text[i];
    if (c === "{") {
      i++;
      const object: Record<string, unknown> = {};
      skip();
      if (text[i] === "}") {
        i++;
        return object;
      }
      for (;;) {
        skip();
        if (text[i] !== '"')
          fail(`expected a property name in double quotes, found ${describeChar(i)}`);
        const keyAt = i;
        const name = readString();
        if (Object.prototype.hasOwnProperty.call(object, name)) {
          fail(`duplicate key ${JSON.stringify(name)}`, keyAt);
        }
        skip();
        if (text[i] !== ":") fail(`expected ':' after a property name, found ${describeChar(i)}`);
        i++;
        const member = readValue(`${pointer}/${escapePointerSegment(name)}`, keyAt);
        // "__proto__" as an own property, as JSON.parse makes it (assigning it sets the prototype).
        if (name === "__proto__") {
          Object.defineProperty(object, name, {
            value: member,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        } else object[name] = member;
        skip();
        if (text[i] === ",") {
          i++;
          skip();
          if (text[i] === "}") fail("trailing comma before '}'");
          continue;
        }
        if (text[i] === "}") {
          i++;
          return object;
        }
        fail(`expected ',' or '}', found ${describeChar(i)}`);
      }
    }
    if (c === "[") {
      i++;
      const array: unknown[] = [];
      skip();
      if (text[i] === "]") {
        i++;
        return array;
      }
      for (;;) {
        array.push(readValue(`${pointer}/${array.length}`));
        skip();
        if (text[i] === ",") {
          i++;
          skip();
          if (text[i] === "]") fail("trailing comma before ']'");
          continue;
        }
        if (text[i] === "]") {
          i++;
          return array;
        }
        fail(`expected ',' or ']', found ${describeChar(i)}`);
      }
    }
    if (c === '"') return readString();
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = i;
    const match = NUMBER.exec(text);
    if (match !== null) {
      i += match[0].length;
      return Number(match[0]);
    }
    return fail(`unexpected ${describeChar(i)}`);
  };

  const value = readValue("");
  skip();
  if (i < text.length) fail(`unexpected ${describeChar(i)} after the end of the document`);
  const locate: Locate = (pointer) => {
    const entry = entries.get(pointer);
    return entry === undefined ? null : positionAt(starts, entry.key ?? entry.value);
  };
  return { value, locate };
}
