/**
 * One probe: send one ClientHello, read the server's first flight, and end in exactly one
 * outcome — accepted (what the server chose), rejected (an alert, or the connection closed after
 * the hello), or failed (timeout, refused, reset before a reply, unparseable). Failed probes are
 * retried with backoff by `probeWithRetry`; what stays failed is unknown, never "not supported".
 */
import { DecodeError, ServerFlightDecoder } from "../wire/index.js";
import type { FlightState, KeyExchangeKind } from "../wire/index.js";
import type { ScanErrorCode } from "../scan-report/types.js";
import {
  keyExchangeOf as registryKeyExchangeOf,
  serverAlertOf,
  serverChoiceOf,
  type ServerAlert,
  type ServerChoice,
} from "./server-choice.js";
import {
  exchange,
  type Endpoint,
  type ExchangeOptions,
  type SocketFailureCode,
} from "./exchange.js";

export type ProbeOutcome =
  /** `flightComplete`: the server's whole first flight arrived (e.g. up to ServerHelloDone);
   * false when it was cut after the ServerHello, so later messages are unknown, not absent. */
  | { kind: "accepted"; choice: ServerChoice; flightComplete: boolean }
  | { kind: "rejected"; alert: ServerAlert | null }
  | { kind: "failed"; code: ScanErrorCode; message: string };

/** Warning alerts tolerated in one flight (a real server sends at most one unrecognized_name). */
// Both are legal one at a time and carry nothing; a stream of them is a flood, cut early so the
// work per probe does not grow with the reply cap.
const MAX_WARNING_ALERTS = 16;
const MAX_HELLO_REQUESTS = 16;

export interface ProbeOptions extends ExchangeOptions {
  /** Stop at the ServerHello (enough to know the version and suite); default: the whole flight. */
  stopAtServerHello?: boolean;
  /** Which ServerKeyExchange to decode for a suite; by default the registry's key exchange. */
  keyExchangeOf?: (cipherSuite: number) => KeyExchangeKind | null;
}

function floodOf(flight: FlightState): string | null {
  if (flight.warnings.length > MAX_WARNING_ALERTS) {
    return `more than ${MAX_WARNING_ALERTS} warning alerts`;
  }
  if (flight.helloRequests > MAX_HELLO_REQUESTS) {
    return `more than ${MAX_HELLO_REQUESTS} HelloRequests`;
  }
  return null;
}

export async function probeHello(
  endpoint: Endpoint,
  hello: Uint8Array,
  options: ProbeOptions,
): Promise<ProbeOutcome> {
  const decoder = new ServerFlightDecoder({
    keyExchangeOf: options.keyExchangeOf ?? registryKeyExchangeOf,
  });
  let flight: FlightState | null = null;
  let flooded: string | null = null;
  let head: Uint8Array = new Uint8Array(0);
  let result;
  try {
    result = await exchange(
      endpoint,
      hello,
      (chunk) => {
        if (head.length < PEEK_BYTES) head = concatHead(head, chunk);
        flight = decoder.push(chunk);
        flooded = floodOf(flight);
        return (
          flooded !== null ||
          flight.done ||
          (options.stopAtServerHello === true && serverChoiceOf(flight) !== null)
        );
      },
      options,
    );
  } catch (error) {
    if (error instanceof DecodeError) {
      // What the server chose stands even if a later message of its flight is malformed: the
      // flight is returned as far as it was decoded.
      const partial = serverChoiceOf(decoder.state);
      if (partial !== null) return { kind: "accepted", choice: partial, flightComplete: false };
      return {
        kind: "failed",
        code: error.offset === 0 ? (otherProtocolOf(head) ?? "unparseable") : "unparseable",
        message: `unparseable reply: ${error.message}`,
      };
    }
    throw error;
  }
  const state = flight as FlightState | null;
  const choice = state === null ? null : serverChoiceOf(state);
  if (choice !== null) return { kind: "accepted", choice, flightComplete: state?.done === true };
  if (flooded !== null) {
    return { kind: "failed", code: "protocol", message: `${flooded} without a ServerHello` };
  }
  if (state?.alert != null) return { kind: "rejected", alert: serverAlertOf(state.alert) };
  if (state !== null && state.sslv2Error !== null) return { kind: "rejected", alert: null };
  switch (result.kind) {
    case "done":
      return { kind: "failed", code: "protocol", message: "flight ended without a choice" };
    case "closed":
      return result.received === 0
        ? { kind: "rejected", alert: null }
        : {
            kind: "failed",
            code: "closed",
            message: `connection closed after ${result.received} bytes of an incomplete reply`,
          };
    case "failed":
      return { kind: "failed", code: scanErrorCode(result.code), message: result.message };
  }
}

const PEEK_BYTES = 8;
const ascii = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

