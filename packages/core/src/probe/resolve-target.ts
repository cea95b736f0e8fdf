/**
 * A target's address, resolved once per scan: every connection of the scan (probes, full
 * handshakes, HSTS, client simulation) goes to this one address, and the report names it. A host
 * name is looked up under a deadline that this module owns: an explicit timer, cleared however
 * the lookup ends (getaddrinfo itself cannot be cancelled; its late answer is ignored).
 */
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { ScanErrorCode } from "../scan-report/types.js";
import type { Target } from "./target.js";

/** How a host name becomes an address: node:dns/promises `lookup` by default; a seam for tests. */
export type LookupFunction = (hostname: string) => Promise<{ address: string }>;

export interface ResolveOptions {
  /** Deadline for the look-up, ms. */
  timeoutMs: number;
  signal?: AbortSignal;
  lookup?: LookupFunction;
}

export type Resolution =
  | { ok: true; address: string }
  | {
      ok: false;
      code: Extract<ScanErrorCode, "dns" | "timeout" | "deadline" | "internal">;
      message: string;
    };

/** The address to connect to: an IP literal as it is, a host name looked up once. Never rejects. */
export async function resolveTarget(
  target: Pick<Target, "connectAddress">,
  options: ResolveOptions,
): Promise<Resolution> {
  const name = target.connectAddress;
  if (isIP(name) !== 0) return { ok: true, address: name };
  const lookup = options.lookup ?? dnsLookup;
  const resolution = await lookUpWithin(name, options, async (host) => [
    (await lookup(host)).address,
  ]);
  return resolution.ok ? { ok: true, address: resolution.addresses[0]! } : resolution;
}

/** Every address of a host name (A and AAAA): node:dns/promises `lookup` with `all`; a test seam. */
export type LookupAllFunction = (hostname: string) => Promise<readonly { address: string }[]>;

export type AllAddresses =
  | { ok: true; addresses: string[] }
  | {
      ok: false;
      code: Extract<ScanErrorCode, "dns" | "timeout" | "deadline" | "internal">;
      message: string;
    };

const lookupAllByDefault: LookupAllFunction = (hostname) => dnsLookup(hostname, { all: true });

/**
 * Every address a target's name resolves to, IPv4 and IPv6, in the resolver's order without
 * repeats (`--all-addresses`); an IP literal is its only address. Never rejects.
 */
export function resolveAllAddresses(
  target: Pick<Target, "connectAddress">,
  options: Omit<ResolveOptions, "lookup"> & { lookupAll?: LookupAllFunction },
): Promise<AllAddresses> {
  const name = target.connectAddress;
  if (isIP(name) !== 0) return Promise.resolve({ ok: true, addresses: [name] });
  const lookupAll = options.lookupAll ?? lookupAllByDefault;
  return lookUpWithin(name, options, async (host) => [
    ...new Set((await lookupAll(host)).map((entry) => entry.address)),
  ]);
}

/** A look-up under a deadline this module owns; every answer must be an IP address. */
function lookUpWithin(
  name: string,
  options: Omit<ResolveOptions, "lookup">,
  lookup: (hostname: string) => Promise<string[]>,
): Promise<AllAddresses> {
  type Resolution = AllAddresses;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (resolution: Resolution): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      resolve(resolution);
    };
    const onAbort = (): void => {
      // The run's deadline is a cut, not a fault: it keeps its code and message. Told by name,
      // since importing scan/deadline.ts here would close an import cycle through scan-target.
      const reason: unknown = options.signal?.reason;
      finish(
        reason instanceof Error && reason.name === "DeadlineReached"
          ? { ok: false, code: "deadline", message: reason.message }
          : { ok: false, code: "internal", message: "scan aborted" },
      );
    };
    const timer = setTimeout(
      () =>
        finish({
          ok: false,
          code: "timeout",
          message: `${name}: no DNS answer within ${options.timeoutMs} ms`,
        }),
      options.timeoutMs,
    );
    if (options.signal?.aborted === true) {
      onAbort();
      return;
    }
    options.signal?.addEventListener("abort", onAbort, { once: true });
    lookup(name).then(
      (addresses) => {
        const bad = addresses.find((address) => isIP(address) === 0);
        finish(
          bad !== undefined || addresses.length === 0
            ? {
                ok: false,
                code: "dns",
                message: `${name}: the look-up gave ${JSON.stringify(bad ?? "no address")}`,
              }
            : { ok: true, addresses },
        );
      },
      (error: unknown) =>
        finish({
          ok: false,
          code: "dns",
          message: `${name}: ${error instanceof Error ? error.message : String(error)}`,
        }),
    );
  });
}
