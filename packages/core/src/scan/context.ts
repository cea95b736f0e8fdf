/**
 * What every step of a scan shares: where to connect, the politeness limits, and the errors and
 * probe counts the report will carry.
 */
import type { Socket } from "node:net";
import type { ScanError, ScanErrorCode } from "../scan-report/types.js";
import type { Endpoint } from "../probe/exchange.js";
import { probeHello, probeWithRetry, type ProbeOutcome } from "../probe/hello-probe.js";
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
  #step = "starting";

  constructor(options: ScanContextOptions) {
    this.#options = options;
    this.endpoint = options.endpoint;
    this.sni = options.sni;
    this.hello = helloTarget(options);
    this.#limiter = options.limiter ?? new Limiter(options.concurrency);
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

  /** Sends one hello under the connection limit, retrying failures with backoff. */
  async probe(
    hello: () => Uint8Array,
    options: { stopAtServerHello?: boolean } = {},
  ): Promise<ProbeOutcome> {
    return probeWithRetry(
      () =>
        this.#limiter.run(async () => {
          const outcome = await probeHello(this.endpoint, hello(), {
            timeoutMs: this.#options.timeoutMs,
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
        }),
      {
        retries: this.#options.retries,
        ...(this.#options.signal === undefined ? {} : { signal: this.#options.signal }),
      },
    );
  }

  #report(): void {
    this.#options.onProgress?.({
      target: this.#options.targetLabel,
      step: this.#step,
      probesDone: this.#probes,
    });
  }
}