function concatHead(head: Uint8Array, chunk: Uint8Array): Uint8Array {
  const next = new Uint8Array(Math.min(PEEK_BYTES, head.length + chunk.length));
  next.set(head);
  next.set(chunk.subarray(0, next.length - head.length), head.length);
  return next;
}

/** A reply that is not TLS but another protocol's well-known opening: HTTP's status line, SSH's banner. */
function otherProtocolOf(
  head: Uint8Array,
): Extract<ScanErrorCode, "plain-http" | "ssh-banner"> | null {
  const start = ascii(head);
  if (start.startsWith("HTTP/")) return "plain-http";
  if (start.startsWith("SSH-")) return "ssh-banner";
  return null;
}

function scanErrorCode(code: SocketFailureCode): ScanErrorCode {
  switch (code) {
    // Within tlsgate a probe is aborted by a deadline: that is not the server refusing.
    case "aborted":
      return "deadline";
    case "unreachable":
      return "refused";
    case "too-large":
    case "preamble":
      return "protocol";
    default:
      return code;
  }
}

/**
 * An outcome a half-closed hello (ExchangeOptions.halfClose) may owe to the half-close: a close
 * without an alert, a reset or a close in the middle of the reply, a flight that stopped early.
 * Such a hello is asked again without the half-close, so the answer is the one a plain hello
 * gets. A refused connection is not the half-close's doing, nor a timeout once half-closed
 * hellos were answered on the target (probeMaybeHalfClosed re-asks it until then): asking again
 * would only double the wait.
 */
export function mayBeCutByHalfClose(outcome: ProbeOutcome, stopAtServerHello: boolean): boolean {
  if (outcome.kind === "failed") return outcome.code === "reset" || outcome.code === "closed";
  if (outcome.kind === "rejected") return outcome.alert === null;
  return !stopAtServerHello && !outcome.flightComplete;
}

/**
 * Whether half-closed hellos still work on one target, shared by every probe of it (the scan's
 * ScanContext and the served chains), so that what one learns the others use.
 */
export class HalfCloseState {
  /** Half-close the hellos; turned off once a plain hello got an answer a half-closed one did not. */
  on: boolean;
  /** Whether a half-closed hello was ever answered in full on this target. */
  answered = false;

  constructor(on: boolean) {
    this.on = on;
  }
}

/**
 * Sends one hello, half-closed while `state` says it works (see ScanContext.probe). An outcome a
 * half-close may have caused is asked again plainly, and so is a timeout while no half-closed
 * hello was ever answered in full: a relay that stops forwarding on the client's FIN makes every
 * half-closed hello time out. Once the plain hello gets an answer the half-closed one did not,
 * the half-close is off for the target.
 */
export async function probeMaybeHalfClosed(
  send: (halfClose: boolean) => Promise<ProbeOutcome>,
  state: HalfCloseState | null,
  stopAtServerHello: boolean,
): Promise<ProbeOutcome> {
  if (state === null || !state.on) return send(false);
  const first = await send(true);
  const cut = mayBeCutByHalfClose(first, stopAtServerHello);
  const timedOut = first.kind === "failed" && first.code === "timeout";
  if (!cut && !(timedOut && !state.answered)) {
    if (first.kind !== "failed") state.answered = true;
    return first;
  }
  const plain = await send(false);
  if (cut ? !mayBeCutByHalfClose(plain, stopAtServerHello) : plain.kind !== "failed") {
    state.on = false;
  }
  return plain;
}

/**
 * Failures worth another attempt: the connection's (timeout, refused, reset, closed in the middle
 * of a reply). An unparseable or oversized reply is the server's answer and comes again.
 */
export function isTransientFailure(outcome: ProbeOutcome): boolean {
  return (
    outcome.kind === "failed" &&
    (outcome.code === "timeout" ||
      outcome.code === "refused" ||
      outcome.code === "reset" ||
      outcome.code === "closed")
  );
}

export interface RetryOptions {
  /** Extra attempts after the first; default 2. */
  retries?: number;
  /** First backoff delay in ms, doubled each time; default 100. */
  backoffMs?: number;
  signal?: AbortSignal;
}

/**
 * Runs `attempt` again while it fails for a transient reason (see `isTransientFailure`), with
 * exponential backoff; returns the last outcome.
 */
export async function probeWithRetry(
  attempt: () => Promise<ProbeOutcome>,
  options: RetryOptions = {},
): Promise<ProbeOutcome> {
  const retries = options.retries ?? 2;
  let delay = options.backoffMs ?? 100;
  let outcome = await attempt();
  for (let i = 0; i < retries && isTransientFailure(outcome); i += 1) {
    if (options.signal?.aborted === true) break;
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay *= 2;
    outcome = await attempt();
  }
  return outcome;
}
