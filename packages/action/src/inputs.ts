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
