/**
 * tlsgate.config.json: the targets a repository checks (with per-target policy, port and SNI)
 * and scan defaults. One loader for both shells, the CLI and the Action: it validates against
 * the config schema and reports every problem with its file, line, column and JSON pointer.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import { TlsgateError } from "../errors.js";
import { isSummaryOfDeeper } from "../policy/ajv-errors.js";
import {
  escapePointerSegment,
  parseJsonWithPositions,
  SourceSyntaxError,
  type Locate,
} from "../policy/source-map.js";
import { waiverSchema } from "../policy/policy-schema.js";
import type { FailOn, Waiver, WaiverEntry } from "../policy/types.js";
import { DEFAULT_MAX_WAIVER_DAYS, readWaivers } from "../policy/waivers.js";
import { RUN_DEFAULTS, RUN_LIMITS } from "../run/defaults.js";

import { CONFIG_SCHEMA_ID } from "./names.js";

export { CONFIG_FILE, CONFIG_SCHEMA_ID } from "./names.js";

export interface ConfigTarget {
  /** host, host:port, https://host/, [v6]:port or host@ip. */
  target: string;
  /** Preset name, policy file (relative to the config file) or npm package. */
  policy?: string;
  port?: number;
  /** Server name to send and to check the certificate against. */
  sni?: string;
}

export interface TlsgateConfig {
  $schema?: string;
  policy?: string;
  failOn?: FailOn;
  inconclusive?: "fail" | "pass";
  /** Per-probe timeout in ms. */
  timeout?: number;
  /** Connections at once per target. */
  concurrency?: number;
  /** Connections open at once in the whole run. */
  maxConnections?: number;
  /** Connections open at once to one address. */
  maxPerAddress?: number;
  /** Milliseconds a target's scan may take in all. */
  deadline?: number;
  /** Worker threads a large fleet is spread over (default: one per core, at most 4). */
  workers?: number;
  /** Milliseconds the whole run may take. */
  runDeadline?: number;
  /** CA bundles (PEM), relative to the config file. */
  ca?: string[];
  /** Scan every address a host name resolves to, one report each. */
  allAddresses?: boolean;
  targets: (string | ConfigTarget)[];
  /** Waivers for the targets of this repository (any policy's rules). */
  waivers?: WaiverEntry[];
  /** How far ahead a waiver may expire, in days (default 180). */
  maxWaiverDays?: number;
}

