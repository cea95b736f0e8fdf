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
  | { ok: false; code: Extract<ScanErrorCode, "dns" | "timeout" | "internal">; message: string };

/** The address to connect to: an IP literal as it is, a host name looked up once. Never rejects. */
export function resolveTarget(
  target: Pick<Target, "connectAddress">,
  options: ResolveOptions,
): Promise<Resolution> {
  const name = target.connectAddress;
  if (isIP(name) !== 0) return Promise.resolve({ ok: true, address: name });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (resolution: Resolution): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      resolve(resolution);
    };
    const onAbort = (): void => finish({ ok: false, code: "internal", message: "scan aborted" });
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
    (options.lookup ?? dnsLookup)(name).then(
      ({ address }) =>
        finish(
          isIP(address) === 0
            ? {
                ok: false,
                code: "dns",
                message: `${name}: the look-up gave ${JSON.stringify(address)}`,
              }
            : { ok: true, address },
        ),
      (error: unknown) =>
        finish({
          ok: false,
          code: "dns",
          message: `${name}: ${error instanceof Error ? error.message : String(error)}`,
        }),
    );
  });
}
