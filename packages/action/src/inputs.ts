import { FAIL_ON, type FailOn } from "@tlsgate/core";

/** A `shard: i/n` input: this job scans the i-th of n deterministic slices (1-based). */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Splits the multiline `targets` input: one target per line, blank lines and `#` comments
 * ignored, surrounding whitespace trimmed, duplicates dropped (first occurrence kept).
 */
export function parseTargetsInput(text: string): string[] {
  const seen = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const target = line.replace(/\s#.*$/, "").trim();
    if (target === "" || target.startsWith("#")) continue;
    seen.add(target);
  }
  return [...seen];
}

/** Parses `i/n` with 1 <= i <= n; throws a RangeError naming the input otherwise. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index < 1 || index > count) {
    throw new RangeError(`shard must look like "i/n" with 1 <= i <= n, got "${text}"`);
  }
  return { index, count };
}

/**
 * The targets of one shard. Targets are assigned round-robin after sorting, so the split does
 * not depend on the order of the input and every target lands in exactly one shard.
 */
export function selectShard(targets: readonly string[], shard: Shard): string[] {
  return [...targets].sort().filter((_, position) => position % shard.count === shard.index - 1);
}

/** Every input of action.yml, read and checked; empty inputs are null (defaults apply later). */
export interface ActionInputs {
  targets: string[];
  targetsFile: string | null;
  config: string | null;
  policy: string | null;
  failOn: FailOn | null;
  reportFile: string | null;
  sarifFile: string | null;
  comment: boolean;
  githubToken: string;
  caFiles: string[];
  timeoutMs: number | null;
  concurrency: number | null;
  shard: Shard | null;
}

/** An input with a value the action cannot use. */
export class InputError extends Error {
  override readonly name = "InputError" as const;
  /** The input's name as in action.yml, e.g. "fail-on". */
  readonly input: string;

  constructor(input: string, message: string, options?: { cause?: unknown }) {
    super(`input ${input}: ${message}`, options);
    this.input = input;
  }
}

interface InputReader {
  getInput(name: string): string;
  getBooleanInput(name: string): boolean;
}

export function readInputs(core: InputReader): ActionInputs {
  const text = (name: string): string | null => {
    const value = core.getInput(name).trim();
    return value === "" ? null : value;
  };
  const failOn = text("fail-on");
  if (failOn !== null && !(FAIL_ON as readonly string[]).includes(failOn)) {
    throw new InputError("fail-on", `expected one of ${FAIL_ON.join(", ")}, got "${failOn}"`);
  }
  const shard = text("shard");
  let comment: boolean;
  try {
    comment = text("comment") === null ? false : core.getBooleanInput("comment");
  } catch (error) {
    throw new InputError("comment", "expected true or false", { cause: error });
  }
  return {
    targets: parseTargetsInput(core.getInput("targets")),
    targetsFile: text("targets-file"),
    config: text("config"),
    policy: text("policy"),
    failOn: failOn as FailOn | null,
    reportFile: text("report-file"),
    sarifFile: text("sarif-file"),
    comment,
    githubToken: core.getInput("github-token").trim(),
    caFiles: parseTargetsInput(core.getInput("ca-file")),
    timeoutMs: positiveInteger("timeout", text("timeout")),
    concurrency: positiveInteger("concurrency", text("concurrency")),
    shard: shard === null ? null : parseShardInput(shard),
  };
}

function parseShardInput(text: string): Shard {
  try {
    return parseShard(text);
  } catch (error) {
    throw new InputError("shard", (error as Error).message, { cause: error });
  }
}

function positiveInteger(input: string, value: string | null): number | null {
  if (value === null) return null;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InputError(input, `expected a positive integer, got "${value}"`);
  }
  return n;
}
