/**
 * Refuses regular expressions that could backtrack catastrophically. Policies are data from
 * wherever `extends` points, and ajv runs `pattern` with the JavaScript engine's backtracking
 * matcher, so a pattern is accepted only when it is provably tame by these rules:
 *
 * 1. At most MAX_PATTERN_LENGTH characters, and it compiles with the `u` flag (as ajv runs it).
 * 2. No backreferences (`\1`, `\k<name>`): they make matching NP-hard.
 * 3. No nested variable repetition: a group repeated more than once (`*`, `+`, `{2}`, `{1,5}`…)
 *    may not contain a quantifier whose count varies (`?`, `*`, `+`, `{1,3}`…), unless the group
 *    starts with a literal character that nothing under such a quantifier can match, so that
 *    every repetition is delimited: `(-[a-z0-9]+)*` is fine. This refuses `(a+)+`, `(a*)*`,
 *    `(a?a?)+`, `(\d+\.){3}`; write `\d+\.\d+\.\d+` or a flat class instead. Fixed counts nest
 *    freely: `([0-9A-F]{2}:){31}`.
 * 4. An alternation inside a group repeated more than once must list plain literal strings
 *    none of which is a prefix of another (`(TLS|SSL)+` is fine; `(a|a)*`, `(a|ab)*` and
 *    `(a|[a-z])*` are refused): then every input has at most one way through the loop.
 * 5. At most MAX_UNBOUNDED_QUANTIFIERS unbounded quantifiers (`*`, `+`, `{n,}`, or a maximum
 *    above 32) in the whole pattern, which bounds the polynomial blow-up of `.*a.*b.*c`.
 */

export const MAX_PATTERN_LENGTH = 256;
export const MAX_UNBOUNDED_QUANTIFIERS = 3;
const LARGE_COUNT = 32;

interface Quantifier {
  min: number;
  max: number;
}

interface Atom {
  kind: "atom";
  /** The atom's source text, to test which characters it matches. */
  source: string;
  /** The literal character this atom matches, when it matches exactly one. */
  literal: string | null;
  quantifier: Quantifier | null;
}

interface Group {
  kind: "group";
  alternatives: Term[][];
  quantifier: Quantifier | null;
}

type Term = Atom | Group;

class Unsafe extends Error {}

const SYNTAX = new Set(["^", "$", "\\", ".", "*", "+", "?", "(", ")", "[", "]", "{", "}", "|"]);

function parse(source: string): Group {
  const root: Group = { kind: "group", alternatives: [[]], quantifier: null };
  const stack: Group[] = [root];
  let i = 0;
  const current = (): Term[] => {
    const group = stack[stack.length - 1] as Group;
    return group.alternatives[group.alternatives.length - 1] as Term[];
  };
  while (i < source.length) {
    const c = source[i] as string;
    if (c === "\\") {
      const e = source[i + 1] ?? "";
      if (/[1-9]/.test(e) || e === "k") {
        throw new Unsafe("backreferences are not allowed");
      }
      let length = 2;
      if (e === "u" && source[i + 2] === "{") length = source.indexOf("}", i) - i + 1;
      else if (e === "u") length = 6;
      else if (e === "x") length = 4;
      else if (e === "c") length = 3;
      else if ((e === "p" || e === "P") && source[i + 2] === "{") {
        length = source.indexOf("}", i) - i + 1;
      }
      const literal = SYNTAX.has(e) || e === "/" || e === "-" ? e : null;
      length = Math.max(length, 2);
      current().push({
        kind: "atom",
        source: source.slice(i, i + length),
        literal,
        quantifier: null,
      });
      i += length;
      continue;
    }
    if (c === "[") {
      let j = i + 1;
      if (source[j] === "^") j++;
      while (j < source.length && source[j] !== "]") j += source[j] === "\\" ? 2 : 1;
      current().push({
        kind: "atom",
        source: source.slice(i, j + 1),
        literal: null,
        quantifier: null,
      });
      i = j + 1;
      continue;
    }
    if (c === "(") {
      const group: Group = { kind: "group", alternatives: [[]], quantifier: null };
      current().push(group);
      stack.push(group);
      if (source.startsWith("(?<=", i) || source.startsWith("(?<!", i)) i += 4;
      else if (source.startsWith("(?<", i)) i = source.indexOf(">", i) + 1;
      else if (source[i + 1] === "?") i += 3;
      else i += 1;
      continue;
    }
    if (c === ")") {
      stack.pop();
      i++;
      continue;
    }
    if (c === "|") {
      (stack[stack.length - 1] as Group).alternatives.push([]);
      i++;
      continue;
    }
    const braces = c === "{" ? /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i)) : null;
    if (c === "*" || c === "+" || c === "?" || braces !== null) {
      const terms = current();
      const last = terms[terms.length - 1];
      let quantifier: Quantifier;
      if (braces !== null) {
        const min = Number(braces[1]);
        const max = braces[2] === undefined ? min : braces[3] === "" ? Infinity : Number(braces[3]);
        quantifier = { min, max };
        i += braces[0].length;
      } else {
        quantifier = { min: c === "+" ? 1 : 0, max: c === "?" ? 1 : Infinity };
        i++;
      }
      if (source[i] === "?") i++; // lazy: the same search space
      if (last !== undefined) last.quantifier = quantifier;
      continue;
    }
    const literal = c === "." || c === "^" || c === "$" ? null : c;
    current().push({ kind: "atom", source: c, literal, quantifier: null });
    i++;
  }
  return root;
}

