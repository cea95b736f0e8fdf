/** The defaults of a run, in one place for the CLI, the Action and the config file. */
import { availableParallelism } from "node:os";

export const RUN_DEFAULTS = {
  /** Preset used when neither the command line, the Action nor the config names a policy. */
  policy: "intermediate",
  failOn: "error",
  inconclusive: "fail",
  /** Per probe, connect to last byte. */
  timeoutMs: 5000,
  /** Connections at once per target. */
  concurrency: 8,
  /** Connections open at once in the whole run, over every target. */
  maxConnections: 256,
  /** Connections open at once to one address, whichever targets share it. */
  maxPerAddress: 64,
  /** A target's whole scan; what is not established by then is null. */
  deadlineMs: 120_000,
  /** The whole run; targets not finished by then are cut like a target at its deadline. */
  runDeadlineMs: 1_800_000,
} as const;

/** Ranges of the numeric settings; a value outside is a plan error. */
export const RUN_LIMITS = {
  timeoutMs: { min: 100, max: 600_000 },
  concurrency: { min: 1, max: 64 },
  maxConnections: { min: 1, max: 4096 },
  maxPerAddress: { min: 1, max: 1024 },
  parallelTargets: { min: 1, max: 1024 },
  deadlineMs: { min: 1_000, max: 3_600_000 },
  runDeadlineMs: { min: 1_000, max: 86_400_000 },
  workers: { min: 1, max: 256 },
} as const;

/**
 * The most worker threads used when none is asked for. Each idle worker costs about 23 MB of
 * RSS and 180 ms of CPU to start, and a scan is mostly waiting on the network, so past a few
 * threads more cores buy little; a larger count can still be asked for.
 */
export const DEFAULT_MAX_WORKERS = 4;

/**
 * Worker threads a fleet is spread over when none is asked for: one per core this process may
 * use, at most DEFAULT_MAX_WORKERS (a fleet below a few dozen targets stays in one thread
 * whatever this says).
 */
export function defaultWorkers(): number {
  return Math.min(DEFAULT_MAX_WORKERS, Math.max(1, availableParallelism()));
}
