/** Shards are deterministic slices of the target list, for a matrix of jobs. */
export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/**
 * A list of targets as text (a targets file, the Action's `targets` input): one per line, blank
 * lines and `#` comments (whole-line or after whitespace) ignored, whitespace trimmed.
 */
export function parseTargetList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, "").trim())
    .filter((line) => line !== "");
}

/** Parses `i/n` with 1 <= i <= n; null when it is not one. */
export function parseShard(text: string): Shard | null {
  const match = /^\s*(\d{1,6})\s*\/\s*(\d{1,6})\s*$/.exec(text);
  if (match === null) return null;
  const index = Number(match[1]);
  const count = Number(match[2]);
  return count >= 1 && index >= 1 && index <= count ? { index, count } : null;
}

/**
 * The targets of one shard. Targets are assigned round-robin after sorting, so the split does
 * not depend on the order of the input and every target lands in exactly one shard.
 */
export function selectShard(targets: readonly string[], shard: Shard): string[] {
  return [...targets].sort().filter((_, position) => position % shard.count === shard.index - 1);
}
