/**
 * Full handshakes through node:tls: what only a completed handshake tells (ALPN, the stapled OCSP
 * response, session tickets and resumption), and the served chain. The socket under the TLS layer
 * is a tap that records the server's bytes, and the key log is kept, so that served-chain.ts can
 * read the Certificate message exactly as sent. Node's rebuilt chain remains as a fallback.
 *
 * Every outcome is data: a failed handshake is `{ ok: false, code, message }`, never an exception.
 */
import { constants } from "node:crypto";
import { connect as netConnect, Socket } from "node:net";
import { Duplex } from "node:stream";
import {
  DEFAULT_CIPHERS,
  connect as tlsConnect,
  createSecureContext,
  type ConnectionOptions,
  type PeerCertificate,
  type SecureContext,
  type SecureVersion,
  type TLSSocket,
} from "node:tls";
import type { ScanErrorCode } from "../scan-report/types.js";
import type { Endpoint } from "./exchange.js";
import { recoverServedChain } from "./served-chain.js";
import { ticketMaxEarlyData } from "./session-tickets.js";

/** Where to connect and which name to present. */
export interface HandshakeEndpoint {
  address: string;
  port: number;
  /** SNI; null sends none (IP targets). */
  sni: string | null;
  /** ALPN protocols to offer; default OFFERED_ALPN; empty offers none. */
  alpn?: readonly string[];
}

/** ALPN protocols offered by every handshake. */
export const OFFERED_ALPN = ["h2", "http/1.1"] as const;

export interface HandshakeOptions {
  /** Deadline for the whole connection, connect included. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** A session (from an earlier Handshake) to resume. */
  session?: Buffer;
  /** Do not offer session tickets (SSL_OP_NO_TICKET): TLS 1.2 can then only resume by session ID. */
  noTicket?: boolean;
  maxVersion?: SecureVersion;
  /** Lowest version offered; TLSv1 by default. */
  minVersion?: SecureVersion;
  /**
   * signature_algorithms offered (OpenSSL's colon-separated list), to get the chain of one key
   * type from a server holding several; Node's default list when absent.
   */
  sigalgs?: string;
  /**
   * How long to wait after a TLS 1.3 handshake for a NewSessionTicket (it comes after the
   * handshake). 0 does not wait. Bounded by the deadline.
   */
  ticketWaitMs?: number;
  /** Test seam: how to open the TCP connection. */
  connect?: (endpoint: Endpoint) => Socket;
  /**
   * Bytes of the server's that are recorded at most; default MAX_HANDSHAKE_BYTES. A handshake
   * that `reads` only its session records nothing.
   */
  maxBytes?: number;
  /**
   * What the caller will read, so that no CPU goes to the rest: "everything" (default); "served-chain"
   * (the served chain and staple: `nodeChain` and `maxEarlyData` stay null); "session" (whether the
   * handshake resumed and its session: no chain is read, `servedChain`, `nodeChain` and
   * `maxEarlyData` stay null, `ocspResponse` is Node's copy).
   */
  reads?: HandshakeReads;
}

export type HandshakeReads = "everything" | "served-chain" | "session";

/**
 * The most a full handshake records of what the server sends. The largest message the codec
 * reads is 256 KiB and a real first flight is a few KiB: a server that sends more is cut off,
 * so that no server can make the scanner buffer without bound.
 */
export const MAX_HANDSHAKE_BYTES = 2 * 1024 * 1024;

export interface Handshake {
  /** "TLSv1.3", "TLSv1.2", … */
  protocol: string | null;
  /** IANA name of the negotiated suite. */
  cipher: string | null;
  alpn: string | null;
  /** The Certificate message as served, leaf first; null when it could not be read (see servedChainError). */
  servedChain: Uint8Array[] | null;
  servedChainError: string | null;
  /**
   * Node's rebuilt chain (leaf first, possibly reordered and completed from Node's store); null
   * when the options' `reads` left it out.
   */
  nodeChain: Uint8Array[] | null;
  /**
   * The stapled OCSP response, read from the server's flight (Node's copy when the flight could
   * not be read); null when the server stapled none.
   */
  ocspResponse: Uint8Array | null;
  /** The last session Node received (a TLS 1.2 session or a TLS 1.3 ticket), for resumption. */
  session: Buffer | null;
  /** The server issued a session ticket (TLS 1.2 SessionTicket, TLS 1.3 NewSessionTicket). */
  ticketIssued: boolean;
  /** This handshake resumed the session passed in the options. */
  reused: boolean;
  /** max_early_data of the TLS 1.3 ticket received (0 when the ticket allows no early data); null without ticket. */
  maxEarlyData: number | null;
}

