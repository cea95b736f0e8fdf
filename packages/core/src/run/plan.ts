/**
 * planRun(): what the CLI and the Action read (targets, policy references, a config file,
 * options as written) turned into a validated plan, with every problem found at once. Nothing
 * connects anywhere: a plan with errors is never run.
 */
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createTrustStore } from "../cert/trust-store.js";
import { CONFIG_FILE, ConfigError, loadConfig, type LoadedConfig } from "../config/config.js";
import { TlsgateError } from "../errors.js";
import { displayPath } from "../policy/errors.js";
import { PolicyCache, policyFileOf } from "../policy/named-policy.js";
import type { CompiledPolicy } from "../policy/evaluate.js";
import { FAIL_ON, type GateOptions, type Waiver } from "../policy/types.js";
import {
  checkWaiverDate,
  DEFAULT_MAX_WAIVER_DAYS,
  parseDay,
  waiverDateError,
} from "../policy/waivers.js";
import { didYouMean } from "../policy/suggest.js";
import { parseTarget, type Target } from "../probe/target.js";
import {
  SERVICE_PROTOCOLS,
  isServiceProtocol,
  type ServiceProtocol,
} from "../probe/starttls/postgres-direct.js";
import { selectClientProfiles, type ClientSelection } from "../registry/client-profiles.js";
import type { ScanReport } from "../scan-report/types.js";
import { defaultWorkers, RUN_DEFAULTS, RUN_LIMITS } from "./defaults.js";
import { readSavedResults } from "./saved-results.js";
import { InputError } from "./input-error.js";
import { parseShard, parseTargetList, selectShard, type Shard } from "./target-list.js";

/** A run's settings as a shell read them: strings as typed, unset as undefined or null. */
export interface RunInput {
  /** Relative paths (targets file, policy, CA, config, outputs) resolve from here. */
  cwd: string;
  /** Targets as written: host, host:port, https://host/, [v6]:port, host@ip. */
  targets?: readonly string[];
  targetsFile?: string | null;
  /** Preset, policy file or package, for every target that names none. */
  policy?: string | null;
  /** A config file; by default ./tlsgate.config.json when it exists. `false`: none. */
  config?: string | false | null;
  /** CA bundles (PEM) to trust besides Node's roots. */
  ca?: readonly string[];
  failOn?: string | null;
  inconclusive?: string | null;
  /** Milliseconds per probe. */
  timeout?: string | number | null;
  /** Connections at once per target. */
  concurrency?: string | number | null;
  /** Connections open at once in the whole run. */
  maxConnections?: string | number | null;
  /** Connections open at once to one address. */
  maxPerAddress?: string | number | null;
  /** Targets in flight at once; by default enough to keep the connection budget full. */
  parallelTargets?: string | number | null;
  /** Milliseconds a target's scan may take in all. */
  deadline?: string | number | null;
  /** Worker threads a large fleet is spread over; by default one per core, at most 4, 1: this thread. */
  workers?: string | number | null;
  /** Milliseconds the whole run may take. */
  runDeadline?: string | number | null;
  /** "default", "all", or client names, comma-separated. */
  clients?: string | null;
  /** Scan every address a host name resolves to (A and AAAA), one report each. */
  allAddresses?: boolean | string | null;
  /** `--starttls PROTOCOL`: the preamble for targets written without a service scheme. */
  starttls?: string | null;
  /** `--ehlo NAME`: the SMTP/LMTP EHLO name. */
  ehlo?: string | null;
  /** `--xmpp-domain NAME`: the XMPP stream's `to` domain. */
  xmppDomain?: string | null;
  /** `i/n`: this job's slice of the targets. */
  shard?: string | null;
  /**
   * Saved results to judge instead of scanning (`tlsgate check --scan FILE`): ScanReports or
   * tlsgate JSON output. Not together with targets.
   */
  reports?: readonly string[];
  /** Folders outside the policy's repository that `extends` may read files from. */
  allowPolicyPaths?: readonly string[];
  /** Files the run will write: checked writable before any connection. */
  outputFiles?: readonly string[];
  /** The date waivers are judged at, YYYY-MM-DD (default: today, UTC). */
  now?: string | null;
}

/** One target of the plan, with the policy it is judged by. */
export interface PlannedTarget {
  /** The target as written. */
  input: string;
  /** Where to scan; null for a saved report. */
  target: Target | null;
  /**
   * A report judged as it is, without scanning: a saved report, or a name `--all-addresses` could
   * not scan (failed look-up, addresses over the cap); null when scanning.
   */
  saved: ScanReport | null;
  policy: CompiledPolicy;
  /** The policy as referenced, and the file it names (absolute), or null for a preset/package. */
  policyRef: string;
  policyFile: string | null;
}

