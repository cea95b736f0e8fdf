/**
 * A target's scan under its own deadline and the run's cut: what both the in-thread fleet loop
 * and a worker thread run for each target, so a cut reads the same wherever the scan ran.
 */
import type { ScanReport } from "../scan-report/types.js";
import type { Target } from "../probe/target.js";
import type { WaitCut } from "./connection-budget.js";
import { scanTarget, type ScanTargetOptions } from "./scan-target.js";

/** Why a scan was cut short; the abort reason its signal carries. */
export class DeadlineReached extends Error {
  override readonly name = "DeadlineReached" as const;
  constructor(
    readonly scope: "target" | "run",
    readonly ms: number | null,
  ) {
    super(
      scope === "target"
        ? `the target's deadline of ${ms} ms was reached: what was not established by then is null`
        : `the run's deadline${ms === null ? "" : ` of ${ms} ms`} was reached: what was not established by then is null`,
    );
  }
}

/**
 * Why the scans still in flight were stopped when the run failed (a scan threw, or a caller's
 * callback did): their reports are never delivered, the run rejects with `cause`.
 */
export class RunFailed extends Error {
  override readonly name = "RunFailed" as const;
  constructor(cause: unknown) {
    super(
      `the run failed (${cause instanceof Error ? cause.message : String(cause)}): the scans still in flight were stopped`,
      { cause },
    );
  }
}

/**
 * One target under its deadline and the run's signal. The timer is ours and cleared when the
 * scan ends (an AbortSignal.timeout can be collected before it fires on Node 20).
 */
export async function scanWithDeadline(
  target: string | Target,
  options: ScanTargetOptions,
  deadlineMs: number | undefined,
  runCut: WaitCut | undefined,
): Promise<ScanReport> {
  const controller = new AbortController();
  const onRunAbort = (): void => {
    const reason: unknown = runCut?.reason;
    controller.abort(
      reason instanceof DeadlineReached || reason instanceof RunFailed
        ? reason
        : new DeadlineReached("run", null),
    );
  };
  let unsubscribe = (): void => undefined;
  if (runCut?.aborted === true) onRunAbort();
  else if (runCut !== undefined) unsubscribe = runCut.subscribe(onRunAbort);
  const timer =
    deadlineMs === undefined
      ? undefined
      : setTimeout(() => controller.abort(new DeadlineReached("target", deadlineMs)), deadlineMs);
  try {
    const report = await scanTarget(target, { ...options, signal: controller.signal });
    const reason: unknown = controller.signal.reason;
    if (controller.signal.aborted && reason instanceof DeadlineReached) {
      report.errors.push({ probe: "deadline", code: "deadline", message: reason.message });
    }
    return report;
  } finally {
    clearTimeout(timer);
    unsubscribe();
  }
}

/** Whether a callback's return value is a promise (or any thenable) to wait for. */
export function isPromiseLike(value: unknown): value is PromiseLike<void> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/**
 * Waits for the reader of a report: the promise `onReport` returned, so that a slow reader (a
 * paused stdout) holds back the targets not yet started instead of their reports piling up in
 * memory. Never past the run's cut: a reader that stalls cannot keep a run beyond its deadline.
 * A rejection is the reader's failure, and the run's; one that comes after the cut is ignored,
 * as the run no longer waits for that reader.
 */
export function untilRead(held: PromiseLike<void>, runCut: WaitCut | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let unsubscribe = (): void => undefined;
    const done = (): void => {
      if (settled) return;
      settled = true;
      unsubscribe();
      resolve();
    };
    held.then(done, (error: unknown) => {
      if (settled) return;
      settled = true;
      unsubscribe();
      reject(error instanceof Error ? error : new Error(String(error)));
    });
    // A thenable that answered at once leaves nothing to subscribe for.
    if (settled) return;
    if (runCut?.aborted === true) done();
    else if (runCut !== undefined) unsubscribe = runCut.subscribe(done);
  });
}

/**
 * The reports of a run delivered and not yet read. Targets start only while none is unread, in
 * one thread as over workers, so what waits for a slow reader is bounded by the targets already
 * in flight. A reader's rejection goes to `failed`; `allRead` runs each time the last one is read
 * (or the run's cut ended the waits).
 */
export class UnreadReports {
  #count = 0;
  #waiting: (() => void)[] = [];
  readonly #runCut: WaitCut | undefined;
  readonly #failed: (error: unknown) => void;
  readonly #allRead: () => void;

  constructor(
    runCut: WaitCut | undefined,
    handlers: { failed: (error: unknown) => void; allRead?: () => void },
  ) {
    this.#runCut = runCut;
    this.#failed = handlers.failed;
    this.#allRead = handlers.allRead ?? (() => undefined);
  }

  get count(): number {
    return this.#count;
  }

  /** Counts `held` (what `onReport` returned) as unread until it settles. */
  add(held: PromiseLike<void>): void {
    this.#count += 1;
    untilRead(held, this.#runCut).then(
      () => this.#read(),
      (error: unknown) => {
        this.#failed(error);
        this.#read();
      },
    );
  }

  /** Resolves once every report delivered so far is read: at once when none is unread. */
  allRead(): Promise<void> {
    if (this.#count === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #read(): void {
    this.#count -= 1;
    if (this.#count > 0) return;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const resolve of waiting) resolve();
    this.#allRead();
  }
}