export type HandshakeOutcome =
  | { ok: true; handshake: Handshake }
  | {
      ok: false;
      code: ScanErrorCode;
      message: string;
      /**
       * Bytes the server had sent when the handshake failed. A close with 0 is a refusal; a close
       * after the server began its flight is a broken handshake, which says nothing of what the
       * server would have served.
       */
      received: number;
    };

const SOCKET_ERROR_CODES: Readonly<Record<string, ScanErrorCode>> = {
  ECONNREFUSED: "refused",
  EHOSTUNREACH: "refused",
  ENETUNREACH: "refused",
  EADDRNOTAVAIL: "refused",
  ECONNRESET: "reset",
  EPIPE: "reset",
  ETIMEDOUT: "timeout",
  ENOTFOUND: "dns",
  EAI_AGAIN: "dns",
  // A STARTTLS preamble that failed on this connection (probe/starttls/runner.ts).
  ESTARTTLS: "protocol",
};

function classifyError(error: Error & { code?: string }, serverClosed: boolean): ScanErrorCode {
  const code = error.code ?? "";
  if (code.startsWith("ERR_SSL_") || /SSL routines|alert/i.test(error.message)) return "tls";
  if (serverClosed) return "closed";
  return SOCKET_ERROR_CODES[code] ?? "internal";
}

/**
 * The least a TLS 1.3 handshake waits for a session ticket; the wait is three handshake times
 * when that is longer (a far server), never more than `ticketWaitMs`. Measured by
 * `npm run bench:tickets` (openssl s_server and gnutls-serv on loopback): the ticket follows
 * node:tls's secureConnect by under 30 ms with 32 handshakes in flight on a busy machine (p50
 * under 1 ms). A timer that falls due late because the process was busy no longer loses a
 * ticket already received (afterPendingReads), so the floor only covers a slow server: five
 * times the worst seen. It is all a server without tickets costs: about 150 ms, once per
 * target, beside the probes.
 */
export const TICKET_WAIT_FLOOR_MS = 150;

/**
 * Runs `then` once the reads already due are handled. A timer that fell due while the event loop
 * was busy runs before the I/O that arrived meanwhile (timers come before the poll phase); a
 * ticket that is already here must not be judged missing. An immediate runs after the poll phase.
 */
function afterPendingReads(then: () => void): void {
  setImmediate(then);
}

// Security level 0: see legacy servers' certificates too; nothing here is trusted by Node anyway.
const HANDSHAKE_CIPHERS = `${DEFAULT_CIPHERS}:@SECLEVEL=0`;

/**
 * One OpenSSL context per combination of the options that live in it (versions, signature
 * algorithms, SSL_OP_NO_TICKET), shared by every handshake of the process: making one loads the
 * default CA store and the cipher tables, which cost more CPU than the handshake itself. Sharing
 * changes nothing a server sees: Node's contexts keep no internal session cache
 * (SSL_SESS_CACHE_NO_INTERNAL), so a handshake resumes only the session passed to it, and SNI,
 * ALPN, OCSP and the session are set on each connection.
 */
const secureContexts = new Map<string, SecureContext>();
function secureContextFor(options: HandshakeOptions): SecureContext {
  const minVersion = options.minVersion ?? "TLSv1";
  const key = [minVersion, options.maxVersion, options.sigalgs, options.noTicket === true].join(
    "|",
  );
  let context = secureContexts.get(key);
  if (context === undefined) {
    context = createSecureContext({
      minVersion,
      ciphers: HANDSHAKE_CIPHERS,
      ...(options.maxVersion === undefined ? {} : { maxVersion: options.maxVersion }),
      ...(options.sigalgs === undefined ? {} : { sigalgs: options.sigalgs }),
      ...(options.noTicket === true ? { secureOptions: constants.SSL_OP_NO_TICKET } : {}),
    });
    secureContexts.set(key, context);
  }
  return context;
}

/** A stream between TLS and `raw`: the caller pushes what it reads of `raw` into it. */
function tapOf(raw: Socket): Duplex {
  return new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      raw.write(chunk, callback);
    },
    final(callback) {
      raw.end();
      callback();
    },
    destroy(error, callback) {
      raw.destroy();
      callback(error);
    },
  });
}

/** Node's rebuilt peer chain as DER, leaf first. */
function nodePeerChain(socket: TLSSocket): Uint8Array[] {
  const chain: Uint8Array[] = [];
  const seen = new Set<string>();
  let current: PeerCertificate | undefined = socket.getPeerCertificate(true);
  while (current?.raw !== undefined && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    chain.push(new Uint8Array(current.raw));
    const next: PeerCertificate | undefined = (current as { issuerCertificate?: PeerCertificate })
      .issuerCertificate;
    current = next === current ? undefined : next;
  }
  return chain;
}

