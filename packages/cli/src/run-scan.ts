/**
 * The scan pipeline shared by `tlsgate scan` and `tlsgate demo`: parse every target and load
 * every policy first (bad input fails before any connection), scan, evaluate, write, gate.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  PolicyCache,
  evaluate,
  parseTarget,
  scanTargets,
  selectClientProfiles,
  type CompiledPolicy,
  type Evaluation,
  type GateOptions,
  type ScanReport,
  type Target,
} from "@tlsgate/core";
import { UsageError } from "./errors.js";
import type { ExitCode } from "./exit-codes.js";
import { exitCodeOf } from "./gate.js";
import { writeOutputs, type OutputSpec } from "./outputs.js";
import { ProgressLine } from "./progress.js";
import type { Io } from "./io.js";

export interface ScanJob {
  target: string;
  policy: string;
  /** Folder the policy reference is resolved from. */
  policyDir: string;
  port?: number;
  sni?: string;
}

export interface RunScanOptions {
  gate: GateOptions;
  /** CA bundle files (PEM). */
  ca: readonly string[];
  timeoutMs: number;
  /** Connections at once per target. */
  concurrency: number;
  /** Targets scanned at once. */
  parallelTargets?: number;
  outputs: readonly OutputSpec[];
  /** Client handshake simulation; none when absent. */
  clients?: "default" | "all" | string[];
  color: boolean;
  progress: boolean;
  io: Io;
}

export interface RunScanResult {
  exitCode: ExitCode;
  reports: ScanReport[];
  evaluations: Evaluation[];
}

export async function runScan(
  jobs: readonly ScanJob[],
  options: RunScanOptions,
): Promise<RunScanResult> {
  if (jobs.length === 0)
    throw new UsageError("no targets: name one or more, or use --targets-file");
  const planned = jobs.map((job) => ({ job, target: targetOf(job) }));
  // Unknown client names fail before any connection, like bad targets and policies.
  if (options.clients !== undefined) selectClientProfiles(options.clients);
  const cache = new PolicyCache();
  const policies = planned.map(({ job }) => cache.get(job.policy, job.policyDir));
  const ca = options.ca.map((file) => {
    try {
      return readFileSync(resolve(file), "utf8");
    } catch (error) {
      throw new UsageError(`cannot read CA bundle ${file}: ${(error as Error).message}`);
    }
  });

  const progress = options.progress ? new ProgressLine(options.io.stderr) : null;
  const reports = await scanTargets(
    planned.map(({ target }) => target),
    {
      timeoutMs: options.timeoutMs,
      concurrency: options.concurrency,
      ca,
      ...(options.parallelTargets === undefined
        ? {}
        : { parallelTargets: options.parallelTargets }),
      ...(options.clients === undefined ? {} : { clients: options.clients }),
      ...(progress === null
        ? {}
        : {
            onProgress: (event) => progress.update(event),
            onReport: (report) => progress.done(report.target.input),
          }),
    },
  );
  progress?.clear();

  const evaluations = reports.map((report, i) => evaluate(policies[i] as CompiledPolicy, report));
  writeOutputs(options.outputs, evaluations, reports, {
    gate: options.gate,
    color: options.color,
    stdout: options.io.stdout,
  });
  return { exitCode: exitCodeOf(evaluations, reports, options.gate), reports, evaluations };
}

function targetOf(job: ScanJob): Target {
  const parsed = parseTarget(job.target);
  return {
    ...parsed,
    ...(job.port === undefined ? {} : { port: job.port }),
    // A configured SNI is also the name the certificate must match, as with host@ip.
    ...(job.sni === undefined ? {} : { sni: job.sni, host: job.sni }),
  };
}
