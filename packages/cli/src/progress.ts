import type { ProgressEvent } from "@tlsgate/core";

/**
 * One status line on stderr, rewritten in place: per target, the step and the probes done.
 * Only used on a TTY; stdout carries nothing but the chosen format.
 */
export class ProgressLine {
  readonly #write: (text: string) => void;
  readonly #state = new Map<string, ProgressEvent>();
  #last = 0;

  constructor(write: (text: string) => void) {
    this.#write = write;
  }

  update(event: ProgressEvent): void {
    this.#state.set(event.target, event);
    const now = Date.now();
    if (now - this.#last < 80) return; // repaint at most ~12 times a second
    this.#last = now;
    this.#paint();
  }

  done(target: string): void {
    this.#state.delete(target);
    this.#paint();
  }

  clear(): void {
    this.#write("\r\u001b[2K");
  }

  #paint(): void {
    const parts = [...this.#state.values()].map(
      (e) => `${e.target}: ${e.step} (${e.probesDone} probes)`,
    );
    const line = parts.length === 0 ? "" : `scanning ${parts.join(" | ")}`;
    this.#write(`\r\u001b[2K${line.slice(0, (process.stderr.columns ?? 100) - 1)}`);
  }
}
