/**
 * What every step of a scan shares: where to connect, the politeness limits, and the errors and
 * probe counts the report will carry.
 */
import type { Socket } from "node:net";
import type { ScanError, ScanErrorCode } from "../scan-report/types.js";
import type { Endpoint } from "../probe/exchange.js";
import {
  HalfCloseState,
  probeHello,
  probeMaybeHalfClosed,
  probeWithRetry,
  type ProbeOutcome,
} from "../probe/hello-probe.js";
import { helloTarget, type HelloTarget } from "../probe/client-hellos.js";
import { Limiter, type ConnectionSlots } from "./limiter.js";

export interface ProgressEvent {
  target: string;
  step: string;
  probesDone: number;
}

export interface ScanContextOptions {
  endpoint: Endpoint;
  sni: string | null;
  /** ALPN every hello offers (PostgreSQL direct TLS); none when absent or empty. */
  alpn?: readonly string[] | undefined;
  targetLabel: string;
  timeoutMs: number;
  concurrency: number;
  retries: number;
  signal?: AbortSignal | undefined;
  onProgress?: ((event: ProgressEvent) => void) | undefined;
  connect?: ((endpoint: Endpoint) => Socket) | undefined;
  /** The target's connection limiter, when the scan shares it; else one of `concurrency`. */
  limiter?: ConnectionSlots | undefined;
  /**
   * Half-close every hello probe (see `probe`); off for STARTTLS, whose preamble runs on the
   * connection before the hello. A HalfCloseState shares what the scan learns of it with the
   * target's other probes.
   */
  halfClose?: boolean | HalfCloseState | undefined;
}

export class ScanContext {
  readonly endpoint: Endpoint;
  readonly sni: string | null;
  /** Spread into every buildClientHello: the SNI and the target's ALPN. */
  readonly hello: HelloTarget;
  readonly errors: ScanError[] = [];
  readonly #options: ScanContextOptions;
  readonly #limiter: ConnectionSlots;
  #probes = 0;
  #connected = false;
  readonly #halfClose: HalfCloseState;
  #step = "starting";

  constructor(options: ScanContextOptions) {
    this.#options = options;
    this.endpoint = options.endpoint;
    this.sni = options.sni;
    this.hello = helloTarget(options);
    this.#limiter = options.limiter ?? new Limiter(options.concurrency);
    this.#halfClose =
      options.halfClose instanceof HalfCloseState
        ? options.halfClose
        : new HalfCloseState(options.halfClose === true);
  }

  get probes(): number {
    return this.#probes;
  }

  /** Whether any TCP connection to the target was established. */
  get connected(): boolean {
    return this.#connected;
  }

  step(name: string): void {
    this.#step = name;
    this.#report();
  }

  error(probe: string, code: ScanErrorCode, message: string): void {
    this.errors.push({ probe, code, message });
  }

  /**
   * Sends one hello under the connection limit, retrying failures with backoff.
   *
   * The hello goes out with a half-close: a server that serves one connection at a time
   * (`openssl s_server`, `gnutls-serv`, small embedded stacks) then answers the connections
   * waiting behind it back to back, instead of one round trip each while it waits for the
   * client's close. Whatever a half-close may have cut short — a close without an alert, a
   * failure, a flight that stopped early — is asked again the usual way, so that the answer is
   * the one a plain hello gets, and so is a timeout until a half-closed hello was answered in
   * full (a relay may stop forwarding on the client's FIN); once a half-close changed an answer,
   * it is off for the target.
   */
  async probe(
    hello: () => Uint8Array,
    options: { stopAtServerHello?: boolean } = {},
  ): Promise<ProbeOutcome> {
    return probeWithRetry(
      () =>
        this.#limiter.run(() => {
          const bytes = hello();
          return probeMaybeHalfClosed(
            (halfClose) => this.#probeOnce(bytes, options, halfClose),
            this.#halfClose,
            options.stopAtServerHello === true,
          );
        }),
      {
        retries: this.#options.retries,
        ...(this.#options.signal === undefined ? {} : { signal: this.#options.signal }),
      },
    );
  }

  async #probeOnce(
    hello: Uint8Array,
    options: { stopAtServerHello?: boolean },
    halfClose: boolean,
  ): Promise<ProbeOutcome> {
    const outcome = await probeHello(this.endpoint, hello, {
      timeoutMs: this.#options.timeoutMs,
      halfClose,
      onConnect: () => {
        this.#connected = true;
      },
      ...(options.stopAtServerHello === undefined
        ? {}
        : { stopAtServerHello: options.stopAtServerHello }),
      ...(this.#options.signal === undefined ? {} : { signal: this.#options.signal }),
      ...(this.#options.connect === undefined ? {} : { connect: this.#options.connect }),
    });
    this.#probes += 1;
    this.#report();
    return outcome;
  }

  #report(): void {
    this.#options.onProgress?.({
      target: this.#options.targetLabel,
      step: this.#step,
      probesDone: this.#probes,
    });
  }
}
