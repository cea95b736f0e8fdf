/**
 * Target globs of waivers: `*` any text (dots and colons too), `?` one character, everything
 * else literal. Compiled to an anchored RE2 pattern, so matching is linear whatever the glob.
 */
import { compilePattern } from "./linear-pattern.js";

export interface Glob {
  readonly source: string;
  test(text: string): boolean;
}

const SPECIAL = /[\\^$.|+()[\]{}]/g;

export function compileGlob(glob: string): Glob {
  const body = glob
    .replace(SPECIAL, (c) => `\\${c}`)
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  const pattern = compilePattern(`^(?s:${body})$`);
  return { source: glob, test: (text) => pattern.test(text) };
}
