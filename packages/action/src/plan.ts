/**
 * From inputs (and the config file) to the list of scans this job runs: which targets, with
 * which policy, after sharding. Input plumbing only: nothing here opens a connection.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { FailOn } from "@tlsgate/core";
import { CONFIG_FILE, readConfig } from "./config.js";
import {
  InputError,
  parseTargetsInput,
  selectShard,
  type ActionInputs,
  type Shard,
} from "./inputs.js";

export const DEFAULT_POLICY = "intermediate";
export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_CONCURRENCY = 8;

export interface ScanJob {
  /** As written: host, host:port, https://host/, host@ip. */
  target: string;
  /** Preset name, policy file or package. */
  policy: string;
  /** Folder the policy reference resolves from. */
  policyDir: string;
  port?: number;
  sni?: string;
}

export interface ScanPlan {
  /** The scans of this job (this shard's, when sharded). */
  jobs: ScanJob[];
  /** Distinct targets before sharding. */
  total: number;
  shard: Shard | null;
  gate: { failOn: FailOn; inconclusive: "fail" | "pass" };
  /** CA bundles (absolute paths). */
  caFiles: string[];
  timeoutMs: number;
  concurrency: number;
  /** The config file used (absolute), or null. */
  configFile: string | null;
}

export function planScan(inputs: ActionInputs, cwd: string): ScanPlan {
  const fromInputs = [...inputs.targets];
  if (inputs.targetsFile !== null) {
    let text: string;
    try {
      text = readFileSync(resolve(cwd, inputs.targetsFile), "utf8");
    } catch (error) {
      throw new InputError("targets-file", `cannot read ${inputs.targetsFile}`, { cause: error });
    }
    fromInputs.push(...parseTargetsInput(text));
  }
  const targets = [...new Set(fromInputs)];

  // Like the CLI: tlsgate.config.json is read when present and no targets are named.
  const configPath =
    inputs.config ??
    (targets.length === 0 && existsSync(resolve(cwd, CONFIG_FILE)) ? CONFIG_FILE : null);
  const loaded = configPath === null ? null : readConfig(configPath, cwd);
  const config = loaded?.config;

  // A policy input is relative to the workspace; the config's policies to the config file.
  const defaultPolicy = inputs.policy ?? config?.policy ?? DEFAULT_POLICY;
  const defaultDir = inputs.policy === null && loaded !== null ? loaded.dir : cwd;
  const jobs: ScanJob[] = targets.map((target) => ({
    target,
    policy: defaultPolicy,
    policyDir: defaultDir,
  }));
  if (targets.length === 0 && loaded !== null) {
    for (const item of loaded.config.targets) {
      const entry = typeof item === "string" ? { target: item } : item;
      jobs.push({
        target: entry.target,
        policy: entry.policy ?? defaultPolicy,
        policyDir: entry.policy === undefined ? defaultDir : loaded.dir,
        ...(entry.port === undefined ? {} : { port: entry.port }),
        ...(entry.sni === undefined ? {} : { sni: entry.sni }),
      });
    }
  }
  if (jobs.length === 0) {
    throw new InputError("targets", "no targets: set targets, targets-file or config");
  }

  // Shard by the target as written, so that every scan of a target lands in the same shard and
  // the shards' reports merge without overlap.
  const distinct = [...new Set(jobs.map((job) => job.target))];
  const selected = inputs.shard === null ? null : new Set(selectShard(distinct, inputs.shard));
  return {
    jobs: selected === null ? jobs : jobs.filter((job) => selected.has(job.target)),
    total: distinct.length,
    shard: inputs.shard,
    gate: {
      failOn: inputs.failOn ?? config?.failOn ?? "error",
      inconclusive: config?.inconclusive ?? "fail",
    },
    caFiles: [
      ...inputs.caFiles.map((file) => resolve(cwd, file)),
      ...(config?.ca ?? []).map((file) => resolve(loaded!.dir, file)),
    ],
    timeoutMs: inputs.timeoutMs ?? config?.timeout ?? DEFAULT_TIMEOUT_MS,
    concurrency: inputs.concurrency ?? config?.concurrency ?? DEFAULT_CONCURRENCY,
    configFile: loaded?.file ?? null,
  };
}
