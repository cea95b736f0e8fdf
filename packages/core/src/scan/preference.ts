/**
 * Server preference. `enumerateCipherSuites` offers every suite from both ends: the same pick both
 * times means the server ranks the suites itself, and its sequential elimination then yields that
 * ranking. This module judges the ranking: one suite tells nothing, and one more pair offered
 * against the ranking checks that the server keeps to it below the top.
 */
import { cipherSuiteByCode } from "../registry/index.js";
import type { ServerPreference } from "../scan-report/types.js";
import type { TlsProtocol } from "../probe/client-hellos.js";
import type { ScanContext } from "./context.js";
import type { SuiteOffer } from "./suite-offer.js";

/**
 * `order`: the accepted suites as the sequential elimination found them (top first); `offer`
 * sends one hello offering these codes in this order.
 */
export async function checkPreferenceOrder(
  ctx: ScanContext,
  protocol: TlsProtocol,
  order: readonly number[],
  offer: (codes: readonly number[]) => Promise<SuiteOffer>,
): Promise<ServerPreference> {
  const probe = `serverPreference/${protocol}`;
  const names = order.map((code) => cipherSuiteByCode(code)?.iana ?? hex(code));
  if (order.length < 2) {
    ctx.error(
      probe,
      "protocol",
      "the server accepts only one suite, so its preference cannot be told",
    );
    return { protocol, enforced: null, order: null };
  }
  if (order.length === 2) return { protocol, enforced: true, order: names };
  // The last two, offered against the ranking: a server that ranks them picks the higher one.
  const higher = order[order.length - 2] as number;
  const lower = order[order.length - 1] as number;
  const check = await offer([lower, higher]);
  if (check.kind === "chosen" && check.code === higher) {
    return { protocol, enforced: true, order: names };
  }
  ctx.error(
    probe,
    check.kind === "failed" ? check.code : "protocol",
    check.kind === "failed"
      ? `order unconfirmed: ${check.message}`
      : `the server enforces its first choice, but chose ${check.kind === "chosen" ? hex(check.code) : "nothing"} from ${hex(lower)}, ${hex(higher)} against its order`,
  );
  return { protocol, enforced: true, order: null };
}

function hex(code: number): string {
  return `0x${code.toString(16).toUpperCase().padStart(4, "0")}`;
}