export interface RunPlan {
  /** This job's targets (this shard's, when sharded). */
  targets: PlannedTarget[];
  /** Distinct targets before sharding. */
  total: number;
  shard: Shard | null;
  gate: Required<GateOptions>;
  timeoutMs: number;
  concurrency: number;
  maxConnections: number;
  maxPerAddress: number;
  parallelTargets: number;
  /** Worker threads for a fleet (used only when it has enough targets to pay for them). */
  workers: number;
  deadlineMs: number;
  runDeadlineMs: number;
  /** PEM text of the extra trust anchors. */
  ca: string[];
  clients: ClientSelection | null;
  /** Every address of a host name is scanned, one report each (`host@address:port`). */
  allAddresses: boolean;
  /** STARTTLS settings (`--ehlo`, `--xmpp-domain`); empty when not given. */
  starttls: { ehloName?: string; xmppDomain?: string };
  /** The config file used (absolute), or null. */
  configFile: string | null;
  /** The date waivers are judged at. */
  now: Date;
  /** The config file's waivers (each policy's own are in its CompiledPolicy). */
  waivers: Waiver[];
}

export interface PlanResult {
  /** Null when there are errors. */
  plan: RunPlan | null;
  warnings: string[];
  /** Every problem, each a TlsgateError the shells print in one line (or one per issue). */
  errors: TlsgateError[];
}

interface Job {
  input: string;
  saved?: ScanReport;
  policy: string;
  policyDir: string;
  port?: number;
  sni?: string;
}

