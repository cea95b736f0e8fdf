import { connect as netConnect, type Socket } from "node:net";

/** Where a probe connects: an address the user named (or that their host name resolved to). */
export interface Endpoint {
  address: string;
  port: number;
}

export type SocketFailureCode =
  | "timeout"
  | "refused"
  | "reset"
  | "unreachable"
  | "aborted"
  /** The server refused or broke the STARTTLS preamble on this connection. */
  | "preamble"
  /** The server sent more than `maxBytes` without completing its reply. */
  | "too-large";

export type ExchangeResult =
  | { kind: "done" }
  /** The server closed the connection; `received` says how many bytes it sent before. */
  | { kind: "closed"; received: number }
  | { kind: "failed"; code: SocketFailureCode; message: string; received: number };

/** A first flight larger than this is hostile: certificate chains stay far below it. */
export const DEFAULT_MAX_REPLY_BYTES = 1024 * 1024;

export interface ExchangeOptions {
  /** Deadline for the whole exchange, connect included. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Test seam: how to open the TCP connection. */
  connect?: (endpoint: Endpoint) => Socket;
  /** Bytes the server may send before the exchange fails with "too-large"; default 1 MiB. */
  maxBytes?: number;
  /** Called once the TCP connection is established. */
  onConnect?: () => void;
  /**
   * End the sending side with the request (TCP half-close). A server that serves one connection
   * at a time then sees the end with the hello and moves on to the next connection as soon as it
   * has answered, instead of a round trip later when the client closes.
   */
  halfClose?: boolean;
}

/**
 * Sends `request` and feeds every chunk the server sends to `consume` until it returns true
 * (the reply is complete), the server closes, an error occurs, more than `maxBytes` arrive, or
 * the deadline passes. Always resolves (never rejects) and always destroys the socket, so memory
 * stays bounded whatever the server sends. `consume` may throw: the exception propagates to the
 * caller after the socket is destroyed.
 */
export function exchange(
  endpoint: Endpoint,
  request: Uint8Array,
  consume: (chunk: Uint8Array) => boolean,
  options: ExchangeOptions,
): Promise<ExchangeResult> {
  return new Promise((resolve, reject) => {
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_REPLY_BYTES;
    let received = 0;
    let settled = false;
    let socket: Socket | null = null;

    const finish = (outcome: ExchangeResult | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      const settle = (): void => (outcome instanceof Error ? reject(outcome) : resolve(outcome));
      if (socket === null || socket.closed) {
        settle();
        return;
      }
      socket.removeAllListeners();
      socket.on("error", () => {}); // a late error after destroy must not crash the process
      // The connection counts against the target's limit until it is closed: settle on close.
      socket.once("close", settle);
      socket.destroy();
    };
    const onAbort = (): void =>
      finish({ kind: "failed", code: "aborted", message: "scan aborted", received });
    const timer = setTimeout(
      () =>
        finish({
          kind: "failed",
          code: "timeout",
          message: `no complete reply within ${options.timeoutMs} ms (${received} bytes received)`,
          received,
        }),
      options.timeoutMs,
    );
    if (options.signal?.aborted === true) {
      onAbort();
      return;
    }
    options.signal?.addEventListener("abort", onAbort, { once: true });

    const opened = (options.connect ?? defaultConnect)(endpoint);
    socket = opened;
    opened.setNoDelay(true);
    opened.once("connect", () => {
      options.onConnect?.();
      if (options.halfClose === true) opened.end(request);
      else opened.write(request);
    });
    opened.on("data", (chunk: Uint8Array) => {
      received += chunk.length;
      if (received > maxBytes) {
        finish({
          kind: "failed",
          code: "too-large",
          message: `reply exceeds ${maxBytes} bytes without completing the server's first flight`,
          received,
        });
        return;
      }
      try {
        if (consume(chunk)) finish({ kind: "done" });
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
      }
    });
    opened.once("end", () => finish({ kind: "closed", received }));
    opened.once("close", () => finish({ kind: "closed", received }));
    opened.once("error", (error: NodeJS.ErrnoException) => {
      finish({ kind: "failed", code: failureCode(error), message: error.message, received });
    });
  });
}

function defaultConnect(endpoint: Endpoint): Socket {
  return netConnect({ host: endpoint.address, port: endpoint.port });
}

function failureCode(error: NodeJS.ErrnoException): SocketFailureCode {
  switch (error.code) {
    case "ECONNREFUSED":
      return "refused";
    case "ETIMEDOUT":
      return "timeout";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "EADDRNOTAVAIL":
      return "unreachable";
    // A STARTTLS preamble that failed on this connection (probe/starttls/runner.ts): the server
    // answered, so it is not a network reset to retry.
    case "ESTARTTLS":
      return "preamble";
    default:
      return "reset";
  }
}