export const configSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: CONFIG_SCHEMA_ID,
  title: "tlsgate configuration",
  type: "object",
  additionalProperties: false,
  required: ["targets"],
  properties: {
    $schema: { type: "string" },
    policy: { type: "string", minLength: 1, description: "Default policy: preset name or file." },
    failOn: { enum: ["error", "warning", "info", "never"] },
    inconclusive: { enum: ["fail", "pass"] },
    timeout: {
      type: "integer",
      minimum: RUN_LIMITS.timeoutMs.min,
      maximum: RUN_LIMITS.timeoutMs.max,
      description: `Per-probe timeout in ms (default ${RUN_DEFAULTS.timeoutMs}).`,
    },
    concurrency: {
      type: "integer",
      minimum: RUN_LIMITS.concurrency.min,
      maximum: RUN_LIMITS.concurrency.max,
      description: `Connections at once per target (default ${RUN_DEFAULTS.concurrency}).`,
    },
    maxConnections: {
      type: "integer",
      minimum: RUN_LIMITS.maxConnections.min,
      maximum: RUN_LIMITS.maxConnections.max,
      description: `Connections open at once in the whole run, over every target (default ${RUN_DEFAULTS.maxConnections}).`,
    },
    maxPerAddress: {
      type: "integer",
      minimum: RUN_LIMITS.maxPerAddress.min,
      maximum: RUN_LIMITS.maxPerAddress.max,
      description: `Connections open at once to one address (default ${RUN_DEFAULTS.maxPerAddress}).`,
    },
    workers: {
      type: "integer",
      minimum: RUN_LIMITS.workers.min,
      maximum: RUN_LIMITS.workers.max,
      description:
        "Worker threads a fleet of many targets is spread over, each under its share of the connection budget; 1 scans in one thread (default: one per core, at most 4).",
    },
    deadline: {
      type: "integer",
      minimum: RUN_LIMITS.deadlineMs.min,
      maximum: RUN_LIMITS.deadlineMs.max,
      description: `Milliseconds a target's scan may take in all (default ${RUN_DEFAULTS.deadlineMs}).`,
    },
    runDeadline: {
      type: "integer",
      minimum: RUN_LIMITS.runDeadlineMs.min,
      maximum: RUN_LIMITS.runDeadlineMs.max,
      description: `Milliseconds the whole run may take (default ${RUN_DEFAULTS.runDeadlineMs}).`,
    },
    ca: { type: "array", items: { type: "string", minLength: 1 } },
    allAddresses: {
      type: "boolean",
      description:
        "Scan every address a host name resolves to (A and AAAA), one report per address (default false).",
    },
    waivers: { type: "array", items: waiverSchema },
    maxWaiverDays: {
      type: "integer",
      minimum: 0,
      maximum: 3650,
      description: `How far ahead a waiver (policy or config) may expire, in days (default ${DEFAULT_MAX_WAIVER_DAYS}).`,
    },
    targets: {
      type: "array",
      items: {
        anyOf: [
          { type: "string", minLength: 1 },
          {
            type: "object",
            additionalProperties: false,
            required: ["target"],
            properties: {
              target: { type: "string", minLength: 1 },
              policy: { type: "string", minLength: 1 },
              port: { type: "integer", minimum: 1, maximum: 65535 },
              sni: { type: "string", minLength: 1 },
            },
          },
        ],
      },
    },
  },
} as const;

/** One problem in a config file. */
export interface ConfigIssue {
  /** JSON pointer of the problem, "" for the whole file. */
  pointer: string;
  message: string;
  /** 1-based; null when the place is unknown (an unreadable file). */
  line: number | null;
  column: number | null;
}

export const CONFIG_ERROR_CODES = ["read", "syntax", "invalid"] as const;
export type ConfigErrorCode = (typeof CONFIG_ERROR_CODES)[number];

/**
 * A config file that cannot be read or does not match the schema, with every problem in
 * `issues`; `message` is the first, as `file:line:column pointer: message`.
 */
export class ConfigError extends TlsgateError<ConfigErrorCode> {
  override readonly name = "ConfigError" as const;
  /** The file as the caller named it. */
  readonly file: string;
  /** JSON pointer of the first problem, "" for the whole file. */
  readonly pointer: string;
  readonly issues: readonly ConfigIssue[];

  constructor(
    code: ConfigErrorCode,
    file: string,
    issues: readonly [ConfigIssue, ...ConfigIssue[]],
    options?: { cause?: unknown },
  ) {
    super(code, formatConfigIssue(file, issues[0]), options);
    this.file = file;
    this.pointer = issues[0].pointer;
    this.issues = issues;
  }

  override toLines(): string[] {
    return this.issues.map((issue) => `config error: ${formatConfigIssue(this.file, issue)}`);
  }

  /** One line per issue. */
  override toString(): string {
    return this.issues.map((issue) => formatConfigIssue(this.file, issue)).join("\n");
  }
}

function formatConfigIssue(file: string, issue: ConfigIssue): string {
  const at =
    issue.line === null ? "" : `:${issue.line}${issue.column === null ? "" : `:${issue.column}`}`;
  return `${file}${at}${issue.pointer === "" ? "" : ` ${issue.pointer}`}: ${issue.message}`;
}

export interface LoadedConfig {
  config: TlsgateConfig;
  /** Absolute path of the file. */
  file: string;
  /** Relative policies and CA files in the config resolve from here. */
  dir: string;
  /** The config's waivers, with their positions. */
  waivers: Waiver[];
}