const variable = (q: Quantifier | null): boolean => q !== null && q.max > q.min;
const repeating = (q: Quantifier | null): boolean => q !== null && q.max > 1;
const unbounded = (q: Quantifier | null): boolean => q !== null && q.max > LARGE_COUNT;

function containsVariable(terms: readonly Term[]): boolean {
  return terms.some(
    (t) =>
      variable(t.quantifier) ||
      (t.kind === "group" && t.alternatives.some((alternative) => containsVariable(alternative))),
  );
}

/** Atoms under a variable quantifier, at any depth. */
function variableAtoms(terms: readonly Term[], under = false): Atom[] {
  return terms.flatMap((t) => {
    const inside = under || variable(t.quantifier);
    if (t.kind === "atom") return inside ? [t] : [];
    return t.alternatives.flatMap((alternative) => variableAtoms(alternative, inside));
  });
}

/** Whether every repetition of a group starts with a literal its variable parts cannot match. */
function delimited(group: Group): boolean {
  const body = group.alternatives[0];
  const first = body?.[0];
  if (group.alternatives.length !== 1 || body === undefined || first === undefined) return false;
  if (first.kind !== "atom" || first.literal === null || first.quantifier !== null) return false;
  const delimiter = first.literal;
  return variableAtoms(body).every(
    (atom) => !new RegExp(`^(?:${atom.source})$`, "u").test(delimiter),
  );
}

/** The literal string an alternative matches, or null when it is not a plain literal. */
function literalOf(terms: readonly Term[]): string | null {
  let text = "";
  for (const t of terms) {
    if (t.kind !== "atom" || t.literal === null || t.quantifier !== null) return null;
    text += t.literal;
  }
  return text;
}

function check(group: Group, counter: { unbounded: number }, inRepeat: boolean): void {
  if (unbounded(group.quantifier)) counter.unbounded++;
  const repeated = inRepeat || repeating(group.quantifier);
  if (
    repeating(group.quantifier) &&
    group.alternatives.some((a) => containsVariable(a)) &&
    !delimited(group)
  ) {
    throw new Unsafe("a repeated group contains a variable quantifier (nested quantifiers)");
  }
  if (repeated && group.alternatives.length > 1) {
    const literals = group.alternatives.map(literalOf);
    if (literals.some((l) => l === null)) {
      throw new Unsafe("a repeated group contains an alternation of non-literal alternatives");
    }
    const words = literals as string[];
    words.forEach((a, x) =>
      words.forEach((b, y) => {
        if (x !== y && b.startsWith(a)) {
          throw new Unsafe(
            `a repeated group contains overlapping alternatives (${JSON.stringify(a)}, ${JSON.stringify(b)})`,
          );
        }
      }),
    );
  }
  for (const alternative of group.alternatives) {
    for (const term of alternative) {
      if (term.kind === "group") check(term, counter, repeated);
      else if (unbounded(term.quantifier)) counter.unbounded++;
    }
  }
}

/** Why a pattern is refused, or null when it is safe to run. */
export function checkPattern(source: string): string | null {
  if (source.length > MAX_PATTERN_LENGTH) {
    return `pattern is ${source.length} characters long (at most ${MAX_PATTERN_LENGTH})`;
  }
  try {
    new RegExp(source, "u");
  } catch (error) {
    return `not a valid regular expression: ${(error as Error).message}`;
  }
  try {
    const counter = { unbounded: 0 };
    check(parse(source), counter, false);
    if (counter.unbounded > MAX_UNBOUNDED_QUANTIFIERS) {
      return `pattern has ${counter.unbounded} unbounded quantifiers (at most ${MAX_UNBOUNDED_QUANTIFIERS})`;
    }
  } catch (error) {
    if (error instanceof Unsafe)
      return `pattern could backtrack catastrophically: ${error.message}`;
    throw error;
  }
  return null;
}
