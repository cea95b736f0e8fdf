/**
 * Policy patterns run under RE2 (re2js): matching is linear in the input whatever the pattern,
 * so no policy — from a preset, a file or an npm package — can stall an evaluation. RE2 has no
 * backreferences or lookaround; a pattern it cannot compile is a policy error at load time.
 */
import { RE2JS } from "re2js";

/** Longer patterns are refused: compiling is linear in the pattern, but the pattern is data. */
export const MAX_PATTERN_LENGTH = 1024;

/** The problem with a pattern, in words, or null when the linear-time engine compiles it. */
export function checkPattern(source: string): string | null {
  if (source.length > MAX_PATTERN_LENGTH) {
    return `pattern is ${source.length} characters long (at most ${MAX_PATTERN_LENGTH})`;
  }
  try {
    RE2JS.compile(source);
    return null;
  } catch (error) {
    return `not a pattern the linear-time engine (RE2) accepts: ${(error as Error).message}`;
  }
}

/** A compiled pattern that searches (like RegExp.prototype.test) in linear time. */
export function compilePattern(source: string): {
  test(text: string): boolean;
  toString(): string;
} {
  // Compiled on first use: the linter has already compiled every pattern once (checkPattern),
  // and a policy's patterns that a report never reaches need no second compilation at start-up.
  let compiled: RE2JS | undefined;
  return {
    test: (text) => (compiled ??= RE2JS.compile(source)).test(text),
    // ajv keys its compiled patterns by toString(): it must name the pattern, or every pattern
    // of a policy would share the first one compiled.
    toString: () => `/${source}/re2`,
  };
}

/**
 * ajv's `code.regExp` engine: every `pattern`, `patternProperties` and `format` regex of a rule
 * schema is compiled with it. ajv passes the "u" flag; RE2 matches code points already.
 */
export const linearRegExp = Object.assign(
  (source: string, _flags: string) => compilePattern(source),
  { code: 'require("re2js").RE2JS.compile' },
);
