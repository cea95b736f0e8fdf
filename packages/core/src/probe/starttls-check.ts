/**
 * The STARTTLS check a scan starts with: one connection through the preamble, which gives the
 * service's banner, or the refusal that becomes the report's error naming the step
 * ("starttls/smtp: 454 TLS not available (at STARTTLS)") instead of a silent "no TLS".
 */
import type { Socket } from "node:net";
import type { ScanErrorCode } from "../scan-report/types.js";
import type { Endpoint } from "./exchange.js";
import type { Preamble } from "./starttls/preamble.js";
import { StarttlsSocket, StarttlsFailure } from "./starttls/runner.js";

export type StarttlsCheck =
  | { ok: true; banner: string | null }
  | {
      ok: false;
      connected: boolean;
      /** The greeting, when the server sent one before the failure. */
      banner: string | null;
      code: ScanErrorCode;
      message: string;
    };

const FAILURE_CODES: Readonly<Record<StarttlsFailure["kind"], ScanErrorCode>> = {
  refused: "protocol",
  // The server answered (421 and the like): not a refused connection.
  busy: "protocol",
  protocol: "protocol",
  timeout: "timeout",
  closed: "closed",
};

/** Runs the preamble once over a socket from `connect` (a starttlsConnector). Never rejects. */
export function checkStarttls(
  endpoint: Endpoint,
  connect: (endpoint: Endpoint) => Socket,
  options: { timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<StarttlsCheck> {
  return new Promise((resolve) => {
    let settled = false;
    const socket = connect(endpoint);
    const starttls = socket instanceof StarttlsSocket ? socket : null;
    const preambleOf = (): Preamble | null => starttls?.preamble ?? null;
    const connected = (): boolean => starttls?.tcpConnected ?? false;
    const finish = (check: StarttlsCheck): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      socket.on("error", () => {});
      if (socket.closed) resolve(check);
      else {
        socket.once("close", () => resolve(check));
        socket.destroy();
      }
    };
    const onAbort = (): void =>
      finish({
        ok: false,
        banner: preambleOf()?.banner ?? null,
        connected: connected(),
        code: "internal",
        message: "scan aborted",
      });
    const timer = setTimeout(
      () =>
        finish({
          ok: false,
          banner: preambleOf()?.banner ?? null,
          connected: connected(),
          code: "timeout",
          message: `starttls/${preambleOf()?.protocol ?? "?"}: no go-ahead within ${options.timeoutMs} ms (at ${preambleOf()?.step ?? "connect"})`,
        }),
      options.timeoutMs,
    );
    if (options.signal?.aborted === true) {
      onAbort();
      return;
    }
    options.signal?.addEventListener("abort", onAbort, { once: true });
    // The TCP connection is up once the server's first bytes or our first write went through.
    socket.once("connect", () => finish({ ok: true, banner: preambleOf()?.banner ?? null }));
    socket.once("error", (error: Error & { code?: string }) => {
      if (error instanceof StarttlsFailure) {
        finish({
          ok: false,
          banner: preambleOf()?.banner ?? null,
          connected: true,
          code: FAILURE_CODES[error.kind],
          message: error.message,
        });
        return;
      }
      const code: ScanErrorCode =
        error.code === "ECONNREFUSED"
          ? "refused"
          : error.code === "ETIMEDOUT"
            ? "timeout"
            : "reset";
      finish({
        ok: false,
        banner: preambleOf()?.banner ?? null,
        connected: connected(),
        code,
        message: error.message,
      });
    });
  });
}
