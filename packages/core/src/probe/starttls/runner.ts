/**
 * Runs a STARTTLS preamble on every connection of a scan: `starttlsConnector` wraps the scan's
 * TCP connect seam, so probes (exchange.ts), full handshakes and client simulations all get a
 * socket that emits "connect" only after the server's go-ahead, under the same connection limit.
 * Writes made before it (node:tls writes its ClientHello at once) wait for the go-ahead.
 */
import { connect as netConnect, type Socket } from "node:net";
import { Duplex } from "node:stream";
import type { Endpoint } from "../exchange.js";
import { createPreamble } from "./index.js";
import type { Preamble, PreambleSettings, StarttlsProtocol } from "./preamble.js";

export interface StarttlsOptions extends PreambleSettings {
  protocol: StarttlsProtocol;
  /** The target's host name (XMPP's default `to` domain). */
  host: string;
  /** Deadline for each server reply of the preamble, ms. */
  stepTimeoutMs: number;
}

/** How often a busy server is tried again (after 250 ms, doubling; the probe deadline bounds it). */
const BUSY_RETRIES = 6;

/** The error a failed preamble emits: `code` "ESTARTTLS", the message names protocol and step. */
export class StarttlsFailure extends Error {
  override readonly name = "StarttlsFailure" as const;
  readonly code = "ESTARTTLS" as const;
  readonly kind: "refused" | "busy" | "protocol" | "timeout" | "closed";

  constructor(kind: StarttlsFailure["kind"], message: string) {
    super(message);
    this.kind = kind;
  }
}

/**
 * A socket that runs `preamble` over `inner` first. It stands in for a net.Socket for the
 * callers in probe/: they use connect/data/end/close/error, write, end, destroy, setNoDelay.
 */
export class StarttlsSocket extends Duplex {
  /** Whether a TCP connection to the server was established (on any attempt). */
  tcpConnected = false;
  /** The preamble of the current connection (a busy server gets a new one). */
  preamble: Preamble;
  #inner: Socket;
  #ready = false;
  #queued: { chunk: Buffer; callback: (error?: Error | null) => void }[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stepTimeoutMs: number;
  #reconnect: (() => { inner: Socket; preamble: Preamble }) | null;
  #busyRetries = 0;
  #retryPending = false;
  /** The current connection has received bytes from the server. */
  #heard = false;
  /** Retries stop where the next pause would outlast one step's time: the caller's own timer
   * would fire first and report a timeout in place of what the server said. */
  readonly #retryUntil: number;
  /** The server speaks first (a greeting): only then is a silent close a busy server. */
  #serverFirst = false;

  constructor(
    inner: Socket,
    preamble: Preamble,
    stepTimeoutMs: number,
    reconnect: (() => { inner: Socket; preamble: Preamble }) | null = null,
  ) {
    super({ allowHalfOpen: false });
    this.#inner = inner;
    this.preamble = preamble;
    this.#stepTimeoutMs = stepTimeoutMs;
    this.#reconnect = reconnect;
    this.#retryUntil = Date.now() + stepTimeoutMs;
    this.#attach(inner);
  }

