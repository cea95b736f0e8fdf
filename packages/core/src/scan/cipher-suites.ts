/**
 * Every suite the server accepts per protocol, by elimination over the whole registry, and the
 * server's preference, read in the same pass:
 *
 * 1. The protocol probe offered every suite in registry order; one more hello offers them in
 *    reverse. A server that follows the client picks differently; one that enforces its own order
 *    picks the same suite both times.
 * 2. Following the client: the remaining candidates are split into parts enumerated in parallel on
 *    separate connections. Enforcing its order: one sequential elimination, whose picks come out
 *    in the server's order, so the order costs no probe beyond the enumeration.
 *
 * Every offer reads the whole first flight, so each accepted suite comes with its certificate and
 * ServerKeyExchange (DH prime size, curve) at no extra cost.
 */
import { cipherSuiteByCode } from "../registry/index.js";
import type { TlsProtocol } from "../probe/client-hellos.js";
import type { ScanErrorCode, ServerPreference } from "../scan-report/types.js";
import type { TlsChoice } from "../probe/server-choice.js";
import { eliminate } from "./eliminate.js";
import type { ScanContext } from "./context.js";
import { checkPreferenceOrder } from "./preference.js";
import { choiceOf, offerSuites, type SuiteOffer } from "./suite-offer.js";
import { offerableSuites } from "./protocols.js";

/** Parallel parts when the server follows the client: enough to overlap round trips, few enough to stay polite. */
const PARTS = 4;

export interface ProtocolSuites {
  protocol: TlsProtocol;
  /**
   * Every accepted suite, in the server's order when it enforces one (else by code); null when
   * the enumeration could not be completed.
   */
  accepted: number[] | null;
  preference: ServerPreference;
  /** What the server sent with each accepted suite when it was found (certificate, key exchange). */
  choices: ReadonlyMap<number, TlsChoice>;
}

/**
 * Enumerates the suites of one protocol. `first` is the flight the protocol probe received (every
 * offerable suite offered in registry order); without it the first offer is made here.
 */
export async function enumerateCipherSuites(
  ctx: ScanContext,
  protocol: TlsProtocol,
  first?: TlsChoice,
  /** Called once for each suite the server is seen to accept, as soon as it is seen. */
  onAccepted?: (code: number) => void,
): Promise<ProtocolSuites> {
  const all = offerableSuites(protocol);
  const choices = new Map<number, TlsChoice>();
  const record = (code: number, choice: TlsChoice): void => {
    if (choices.has(code)) return;
    choices.set(code, choice);
    if (all.includes(code)) onAccepted?.(code);
  };
  const offer = async (codes: readonly number[]): Promise<SuiteOffer> => {
    const result = await offerSuites(ctx, protocol, codes);
    if (result.kind === "chosen") record(result.code, result.choice);
    return result;
  };
  const unknown: ServerPreference = { protocol, enforced: null, order: null };
  const incomplete = (code: ScanErrorCode, message: string, seen: readonly number[]) => {
    const names = seen.map((c) => cipherSuiteByCode(c)?.iana ?? hex(c)).join(", ");
    ctx.error(
      `cipherSuites/${protocol}`,
      code,
      `suite enumeration incomplete (${message}); seen before the failure: ${names || "none"}`,
    );
    return { protocol, accepted: null, preference: unknown, choices };
  };

  const forward = first === undefined ? await offer(all) : choiceOf(protocol, first);
  if (forward.kind === "chosen") record(forward.code, forward.choice);
  if (forward.kind === "failed") return incomplete(forward.code, forward.message, []);
  if (forward.kind === "refused") return { protocol, accepted: [], preference: unknown, choices };
  if (!all.includes(forward.code)) {
    return incomplete("protocol", `server chose ${hex(forward.code)}, which was not offered`, []);
  }

  const reverse = await offer([...all].reverse());
  const c0 = forward.code;
  if (reverse.kind === "chosen" && reverse.code === c0) {
    // The same pick from both ends: the server ranks the suites itself (or has just one).
    const rest = await eliminate(
      all.filter((code) => code !== c0),
      offer,
      { parts: 1 },
    );
    const order = [c0, ...rest.accepted];
    if (!rest.complete) return incomplete(rest.code, rest.message, order);
    const preference = await checkPreferenceOrder(ctx, protocol, order, offer);
    // Without a confirmed order the list says nothing about one.
    const accepted = preference.order === null ? [...order].sort((a, b) => a - b) : order;
    return { protocol, accepted, preference, choices };
  }

  let preference: ServerPreference = unknown;
  const known = [c0];
  if (reverse.kind === "chosen") {
    if (!all.includes(reverse.code)) {
      return incomplete("protocol", `server chose ${hex(reverse.code)}, which was not offered`, [
        c0,
      ]);
    }
    preference = { protocol, enforced: false, order: null };
    known.push(reverse.code);
  } else {
    ctx.error(
      `serverPreference/${protocol}`,
      reverse.kind === "failed" ? reverse.code : "protocol",
      reverse.kind === "failed"
        ? reverse.message
        : "the server refused the suites it had accepted in another order",
    );
    // A server that fails the handshake on some suites it lists (Dovecot without ssl_dh fails
    // every DHE pick) refuses whole parts that hold suites it accepts: elimination would give a
    // list that is too short, so the list is unknown.
    if (reverse.kind === "refused") {
      return incomplete(
        "protocol",
        "the server refused in reverse order the suites it accepted in forward order: it fails the handshake on some suite it lists",
        known,
      );
    }
  }
  const rest = await eliminate(
    all.filter((code) => !known.includes(code)),
    offer,
    { parts: PARTS },
  );
  const accepted = [...known, ...rest.accepted];
  if (!rest.complete) return incomplete(rest.code, rest.message, accepted);
  return { protocol, accepted: accepted.sort((a, b) => a - b), preference, choices };
}

function hex(code: number): string {
  return `0x${code.toString(16).toUpperCase().padStart(4, "0")}`;
}