export function planRun(input: RunInput): PlanResult {
  const errors: TlsgateError[] = [];
  const warnings: string[] = [];
  const { cwd } = input;
  // Every check below runs whatever failed before it, so one attempt shows every problem.
  const attempt = <T>(work: () => T): T | undefined => {
    try {
      return work();
    } catch (error) {
      if (error instanceof TlsgateError) {
        errors.push(error);
        return undefined;
      }
      throw error;
    }
  };

  const loaded = attempt(() => readConfig(input)) ?? null;
  const config = loaded?.config;

  const failOn = pick("fail-on", input.failOn, config?.failOn, RUN_DEFAULTS.failOn, FAIL_ON);
  const inconclusive = pick("inconclusive", input.inconclusive, config?.inconclusive, "fail", [
    "fail",
    "pass",
  ] as const);
  const timeoutMs = integer("timeout", input.timeout, config?.timeout, RUN_DEFAULTS.timeoutMs);
  const concurrency = integer(
    "concurrency",
    input.concurrency,
    config?.concurrency,
    RUN_DEFAULTS.concurrency,
  );
  const maxConnections = integer(
    "max-connections",
    input.maxConnections,
    config?.maxConnections,
    RUN_DEFAULTS.maxConnections,
  );
  const maxPerAddress = integer(
    "max-per-address",
    input.maxPerAddress,
    config?.maxPerAddress,
    RUN_DEFAULTS.maxPerAddress,
  );
  // Twice the targets the budget could serve at once, so it stays full while some wait.
  const parallelTargets = integer(
    "parallel-targets",
    input.parallelTargets,
    undefined,
    Math.min(
      RUN_LIMITS.parallelTargets.max,
      Math.ceil(
        (2 * (maxConnections ?? RUN_DEFAULTS.maxConnections)) /
          (concurrency ?? RUN_DEFAULTS.concurrency),
      ),
    ),
  );
  const workers = integer("workers", input.workers, config?.workers, defaultWorkers());
  const deadlineMs = integer("deadline", input.deadline, config?.deadline, RUN_DEFAULTS.deadlineMs);
  const runDeadlineMs = integer(
    "run-deadline",
    input.runDeadline,
    config?.runDeadline,
    RUN_DEFAULTS.runDeadlineMs,
  );
  const clients = attempt(() => parseClients(input.clients)) ?? null;
  const allAddresses = flag("all-addresses", input.allAddresses, config?.allAddresses);
  const starttlsName = nonEmpty(input.starttls);
  const starttls =
    starttlsName === null
      ? undefined
      : isServiceProtocol(starttlsName)
        ? starttlsName
        : fail(
            "starttls",
            `expected one of ${SERVICE_PROTOCOLS.join(", ")}, got ${JSON.stringify(starttlsName)}`,
          );
  const ehloName = nonEmpty(input.ehlo);
  const xmppDomain = nonEmpty(input.xmppDomain);
  const shard: Shard | null =
    nonEmpty(input.shard) === null
      ? null
      : (parseShard(input.shard!) ??
        fail("shard", `expected "i/n" with 1 <= i <= n, got ${JSON.stringify(input.shard)}`) ??
        null);

  // A policy named by the shell resolves from the working directory; one from the config file
  // from the config file's folder.
  const defaultPolicy = nonEmpty(input.policy) ?? config?.policy ?? RUN_DEFAULTS.policy;
  const defaultDir = nonEmpty(input.policy) === null && loaded !== null ? loaded.dir : cwd;
  const named = [
    ...(input.targets ?? []).map((target) => target.trim()).filter((target) => target !== ""),
    ...(attempt(() => readTargetsFile(input.targetsFile, cwd)) ?? []),
  ];
  const jobs: Job[] = named.map((target) => ({
    input: target,
    policy: defaultPolicy,
    policyDir: defaultDir,
  }));
  const savedFiles = input.reports ?? [];
  if (savedFiles.length > 0 && named.length > 0) {
    fail("scan", "saved reports and targets do not go together: judge one or scan the other");
  }
  for (const file of savedFiles) {
    const saved = attempt(() => readSavedResults(resolve(cwd, file), file));
    for (const report of saved?.reports ?? []) {
      jobs.push({
        input: report.target.input,
        saved: report,
        policy: defaultPolicy,
        policyDir: defaultDir,
      });
    }
  }
  const judgingSaved = input.reports !== undefined;
  if (judgingSaved) {
    // Judging what was saved: the config's targets are not what is being judged.
  } else if (named.length > 0 && loaded !== null && loaded.config.targets.length > 0) {
    warnings.push(
      `${loaded.file}: its ${loaded.config.targets.length} target(s) are not scanned, since targets were named`,
    );
  }
  if (!judgingSaved && named.length === 0 && loaded !== null) {
    for (const item of loaded.config.targets) {
      const entry = typeof item === "string" ? { target: item } : item;
      jobs.push({
        input: entry.target,
        policy: entry.policy ?? defaultPolicy,
        policyDir: entry.policy === undefined ? defaultDir : loaded.dir,
        ...(entry.port === undefined ? {} : { port: entry.port }),
        ...(entry.sni === undefined ? {} : { sni: entry.sni }),
      });
    }
  }
  // Saved reports are judged as given (two reports of one target are two results).
  const unique = judgingSaved ? jobs : dropDuplicates(jobs, warnings);
  const targetsUnread = errors.some(
    (e) =>
      e instanceof ConfigError ||
      (e instanceof InputError && (e.field === "targets-file" || e.field === "scan")),
  );
  if (unique.length === 0 && !targetsUnread) {
    errors.push(
      judgingSaved
        ? new InputError("nothing-to-do", "scan", "no reports to judge: name a saved report")
        : new InputError(
            "nothing-to-do",
            "targets",
            "no targets: name one or more, a targets file, or a config file with targets",
          ),
    );
  }

  // Shard by the target as written, so every scan of a target lands in the same shard and the
  // shards' reports merge without overlap.
  const distinct = [...new Set(unique.map((job) => job.input))];
  const selected = shard === null ? null : new Set(selectShard(distinct, shard));
  const mine = selected === null ? unique : unique.filter((job) => selected.has(job.input));
  if (shard !== null && mine.length === 0 && unique.length > 0) {
    warnings.push(`shard ${shard.index}/${shard.count} has no targets (${distinct.length} in all)`);
  }

  const policies = new PolicyCache({
    allowPaths: (input.allowPolicyPaths ?? []).map((dir) => resolve(cwd, dir)),
  });
  const failedPolicies = new Set<string>();
  const planned: PlannedTarget[] = [];
  for (const job of mine) {
    const target = job.saved === undefined ? attempt(() => targetOf(job, starttls)) : null;
    const key = `${resolve(job.policyDir)}\0${job.policy}`;
    // A broken policy shared by many targets is one problem, not one per target.
    const policy = failedPolicies.has(key)
      ? undefined
      : attempt(() => policies.get(job.policy, job.policyDir));
    if (policy === undefined) failedPolicies.add(key);
    if (target === undefined || policy === undefined) continue;
    planned.push({
      input: job.input,
      target,
      saved: job.saved ?? null,
      policy,
      policyRef: job.policy,
      policyFile: policyFileOf(job.policy, job.policyDir),
    });
  }

  const caFiles = [
    ...(input.ca ?? []).map((file) => ({ file, path: resolve(cwd, file) })),
    ...(config?.ca ?? []).map((file) => ({ file, path: resolve(loaded!.dir, file) })),
  ];
  const ca = caFiles.flatMap(({ file, path }) => attempt(() => readCaBundle(file, path)) ?? []);
  for (const file of input.outputFiles ?? []) attempt(() => checkWritable(file, cwd));

  const now = attempt(() => parseNow(input.now)) ?? new Date();
  errors.push(...checkRunWaivers([...new Set(planned.map((p) => p.policy))], loaded, now));
  const configWaivers = loaded?.waivers ?? [];

  if (errors.length > 0) return { plan: null, warnings, errors };
  return {
    plan: {
      targets: planned,
      total: distinct.length,
      shard,
      gate: { failOn: failOn!, inconclusive: inconclusive! },
      timeoutMs: timeoutMs!,
      concurrency: concurrency!,
      maxConnections: maxConnections!,
      maxPerAddress: maxPerAddress!,
      parallelTargets: parallelTargets!,
      workers: workers!,
      deadlineMs: deadlineMs!,
      runDeadlineMs: runDeadlineMs!,
      ca,
      clients,
      allAddresses: allAddresses!,
      starttls: {
        ...(ehloName === null ? {} : { ehloName }),
        ...(xmppDomain === null ? {} : { xmppDomain }),
      },
      configFile: loaded?.file ?? null,
      now,
      waivers: configWaivers,
    },
    warnings,
    errors,
  };

  function fail(field: string, message: string): undefined {
    errors.push(new InputError("invalid-option", field, message));
    return undefined;
  }

  function pick<T extends string>(
    field: string,
    value: string | null | undefined,
    fromConfig: T | undefined,
    fallback: T,
    allowed: readonly T[],
  ): T | undefined {
    const text = nonEmpty(value);
    if (text === null) return fromConfig ?? fallback;
    if ((allowed as readonly string[]).includes(text)) return text as T;
    return fail(field, `expected one of ${allowed.join(", ")}, got ${JSON.stringify(text)}`);
  }

  function flag(
    field: string,
    value: boolean | string | null | undefined,
    fromConfig: boolean | undefined,
  ): boolean | undefined {
    if (typeof value === "boolean") return value;
    const text = nonEmpty(value);
    if (text === null) return fromConfig ?? false;
    if (text === "true" || text === "false") return text === "true";
    return fail(field, `expected true or false, got ${JSON.stringify(text)}`);
  }

  function integer(
    field: keyof typeof LIMIT_OF,
    value: string | number | null | undefined,
    fromConfig: number | undefined,
    fallback: number,
  ): number | undefined {
    const limits = RUN_LIMITS[LIMIT_OF[field]];
    const text = typeof value === "number" ? String(value) : nonEmpty(value);
    if (text === null) return fromConfig ?? fallback;
    const n = /^[0-9]{1,9}$/.test(text) ? Number(text) : NaN;
    if (Number.isInteger(n) && n >= limits.min && n <= limits.max) return n;
    return fail(
      field,
      `expected a whole number from ${limits.min} to ${limits.max}, got ${JSON.stringify(text)}`,
    );
  }
}

