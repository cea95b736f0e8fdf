import { connect as netConnect, type Socket } from "node:net";

/** Where a probe connects: an address the user named (or that their host name resolved to). */
export interface Endpoint {
  address: string;
  port: number;
}

export type SocketFailureCode = "timeout" | "refused" | "reset" | "unreachable" | "aborted";

export type ExchangeResult =
  | { kind: "done" }
  /** The server closed the connection; `received` says how many bytes it sent before. */
  | { kind: "closed"; received: number }
  | { kind: "failed"; code: SocketFailureCode; message: string; received: number };

export interface ExchangeOptions {
  /** Deadline for the whole exchange, connect included. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Test seam: how to open the TCP connection. */
  connect?: (endpoint: Endpoint) => Socket;
}

/**
 * Sends `request` and feeds every chunk the server sends to `consume` until it returns true
 * (the reply is complete), the server closes, an error occurs, or the deadline passes. Always
 * resolves (never rejects) and always destroys the socket. `consume` may throw: the exception
 * propagates to the caller after the socket is destroyed.
 */
export function exchange(
  endpoint: Endpoint,
  request: Uint8Array,
  consume: (chunk: Uint8Array) => boolean,
  options: ExchangeOptions,
): Promise<ExchangeResult> {
  return new Promise((resolve, reject) => {
    const socket = (options.connect ?? defaultConnect)(endpoint);
    let received = 0;
    let settled = false;

    const finish = (outcome: ExchangeResult | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      socket.removeAllListeners();
      socket.on("error", () => {}); // a late error after destroy must not crash the process
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
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

    socket.setNoDelay(true);
    socket.once("connect", () => socket.write(request));
    socket.on("data", (chunk: Uint8Array) => {
      received += chunk.length;
      try {
        if (consume(chunk)) finish({ kind: "done" });
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.once("end", () => finish({ kind: "closed", received }));
    socket.once("close", () => finish({ kind: "closed", received }));
    socket.once("error", (error: NodeJS.ErrnoException) => {
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
    default:
      return "reset";
  }
}
