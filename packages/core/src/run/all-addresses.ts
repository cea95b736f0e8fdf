/**
 * `--all-addresses`: a target named by a host name becomes one target per address it resolves to
 * (A and AAAA), each named `host@address:port`, so an operator behind DNS round-robin sees every
 * server. Nothing is left out in silence: a name whose look-up fails is one report (as written)
 * with the DNS error, never re-resolved into a single address; a name with more than
 * MAX_ADDRESSES_PER_NAME addresses scans the first ones in the resolver's order and is one more
 * report naming the addresses left out. Both reports are not scanned, so the gate blocks on them
 * unless unknowns are let through.
 */
import { isIP } from "node:net";
import { resolveAllAddresses, type LookupAllFunction } from "../probe/resolve-target.js";
import { targetAtAddress, type Target } from "../probe/target.js";
import { emptyReport } from "../scan/scan.js";
import { ADDRESS_CAP_PROBE } from "../scan-report/not-scanned.js";
import type { ScanError } from "../scan-report/types.js";
import type { PlannedTarget } from "./plan.js";

/**
 * The most addresses of one name that are scanned, so that a name resolving to hundreds of
 * addresses cannot multiply the run; the rest are reported as not scanned.
 */
export const MAX_ADDRESSES_PER_NAME = 16;

/**
 * Look-ups in flight at once: the size of libuv's default thread pool (UV_THREADPOOL_SIZE), on which
 * dns.lookup runs; more at once only queue there with their timers running, and time out falsely.
 */
export const MAX_CONCURRENT_LOOKUPS = 4;

/** Addresses named in the cap's message, at most; the count covers the rest. */
const NAMED_LEFT_OUT = 8;

export interface ExpandOptions {
  /** Deadline of each look-up, ms. */
  timeoutMs: number;
  signal?: AbortSignal;
  lookupAll?: LookupAllFunction;
  /** Look-ups in flight at once; default MAX_CONCURRENT_LOOKUPS. */
  maxLookups?: number;
  /** Addresses scanned per name; default MAX_ADDRESSES_PER_NAME. */
  maxAddresses?: number;
}

/** The name as written, judged without a scan: a report whose only content is why. */
function notScanned(planned: PlannedTarget, target: Target, error: ScanError): PlannedTarget {
  const report = emptyReport({ ...target, input: planned.input }, new Date());
  report.errors.push(error);
  return { ...planned, target: null, saved: report };
}

export async function expandAddresses(
  targets: readonly PlannedTarget[],
  options: ExpandOptions,
): Promise<PlannedTarget[]> {
  const max = options.maxAddresses ?? MAX_ADDRESSES_PER_NAME;
  const expandOne = async (planned: PlannedTarget): Promise<PlannedTarget[]> => {
    const { target } = planned;
    // Saved reports, IP literals and host@ip name their one address already.
    if (target === null || isIP(target.connectAddress) !== 0) return [planned];
    const resolution = await resolveAllAddresses(target, {
      timeoutMs: options.timeoutMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.lookupAll === undefined ? {} : { lookupAll: options.lookupAll }),
    });
    // Scanning the name instead would resolve it again and might reach one address only.
    if (!resolution.ok) {
      return [
        notScanned(planned, target, {
          probe: "dns",
          code: resolution.code,
          message: resolution.message,
        }),
      ];
    }
    const scanned = resolution.addresses.slice(0, max).map((address) => {
      const at = targetAtAddress(target, address);
      return { ...planned, input: at.input, target: at };
    });
    const leftOut = resolution.addresses.slice(max);
    if (leftOut.length === 0) return scanned;
    const named = leftOut.slice(0, NAMED_LEFT_OUT).join(", ");
    const more =
      leftOut.length > NAMED_LEFT_OUT ? `, and ${leftOut.length - NAMED_LEFT_OUT} more` : "";
    return [
      ...scanned,
      notScanned(planned, target, {
        probe: ADDRESS_CAP_PROBE,
        code: "dns",
        message: `${target.connectAddress} resolves to ${resolution.addresses.length} addresses and at most ${max} are scanned per name: ${leftOut.length} not scanned (${named}${more})`,
      }),
    ];
  };
  // A few look-ups at a time, each timed from when it starts: dns.lookup queues on libuv's
  // 4-thread pool, so starting them all at once timed queued names out while they waited.
  const expanded: PlannedTarget[][] = new Array<PlannedTarget[]>(targets.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < targets.length) {
      const index = next++;
      expanded[index] = await expandOne(targets[index]!);
    }
  };
  const lanes = Math.min(options.maxLookups ?? MAX_CONCURRENT_LOOKUPS, targets.length);
  await Promise.all(Array.from({ length: lanes }, lane));
  return expanded.flat();
}