/** Which range each numeric setting (by its neutral name) is checked against. */
const LIMIT_OF = {
  timeout: "timeoutMs",
  concurrency: "concurrency",
  "max-connections": "maxConnections",
  "max-per-address": "maxPerAddress",
  "parallel-targets": "parallelTargets",
  workers: "workers",
  deadline: "deadlineMs",
  "run-deadline": "runDeadlineMs",
} as const;

/**
 * Every problem with the waivers a run applies, as planRun refuses them: a waiver (in a policy
 * or the config file) that expires further ahead than `maxWaiverDays` allows, and a config
 * waiver of a rule that none of `policies` has. With no policies (they failed to load) rule
 * names are not judged.
 */
export function checkRunWaivers(
  policies: readonly CompiledPolicy[],
  config: LoadedConfig | null,
  now: Date,
): TlsgateError[] {
  const errors: TlsgateError[] = [];
  const maxWaiverDays = config?.config.maxWaiverDays ?? DEFAULT_MAX_WAIVER_DAYS;
  for (const policy of new Set(policies)) {
    for (const waiver of policy.waivers) {
      const problem = checkWaiverDate(waiver, now, maxWaiverDays);
      if (problem !== null) errors.push(waiverDateError(waiver, problem));
    }
  }
  if (config === null) return errors;
  const knownRules = new Set(policies.flatMap((p) => [...Object.keys(p.info), ...p.off]));
  for (const waiver of config.waivers) {
    const problem = checkWaiverDate(waiver, now, maxWaiverDays);
    if (problem !== null) {
      errors.push(configWaiverError(config.file, waiver, "/expires", waiver.expiresAt, problem));
    }
    if (policies.length > 0 && !knownRules.has(waiver.rule)) {
      const message = `waiver of ${waiver.rule}: no policy of this run has that rule${didYouMean(waiver.rule, knownRules)}`;
      errors.push(configWaiverError(config.file, waiver, "/rule", waiver.source, message));
    }
  }
  return errors;
}

