/**
 * The entry module of a scan worker thread (worker-pool.ts starts it as `./worker.js`, beside the
 * pool's module; a bundle emits it as its own entry point next to the bundle). It loads the
 * registry, trust store and client profiles once, then scans each target it is handed under its
 * share of the run's budget and sends the reports back in batches.
 */
import { parentPort, workerData } from "node:worker_threads";
import { ConnectionBudget, FanOutCut } from "./connection-budget.js";
import { DeadlineReached, scanWithDeadline } from "./deadline.js";
import type { ScanTargetOptions } from "./scan-target.js";
import type { FromWorker, FromWorkerItem, ToWorker, WorkerSetup } from "./worker-pool.js";

const port = parentPort;
if (port === null) throw new Error("worker.js runs only as a worker thread of a tlsgate scan");
const setup = workerData as WorkerSetup;

let outbox: FromWorkerItem[] = [];
let flushing = false;
/** Queues an item; everything queued in one event-loop turn goes in one message. */
function send(item: FromWorkerItem): void {
  outbox.push(item);
  if (flushing) return;
  flushing = true;
  setImmediate(() => {
    flushing = false;
    const items = outbox;
    outbox = [];
    port!.postMessage({ type: "batch", items } satisfies FromWorker);
  });
}

const run = new AbortController();
const runCut = new FanOutCut(run.signal);
const options: ScanTargetOptions = {
  ...setup.options,
  budget: new ConnectionBudget({
    maxConnections: setup.maxConnections,
    maxPerAddress: setup.maxPerAddress,
  }),
  ...(setup.progress ? { onProgress: (event) => send({ kind: "progress", event }) } : {}),
};

port.on("message", (message: ToWorker) => {
  if (message.type === "abort") {
    run.abort(new DeadlineReached("run", message.ms));
    return;
  }
  const { index, target } = message;
  scanWithDeadline(target, options, setup.deadlineMs, runCut).then(
    (report) => send({ kind: "report", index, report }),
    (error: unknown) =>
      send({
        kind: "failed",
        index,
        message: error instanceof Error ? error.message : String(error),
      }),
  );
});