/** A config file is a small document; a larger file is not one. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

let validator: ReturnType<Ajv2020["compile"]> | undefined;

/** Reads and validates `file` (relative to `cwd`); errors name the file as written. */
export function loadConfig(file: string, cwd: string = process.cwd()): LoadedConfig {
  const path = resolve(cwd, file);
  let text: string;
  try {
    // A FIFO or device would hang or flood the load: only a small regular file is read.
    const stat = statSync(path);
    if (!stat.isFile()) throw new Error("not a regular file");
    if (stat.size > MAX_CONFIG_BYTES) throw new Error(`larger than ${MAX_CONFIG_BYTES} bytes`);
    text = readFileSync(path, "utf8");
  } catch (error) {
    const message = `cannot read: ${(error as Error).message}`;
    throw new ConfigError("read", file, [{ pointer: "", message, line: null, column: null }], {
      cause: error,
    });
  }
  let parsed: { value: unknown; locate: Locate };
  try {
    parsed = parseJsonWithPositions(text);
  } catch (error) {
    if (!(error instanceof SourceSyntaxError)) throw error;
    const { line, column } = error.position;
    throw new ConfigError("syntax", file, [
      { pointer: "", message: `not JSON: ${error.message}`, line, column },
    ]);
  }
  validator ??= new Ajv2020({ allErrors: true, strict: true }).compile(configSchema);
  if (!validator(parsed.value)) {
    const issues = describe(validator.errors ?? []).map(([pointer, message]) => {
      const position = parsed.locate(pointer === "/" ? "" : pointer);
      return { pointer, message, line: position?.line ?? null, column: position?.column ?? null };
    });
    issues.sort(
      (a, b) =>
        (a.line ?? Infinity) - (b.line ?? Infinity) ||
        (a.column ?? Infinity) - (b.column ?? Infinity),
    );
    const [first, ...rest] = issues;
    throw new ConfigError(
      "invalid",
      file,
      first === undefined
        ? [{ pointer: "", message: "invalid", line: null, column: null }]
        : [first, ...rest],
    );
  }
  const config = parsed.value as TlsgateConfig;
  const { waivers, issues } = readWaivers(config.waivers ?? [], path, parsed.locate);
  const [first, ...rest] = issues;
  if (first !== undefined) throw new ConfigError("invalid", file, [first, ...rest]);
  return { config, file: path, dir: dirname(path), waivers };
}

/** Every problem, each once, in words a person editing the file understands. */
function describe(errors: readonly ErrorObject[]): [string, string][] {
  const paths = new Set(errors.map((e) => e.instancePath));
  // An error at a place with errors deeper inside summarises them (a target entry fails both
  // branches of its anyOf; the object branch says more).
  const leaves = errors.filter((e) => !isSummaryOfDeeper(e, paths));
  const byPath = new Map<string, ErrorObject[]>();
  for (const error of leaves)
    byPath.set(error.instancePath, [...(byPath.get(error.instancePath) ?? []), error]);
  const described: [string, string][] = [];
  for (const [pointer, list] of byPath) {
    const specific = list.filter((e) => e.keyword !== "anyOf" && e.keyword !== "type");
    const unknown = specific.filter((e) => e.keyword === "additionalProperties");
    const chosen = unknown.length > 0 ? unknown : [specific[0] ?? list[0]!];
    for (const error of chosen) described.push(describeOne(pointer, error));
  }
  return described;
}

function describeOne(pointer: string, error: ErrorObject): [string, string] {
  const entryLevel = error.keyword !== "additionalProperties" && error.keyword !== "required";
  if (/^\/targets\/\d+$/.test(pointer) && entryLevel) {
    return [pointer, 'must be a target or {"target": …}'];
  }
  switch (error.keyword) {
    case "additionalProperties": {
      const field = String(error.params.additionalProperty);
      return [`${pointer}/${escapePointerSegment(field)}`, `unknown field "${field}"`];
    }
    case "required":
      return [pointer, `missing field "${String(error.params.missingProperty)}"`];
    case "enum":
      return [pointer, `must be one of ${(error.params.allowedValues as unknown[]).join(", ")}`];
    default:
      return [pointer === "" ? "/" : pointer, error.message ?? "invalid"];
  }
}
