/**
 * Server preference: offer the same two suites in both orders. The same pick both times means the
 * server enforces its own order; a pick that follows the client means it does not. Where the
 * server enforces an order, that order is read by elimination on one connection at a time.
 */
import { cipherSuiteByCode } from "../registry/index.js";
import type { ServerPreference } from "../scan-report/types.js";
import type { TlsProtocol } from "../probe/client-hellos.js";
import { eliminate } from "./eliminate.js";
import type { ScanContext } from "./context.js";
import { offerSuites } from "./cipher-suites.js";

export async function probeServerPreference(
  ctx: ScanContext,
  protocol: TlsProtocol,
  accepted: readonly number[],
): Promise<ServerPreference> {
  const unknown: ServerPreference = { protocol, enforced: null, order: null };
  const [first, second] = accepted;
  if (first === undefined || second === undefined) {
    ctx.error(
      `serverPreference/${protocol}`,
      "protocol",
      "the server accepts only one suite, so its preference cannot be told",
    );
    return unknown;
  }
  const [forward, reverse] = await Promise.all([
    offerSuites(ctx, protocol, [first, second]),
    offerSuites(ctx, protocol, [second, first]),
  ]);
  if (forward.kind !== "chosen" || reverse.kind !== "chosen") {
    const failed = [forward, reverse].find((r) => r.kind === "failed");
    ctx.error(
      `serverPreference/${protocol}`,
      "protocol",
      failed?.kind === "failed" ? failed.message : "the server refused suites it had accepted",
    );
    return unknown;
  }
  if (forward.code === first && reverse.code === second) {
    return { protocol, enforced: false, order: null };
  }
  if (forward.code !== reverse.code) {
    ctx.error(`serverPreference/${protocol}`, "protocol", "the server's picks are inconsistent");
    return unknown;
  }
  const order = await eliminate(accepted, (codes) => offerSuites(ctx, protocol, codes), {
    parts: 1,
  });
  if (!order.complete) {
    ctx.error(`serverPreference/${protocol}`, "protocol", `order incomplete: ${order.message}`);
    return { protocol, enforced: true, order: null };
  }
  return {
    protocol,
    enforced: true,
    order: order.accepted.map((code) => cipherSuiteByCode(code)?.iana ?? hex(code)),
  };
}

function hex(code: number): string {
  return `0x${code.toString(16).toUpperCase().padStart(4, "0")}`;
}
