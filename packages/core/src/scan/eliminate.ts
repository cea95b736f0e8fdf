/**
 * Enumeration by elimination: offer a set of codes, record the one the server picks, remove it,
 * offer the rest, until the server refuses. Splitting the candidates into parts that run on
 * separate connections makes the round trips, not the candidate count, bound the time.
 *
 * An offer that fails (timeout, reset, garbage) after its retries makes the whole enumeration
 * unknown: a shorter list would read as "not supported" for what was never established.
 */
import type { ScanErrorCode } from "../scan-report/types.js";

export type OfferResult =
  | { kind: "chosen"; code: number }
  | { kind: "refused" }
  | { kind: "failed"; code: ScanErrorCode; message: string };

export type EliminationResult =
  | { complete: true; accepted: number[] }
  | { complete: false; accepted: number[]; code: ScanErrorCode; message: string };

export interface EliminationOptions {
  /** How many parts to split the candidates into (each part is enumerated sequentially). */
  parts: number;
  /** Safety bound on rounds per part; a server that keeps choosing is hostile or broken. */
  maxRounds?: number;
  /**
   * Offered last in every round of every part while not yet chosen, and never removed on its own:
   * once the server picks it, the part ends. For a code the server needs to accept anything at
   * all, e.g. the curve of an ECDSA certificate in TLS ≤ 1.2 (RFC 8422 5.1).
   */
  anchor?: number;
}

export async function eliminate<R extends OfferResult>(
  candidates: readonly number[],
  offer: (codes: readonly number[]) => Promise<R>,
  options: EliminationOptions,
): Promise<EliminationResult> {
  const anchor = options.anchor;
  const pool = anchor === undefined ? candidates : candidates.filter((code) => code !== anchor);
  const parts = splitEvenly(pool, Math.max(1, options.parts));
  if (parts.length === 0 && anchor !== undefined) parts.push([]); // still offer the anchor
  const results = await Promise.all(parts.map((part) => eliminatePart(part, offer, options)));
  const accepted = [...new Set(results.flatMap((r) => r.accepted))];
  const failure = results.find((r) => !r.complete);
  if (failure !== undefined && !failure.complete) {
    return { complete: false, accepted, code: failure.code, message: failure.message };
  }
  return { complete: true, accepted };
}

async function eliminatePart(
  part: readonly number[],
  offer: (codes: readonly number[]) => Promise<OfferResult>,
  options: EliminationOptions,
): Promise<EliminationResult> {
  const anchor = options.anchor;
  const remaining = [...part];
  const accepted: number[] = [];
  const maxRounds = options.maxRounds ?? part.length + 2;
  // With an anchor the part ends only when the server picks it or refuses: the anchor alone is
  // offered last, since it need not be a code the server accepts.
  for (let round = 0; remaining.length > 0 || anchor !== undefined; round += 1) {
    if (round >= maxRounds) {
      return {
        complete: false,
        accepted,
        code: "protocol",
        message: `no end after ${maxRounds} offers`,
      };
    }
    const offered = anchor === undefined ? remaining : [...remaining, anchor];
    const result = await offer(offered);
    if (result.kind === "refused") break;
    if (result.kind === "failed") {
      return { complete: false, accepted, code: result.code, message: result.message };
    }
    if (result.code === anchor) {
      accepted.push(result.code);
      break;
    }
    const index = remaining.indexOf(result.code);
    if (index === -1) {
      // RFC 5246 7.4.1.3: the server must pick one of the offered suites.
      return {
        complete: false,
        accepted,
        code: "protocol",
        message: `server chose 0x${hex4(result.code)}, which was not offered`,
      };
    }
    accepted.push(result.code);
    remaining.splice(index, 1);
  }
  return { complete: true, accepted };
}

/**
 * Splits into at most `count` non-empty parts of near-equal size, dealing the items round robin
 * (item i goes to part i mod count), so that runs of neighbouring codes a server accepts together
 * (one family of suites) are shared out rather than left to one part.
 */
export function splitEvenly<T>(items: readonly T[], count: number): T[][] {
  const parts: T[][] = Array.from({ length: Math.min(count, items.length) }, () => []);
  items.forEach((item, index) => parts[index % parts.length]?.push(item));
  return parts;
}

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, "0");
}