/**
 * One full handshake: connect to `endpoint.address` only, verification judged afterwards (never
 * enforced), OCSP requested, ALPN offered, then a graceful close (an abrupt one makes OpenSSL
 * servers forget the session). Resolves with the handshake's facts or a failure; never rejects.
 */
export function probeHandshake(
  endpoint: HandshakeEndpoint,
  options: HandshakeOptions,
): Promise<HandshakeOutcome> {
  // Cut before it started (a deadline while waiting for a connection slot): no connection.
  if (options.signal?.aborted === true) {
    return Promise.resolve({ ok: false, code: "internal", message: "scan aborted", received: 0 });
  }
  return new Promise((resolve) => {
    const reads = options.reads ?? "everything";
    // A handshake read only for its session records none of the server's bytes.
    const recording = reads !== "session";
    const received: Buffer[] = [];
    const keylog: string[] = [];
    let serverClosed = false;
    let settled = false;
    let ocspResponse: Uint8Array | null = null;
    let session: Buffer | null = null;
    let sessionWaiter: (() => void) | null = null;
    let ticketTimer: ReturnType<typeof setTimeout> | undefined;
    /** Set once the handshake is complete: judges it (now, or after waiting for a ticket). */
    let afterHandshake: (() => void) | null = null;
    const started = Date.now();

    const raw = (options.connect ?? ((to) => netConnect({ host: to.address, port: to.port })))({
      address: endpoint.address,
      port: endpoint.port,
    });
    // The tap: TLS reads and writes through it, and every byte from the server is recorded.
    // A handshake that records nothing over a TCP socket needs none: TLS then runs on the socket
    // itself (in C++), which saves a JS stream round trip per chunk, and the socket counts what it
    // read. Any other stream (a STARTTLS connection) keeps the tap: it counts the bytes. OpenSSL's
    // own limits and the deadline bound what such a server can send.
    const tap = recording || !(raw instanceof Socket) ? tapOf(raw) : null;
    const maxBytes = options.maxBytes ?? MAX_HANDSHAKE_BYTES;
    let receivedBytes = 0;
    if (tap !== null) {
      raw.on("data", (chunk: Buffer) => {
        if (settled) return;
        receivedBytes += chunk.length;
        if (receivedBytes > maxBytes) {
          // After the handshake (waiting for a ticket) what was recorded is judged; before it, the
          // server is sending more than any handshake needs.
          if (afterHandshake !== null) afterHandshake();
          else
            fail(
              "unparseable",
              `the server sent more than ${maxBytes} bytes without completing the handshake`,
            );
          return;
        }
        received.push(chunk);
        tap.push(chunk);
      });
      raw.on("end", () => {
        serverClosed = true;
        tap.push(null);
      });
    }
    raw.on("error", (error) => failWith(error));

    // requestOCSP is a TLSSocket option that tls.connect passes on (missing from ConnectionOptions).
    const tlsOptions: ConnectionOptions & { requestOCSP: boolean } = {
      socket: tap ?? raw,
      rejectUnauthorized: false,
      requestOCSP: true,
      ...(endpoint.alpn?.length === 0
        ? {}
        : { ALPNProtocols: [...(endpoint.alpn ?? OFFERED_ALPN)] }),
      secureContext: secureContextFor(options),
    };
    if (endpoint.sni !== null) tlsOptions.servername = endpoint.sni;
    if (options.session !== undefined) tlsOptions.session = options.session;
    const socket = tlsConnect(tlsOptions);
    // Without the tap the server's close is seen here.
    if (tap === null) socket.on("end", () => (serverClosed = true));

    const onAbort = (): void => fail("internal", "scan aborted");
    // The deadline is this probe's own timer, cleared when the probe ends.
    // A completed handshake still waiting for a ticket is judged, not thrown away.
    const deadline = setTimeout(() => {
      if (afterHandshake !== null) afterHandshake();
      else fail("timeout", `no completed handshake within ${options.timeoutMs} ms`);
    }, options.timeoutMs);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted === true) queueMicrotask(onAbort);

    /** Bytes the server sent: counted by the tap, or by the socket when TLS runs on it directly. */
    function bytesFromServer(): number {
      return tap === null ? raw.bytesRead : receivedBytes;
    }

    function fail(code: ScanErrorCode, message: string): void {
      finish({ ok: false, code, message, received: bytesFromServer() });
    }

    /** A socket error before the handshake completed; a close names how far the server got. */
    function failWith(error: Error & { code?: string }): void {
      const code = classifyError(error, serverClosed);
      if (code === "closed") closedDuringHandshake();
      else fail(code, error.message);
    }

    function closedDuringHandshake(): void {
      const sent = bytesFromServer();
      fail(
        "closed",
        sent === 0
          ? "the server closed the connection before replying"
          : `the server closed the connection during the handshake, after sending ${sent} bytes`,
      );
    }

    function finish(outcome: HandshakeOutcome, graceful = false): void {
      if (settled) return;
      settled = true;
      clearTimeout(ticketTimer);
      clearTimeout(deadline);
      options.signal?.removeEventListener("abort", onAbort);
      // Later events find `settled` set and do nothing; a late error must not crash the process.
      socket.on("error", () => {});
      raw.on("error", () => {});
      // The connection counts against the target's limit until it is closed: resolve on close.
      if (raw.closed) {
        // Already closed: no close event will come to clear a close timer.
        socket.destroy();
        resolve(outcome);
        return;
      }
      raw.once("close", () => resolve(outcome));
      if (graceful) {
        socket.end();
        // A server that never closes its side is cut off after a second.
        const closeTimer = setTimeout(() => socket.destroy(), 1000);
        raw.once("close", () => clearTimeout(closeTimer));
      } else socket.destroy();
    }

    if (recording) {
      socket.on("keylog", (line: Buffer) => keylog.push(line.toString("latin1").trim()));
    }
    socket.on("OCSPResponse", (response: Buffer | null) => {
      ocspResponse = response === null || response.length === 0 ? null : new Uint8Array(response);
    });
    socket.on("session", (value: Buffer) => {
      session = value;
      sessionWaiter?.();
    });
    // After the handshake, an error or a close while waiting for a ticket ends the wait, not the probe.
    socket.on("error", (error: Error & { code?: string }) => {
      if (afterHandshake !== null) afterHandshake();
      else failWith(error);
    });
    socket.on("close", () => {
      if (afterHandshake !== null) afterHandshake();
      else closedDuringHandshake();
    });
    socket.once("secureConnect", () => {
      const protocol = socket.getProtocol();
      const cipher = socket.getCipher() as { standardName?: string; name: string } | undefined;
      const cipherName = cipher?.standardName ?? cipher?.name ?? null;
      const alpn = typeof socket.alpnProtocol === "string" ? socket.alpnProtocol : null;
      const reused = socket.isSessionReused();
      const tls12Ticket = socket.getTLSTicket() !== undefined;
      // Node's chain is gone once the socket closes (perhaps before `complete`): read it now.
      const nodeChain = reads === "everything" ? nodePeerChain(socket) : null;
      const complete = (): void => {
        if (settled) return;
        const serverBytes = recording ? Buffer.concat(received) : Buffer.alloc(0);
        const recovered = reused
          ? {
              chain: null,
              ocspResponse: null,
              error: "a resumed handshake carries no Certificate message",
            }
          : !recording
            ? { chain: null, ocspResponse: null, error: "the chain was not read" }
            : recoverServedChain(serverBytes, protocol ?? "", cipherName ?? "", keylog);
        const isTls13 = protocol === "TLSv1.3";
        const ticketIssued = isTls13 ? session !== null : tls12Ticket;
        finish(
          {
            ok: true,
            handshake: {
              protocol,
              cipher: cipherName,
              alpn,
              servedChain: recovered.chain,
              servedChainError: recovered.error,
              nodeChain,
              ocspResponse: recovered.chain === null ? ocspResponse : recovered.ocspResponse,
              session: session ?? socket.getSession() ?? null,
              ticketIssued,
              reused,
              maxEarlyData:
                reads === "everything" && isTls13 && session !== null
                  ? ticketMaxEarlyData(serverBytes, cipherName ?? "", keylog)
                  : null,
            },
          },
          true,
        );
      };
      afterHandshake = complete;
      const ticketWaitMs = options.ticketWaitMs ?? 0;
      if (protocol !== "TLSv1.3" || session !== null || ticketWaitMs <= 0) {
        complete();
        return;
      }
      // A server that issues tickets sends them about one round trip after our Finished: wait
      // a few handshake times for one, at least TICKET_WAIT_FLOOR_MS, never more than ticketWaitMs.
      sessionWaiter = complete;
      const wait = Math.min(
        ticketWaitMs,
        Math.max(TICKET_WAIT_FLOOR_MS, 3 * (Date.now() - started)),
      );
      ticketTimer = setTimeout(() => afterPendingReads(complete), wait);
    });
  });
}
