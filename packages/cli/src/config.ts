/**
 * tlsgate.config.json: targets (with per-target policy, port and SNI) and scan defaults, so a
 * repository can say once what `tlsgate scan` checks. Validated against CONFIG_SCHEMA.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { UsageError } from "./errors.js";

export const CONFIG_SCHEMA_ID = "https://tlsgate.dev/schemas/config/v1.json";
export const CONFIG_FILE = "tlsgate.config.json";

export interface ConfigTarget {
  /** host, host:port, https://host/, [v6]:port or host@ip. */
  target: string;
  policy?: string;
  port?: number;
  sni?: string;
}

export interface TlsgateConfig {
  $schema?: string;
  policy?: string;
  failOn?: "error" | "warning" | "info" | "never";
  inconclusive?: "fail" | "pass";
  timeout?: number;
  concurrency?: number;
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
        oneOf: [
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

const validate = new Ajv2020({ allErrors: true, strict: true }).compile(configSchema);

export interface LoadedConfig {
  config: TlsgateConfig;
  /** Relative paths in the config (policies, CA files) are resolved from here. */
  dir: string;
  file: string;
}

export function loadConfig(file: string): LoadedConfig {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read config ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: invalid JSON: ${(error as Error).message}`);
  }
  if (!validate(value)) {
    const first = validate.errors?.[0];
    const pointer = first?.instancePath === "" ? "/" : (first?.instancePath ?? "/");
    throw new UsageError(`${file} ${pointer}: ${first?.message ?? "invalid"}`);
  }
  return { config: value as TlsgateConfig, dir: dirname(path), file: path };
}