/** `--now YYYY-MM-DD`: midnight UTC of that day; unset: null (the caller uses the clock). */
export function parseNow(value: string | null | undefined): Date | null {
  const text = nonEmpty(value);
  if (text === null) return null;
  const day = parseDay(text);
  if (day === null) {
    throw new InputError(
      "invalid-option",
      "now",
      `expected a date like 2027-03-31, got ${JSON.stringify(text)}`,
    );
  }
  return new Date(day * 24 * 60 * 60 * 1000);
}

function configWaiverError(
  file: string,
  waiver: Waiver,
  field: string,
  at: { line: number | null; column: number | null },
  message: string,
): ConfigError {
  return new ConfigError("invalid", displayPath(file), [
    { pointer: `${waiver.source.pointer}${field}`, message, line: at.line, column: at.column },
  ]);
}

function nonEmpty(value: string | null | undefined): string | null {
  const text = value?.trim();
  return text === undefined || text === "" ? null : text;
}

function readConfig(input: RunInput): LoadedConfig | null {
  if (input.config === false) return null;
  const named = nonEmpty(input.config);
  if (named !== null) return loadConfig(named, input.cwd);
  return existsSync(resolve(input.cwd, CONFIG_FILE)) ? loadConfig(CONFIG_FILE, input.cwd) : null;
}

function readTargetsFile(file: string | null | undefined, cwd: string): string[] {
  const named = nonEmpty(file);
  if (named === null) return [];
  return parseTargetList(readText(named, resolve(cwd, named), "targets-file"));
}

/** A small regular file's text; anything else is an InputError naming `field`. */
function readText(file: string, path: string, field: string): string {
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new Error("not a regular file");
    if (stat.size > 16 * 1024 * 1024) throw new Error("larger than 16 MiB");
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new InputError("unreadable", field, `cannot read ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function readCaBundle(file: string, path: string): string {
  const pem = readText(file, path, "ca");
  // Parsed now so that a file without a certificate fails the plan, not the scan.
  try {
    createTrustStore([pem]);
  } catch (error) {
    if (!(error instanceof TlsgateError)) throw error;
    throw new InputError("unreadable", "ca", `${file}: ${error.message}`, { cause: error });
  }
  return pem;
}

/** "default", "all", or names (which may include "default"); unknown names fail here. */
function parseClients(value: string | null | undefined): ClientSelection | null {
  const text = nonEmpty(value);
  if (text === null) return null;
  const names = text
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  const selection: ClientSelection =
    names.length === 1 && (names[0] === "default" || names[0] === "all") ? names[0] : names;
  selectClientProfiles(selection);
  return selection;
}

function targetOf(job: Job, starttls: ServiceProtocol | undefined): Target {
  const parsed = parseTarget(job.input, starttls === undefined ? {} : { starttls });
  return {
    ...parsed,
    ...(job.port === undefined ? {} : { port: job.port }),
    // A configured SNI is also the name the certificate must match, as with host@ip.
    ...(job.sni === undefined ? {} : { sni: job.sni, host: job.sni }),
  };
}

/** The first of each identical job (target as written, port, SNI, policy); copies dropped. */
function dropDuplicates(jobs: readonly Job[], warnings: string[]): Job[] {
  const seen = new Set<string>();
  const kept: Job[] = [];
  for (const job of jobs) {
    const key = JSON.stringify([job.input, job.port, job.sni, job.policy, job.policyDir]);
    if (seen.has(key)) {
      warnings.push(`target ${job.input} is named more than once; scanned once`);
      continue;
    }
    seen.add(key);
    kept.push(job);
  }
  return kept;
}

/** Creates the folder and checks that the file can be written, before any connection. */
function checkWritable(file: string, cwd: string): void {
  const path = resolve(cwd, file);
  try {
    mkdirSync(dirname(path), { recursive: true });
    accessSync(dirname(path), constants.W_OK);
    if (existsSync(path)) {
      if (!statSync(path).isFile()) throw new Error("not a regular file");
      accessSync(path, constants.W_OK);
    }
  } catch (error) {
    throw new InputError(
      "unwritable",
      "output",
      `cannot write ${file}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
