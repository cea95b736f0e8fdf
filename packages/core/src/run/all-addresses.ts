/**
 * `--all-addresses`: a target named by a host name becomes one target per address it resolves to
 * (A and AAAA), each named `host@address:port`, so an operator behind DNS round-robin sees every
 * server. A target whose name does not resolve stays as it is: its scan reports the DNS failure.
 */
import { isIP } from "node:net";
import { resolveAllAddresses, type LookupAllFunction } from "../probe/resolve-target.js";
import { targetAtAddress } from "../probe/target.js";
import type { PlannedTarget } from "./plan.js";

export interface ExpandOptions {
  /** Deadline of each look-up, ms. */
  timeoutMs: number;
  signal?: AbortSignal;
  lookupAll?: LookupAllFunction;
}

export async function expandAddresses(
  targets: readonly PlannedTarget[],
  options: ExpandOptions,
): Promise<PlannedTarget[]> {
  const expanded = await Promise.all(
    targets.map(async (planned): Promise<PlannedTarget[]> => {
      const { target } = planned;
      // Saved reports, IP literals and host@ip name their one address already.
      if (target === null || isIP(target.connectAddress) !== 0) return [planned];
      const resolution = await resolveAllAddresses(target, {
        timeoutMs: options.timeoutMs,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        ...(options.lookupAll === undefined ? {} : { lookupAll: options.lookupAll }),
      });
      if (!resolution.ok) return [planned];
      return resolution.addresses.map((address) => {
        const at = targetAtAddress(target, address);
        return { ...planned, input: at.input, target: at };
      });
    }),
  );
  return expanded.flat();
}
