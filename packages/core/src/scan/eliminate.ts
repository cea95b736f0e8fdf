/**
 * Enumeration by elimination: offer a set of codes, record the one the server picks, remove it,
 * offer the rest, until the server refuses. Splitting the candidates into parts that run on
 * separate connections makes the round trips, not the candidate count, bound the time.
 *
 * An offer that fails (timeout, reset, garbage) after its retries makes the whole enumeration
 * unknown: a shorter list would read as "not supported" for what was never established.
 */
export type OfferResult =
  { kind: "chosen"; code: number } | { kind: "refused" } | { kind: "failed"; message: string };

export type EliminationResult =
  { complete: true; accepted: number[] } | { complete: false; accepted: number[]; message: string };

export interface EliminationOptions {
  /** How many parts to split the candidates into (each part is enumerated sequentially). */
  parts: number;
  /** Safety bound on rounds per part; a server that keeps choosing is hostile or broken. */
  maxRounds?: number;
}

export async function eliminate(
  candidates: readonly number[],
  offer: (codes: readonly number[]) => Promise<OfferResult>,
  options: EliminationOptions,
): Promise<EliminationResult> {
  const parts = splitEvenly(candidates, Math.max(1, options.parts));
  const results = await Promise.all(parts.map((part) => eliminatePart(part, offer, options)));
  const accepted = results.flatMap((r) => r.accepted);
  const failure = results.find((r) => !r.complete);
  if (failure !== undefined && !failure.complete) {
    return { complete: false, accepted, message: failure.message };
  }
  return { complete: true, accepted };
}

async function eliminatePart(
  part: readonly number[],
  offer: (codes: readonly number[]) => Promise<OfferResult>,
  options: EliminationOptions,
): Promise<EliminationResult> {
  const remaining = [...part];
  const accepted: number[] = [];
  const maxRounds = options.maxRounds ?? part.length + 1;
  for (let round = 0; remaining.length > 0; round += 1) {
    if (round >= maxRounds) {
      return { complete: false, accepted, message: `no end after ${maxRounds} offers` };
    }
    const result = await offer(remaining);
    if (result.kind === "refused") break;
    if (result.kind === "failed") return { complete: false, accepted, message: result.message };
    const index = remaining.indexOf(result.code);
    if (index === -1) {
      // RFC 5246 7.4.1.3: the server must pick one of the offered suites.
      return {
        complete: false,
        accepted,
        message: `server chose 0x${hex4(result.code)}, which was not offered`,
      };
    }
    accepted.push(result.code);
    remaining.splice(index, 1);
  }
  return { complete: true, accepted };
}

/** Splits into `count` contiguous parts of near-equal size, dropping empty ones. */
export function splitEvenly<T>(items: readonly T[], count: number): T[][] {
  const parts: T[][] = [];
  const size = Math.ceil(items.length / count);
  for (let start = 0; start < items.length; start += size)
    parts.push(items.slice(start, start + size));
  return parts;
}

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, "0");
}