  #attach(inner: Socket): void {
    const preamble = this.preamble;
    let connected = false;
    this.#heard = false;
    inner.once("connect", () => {
      connected = true;
      this.tcpConnected = true;
      const first = preamble.start();
      this.#serverFirst = first === null;
      if (first !== null) inner.write(first);
      this.#arm();
    });
    inner.on("data", (chunk: Buffer) => {
      if (inner === this.#inner && !this.#retryPending) this.#onData(chunk);
    });
    inner.once("end", () => {
      if (inner !== this.#inner || this.#retryPending) return;
      if (!this.#ready && !this.#heard && connected && this.#serverFirst && this.#retryBusy()) {
        return;
      }
      if (this.#ready) this.push(null);
      else
        this.#fail(
          new StarttlsFailure("closed", this.#message("the server closed the connection")),
        );
    });
    inner.once("error", (error: Error) => {
      if (inner === this.#inner && !this.#retryPending) this.destroy(error);
    });
    inner.once("close", () => {
      if (inner !== this.#inner || this.#retryPending) return;
      // Closed before a byte of greeting: a daemon over its connection limit does that too.
      if (!this.#ready && !this.#heard && connected && this.#serverFirst && this.#retryBusy()) {
        return;
      }
      if (!this.#ready) {
        this.#fail(new StarttlsFailure("closed", this.#message("the connection closed")));
      } else this.destroy();
    });
  }

  setNoDelay(noDelay?: boolean): this {
    this.#inner.setNoDelay(noDelay);
    return this;
  }

  #message(reason: string): string {
    return `starttls/${this.preamble.protocol}: ${reason} (at ${this.preamble.step})`;
  }

  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(
      () =>
        this.#fail(
          new StarttlsFailure(
            "timeout",
            this.#message(`no reply within ${this.#stepTimeoutMs} ms`),
          ),
        ),
      this.#stepTimeoutMs,
    );
  }

  #onData(chunk: Buffer): void {
    if (this.destroyed) return;
    if (this.#ready) {
      this.push(chunk);
      return;
    }
    this.#heard = true;
    const step = this.preamble.push(chunk);
    if (step.kind === "failed" && step.code === "busy" && this.#retryBusy()) return;
    if (step.kind === "failed") {
      this.#fail(new StarttlsFailure(step.code, step.message));
      return;
    }
    if (step.send !== null) this.#inner.write(step.send);
    if (step.kind === "continue") {
      this.#arm();
      return;
    }
    clearTimeout(this.#timer);
    this.#ready = true;
    for (const { chunk: queued, callback } of this.#queued.splice(0)) {
      this.#inner.write(queued, callback);
    }
    this.emit("connect");
  }

  /**
   * A busy server (too many connections for now) gets a new connection after a pause, a few
   * times, within the probe's own deadline: a burst of probes outruns a daemon's child count.
   */
  #retryBusy(): boolean {
    if (this.#retryPending) return true;
    if (this.#reconnect === null || this.#busyRetries >= BUSY_RETRIES) return false;
    const delay = 250 * 2 ** this.#busyRetries;
    if (Date.now() + delay >= this.#retryUntil) return false;
    this.#retryPending = true;
    this.#busyRetries += 1;
    clearTimeout(this.#timer);
    const reconnect = this.#reconnect;
    const old = this.#inner;
    old.on("error", () => {});
    old.destroy();
    this.#timer = setTimeout(() => {
      this.#retryPending = false;
      if (this.destroyed) return;
      const next = reconnect();
      this.#inner = next.inner;
      this.preamble = next.preamble;
      this.#attach(next.inner);
    }, delay);
    return true;
  }

  #fail(error: StarttlsFailure): void {
    clearTimeout(this.#timer);
    if (!this.destroyed) this.destroy(error);
  }

  override _read(): void {}

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    if (this.#ready) this.#inner.write(chunk, callback);
    else this.#queued.push({ chunk, callback });
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#inner.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.#timer);
    for (const { callback: queued } of this.#queued.splice(0)) queued(error ?? new Error("closed"));
    this.#inner.destroy();
    callback(error);
  }
}

/** The scan's connect seam with the preamble run on every connection. */
export function starttlsConnector(
  options: StarttlsOptions,
  inner: (endpoint: Endpoint) => Socket = (to) => netConnect({ host: to.address, port: to.port }),
): (endpoint: Endpoint) => Socket {
  const settings: PreambleSettings = {
    ...(options.ehloName === undefined ? {} : { ehloName: options.ehloName }),
    ...(options.xmppDomain === undefined ? {} : { xmppDomain: options.xmppDomain }),
  };
  return (endpoint) => {
    const preamble = createPreamble(options.protocol, options.host, settings);
    // Stands in for a net.Socket: the probes use only the part of its interface it implements.
    const reconnect = (): { inner: Socket; preamble: Preamble } => ({
      inner: inner(endpoint),
      preamble: createPreamble(options.protocol, options.host, settings),
    });
    return new StarttlsSocket(
      inner(endpoint),
      preamble,
      options.stepTimeoutMs,
      reconnect,
    ) as unknown as Socket;
  };
}
