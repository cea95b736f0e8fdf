/**
 * tlsgate.config.json: the targets a repository checks (with per-target policy, port and SNI)
 * and scan defaults. One loader for both shells, the CLI and the Action: it validates against
 * CONFIG_SCHEMA and reports the file and JSON pointer of the first problem.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import type { FailOn } from "../policy/types.js";

export const CONFIG_SCHEMA_ID = "https://tlsgate.dev/schemas/config/v1.json";
export const CONFIG_FILE = "tlsgate.config.json";

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
  /** CA bundles (PEM), relative to the config file. */
  ca?: string[];
  targets: (string | ConfigTarget)[];
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
    timeout: { type: "integer", minimum: 100, description: "Per-probe timeout in ms." },
    concurrency: { type: "integer", minimum: 1, maximum: 64 },
    ca: { type: "array", items: { type: "string", minLength: 1 } },
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

/** A config file that cannot be read or does not match the schema. */
export class ConfigError extends Error {
  override readonly name = "ConfigError" as const;
  /** The file as the caller named it. */
  readonly file: string;
  /** JSON pointer of the problem, "" for the whole file. */
  readonly pointer: string;

  constructor(file: string, pointer: string, message: string, options?: { cause?: unknown }) {
    super(`${file}${pointer === "" ? "" : ` ${pointer}`}: ${message}`, options);
    this.file = file;
    this.pointer = pointer;
  }
}

export interface LoadedConfig {
  config: TlsgateConfig;
  /** Absolute path of the file. */
  file: string;
  /** Relative policies and CA files in the config resolve from here. */
  dir: string;
}

let validator: ReturnType<Ajv2020["compile"]> | undefined;

/** Reads and validates `file` (relative to `cwd`); errors name the file as written. */
export function loadConfig(file: string, cwd: string = process.cwd()): LoadedConfig {
  const path = resolve(cwd, file);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigError(file, "", `cannot read: ${(error as Error).message}`, { cause: error });
  }
  validator ??= new Ajv2020({ allErrors: true, strict: true }).compile(configSchema);
  if (!validator(value)) {
    const [pointer, message] = describe(validator.errors ?? []);
    throw new ConfigError(file, pointer, message);
  }
  return { config: value as TlsgateConfig, file: path, dir: dirname(path) };
}

/** The most specific problem, in words a person editing the file understands. */
function describe(errors: readonly ErrorObject[]): [string, string] {
  // A target entry fails both branches of its anyOf; the object branch says more.
  const deepest = [...errors].sort(
    (a, b) => b.instancePath.split("/").length - a.instancePath.split("/").length,
  );
  const error = deepest.find((e) => e.keyword !== "anyOf" && e.keyword !== "type") ?? deepest[0];
  if (error === undefined) return ["", "invalid"];
  const pointer = error.instancePath;
  const entryLevel = error.keyword !== "additionalProperties" && error.keyword !== "required";
  if (/^\/targets\/\d+$/.test(pointer) && entryLevel) {
    return [pointer, 'must be a target or {"target": …}'];
  }
  switch (error.keyword) {
    case "additionalProperties":
      return [pointer, `unknown field "${String(error.params.additionalProperty)}"`];
    case "required":
      return [pointer, `missing field "${String(error.params.missingProperty)}"`];
    case "enum":
      return [pointer, `must be one of ${(error.params.allowedValues as unknown[]).join(", ")}`];
    default:
      return [pointer === "" ? "/" : pointer, error.message ?? "invalid"];
  }
}
