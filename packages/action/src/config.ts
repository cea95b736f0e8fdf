/**
 * Reading `tlsgate.config.json` (the CLI's config file) for the `config` input.
 *
 * Stopgap: the CLI validates this file against its JSON Schema in packages/cli/src/config.ts.
 * That loader belongs in @tlsgate/core so that both shells share it; until it moves, the action
 * checks only the fields it uses, with the same meaning.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { FAIL_ON, type FailOn } from "@tlsgate/core";
import { InputError } from "./inputs.js";

export const CONFIG_FILE = "tlsgate.config.json";

export interface ConfigTarget {
  target: string;
  policy?: string;
  port?: number;
  sni?: string;
}

export interface ActionConfig {
  policy?: string;
  failOn?: FailOn;
  inconclusive?: "fail" | "pass";
  timeout?: number;
  concurrency?: number;
  ca?: string[];
  targets: ConfigTarget[];
}

export interface LoadedConfig {
  config: ActionConfig;
  /** Absolute path of the file. */
  file: string;
  /** Relative policies and CA files in the config resolve from here. */
  dir: string;
}

/** Reads `file` (relative to `cwd`); errors name it as written. */
export function readConfig(file: string, cwd: string): LoadedConfig {
  const path = resolve(cwd, file);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new InputError("config", `cannot read ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const bad = (pointer: string, message: string): InputError =>
    new InputError("config", `${file} ${pointer}: ${message}`);
  if (!isObject(value)) throw bad("/", "must be an object");
  const config: ActionConfig = { targets: [] };
  const string = (key: string): string | undefined => {
    const v = value[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string" || v === "") throw bad(`/${key}`, "must be a non-empty string");
    return v;
  };
  const integer = (key: string, min: number): number | undefined => {
    const v = value[key];
    if (v === undefined) return undefined;
    if (!Number.isInteger(v) || (v as number) < min)
      throw bad(`/${key}`, `must be an integer >= ${min}`);
    return v as number;
  };
  const policy = string("policy");
  if (policy !== undefined) config.policy = policy;
  const failOn = string("failOn");
  if (failOn !== undefined) {
    if (!(FAIL_ON as readonly string[]).includes(failOn)) {
      throw bad("/failOn", `must be one of ${FAIL_ON.join(", ")}`);
    }
    config.failOn = failOn as FailOn;
  }
  const inconclusive = string("inconclusive");
  if (inconclusive !== undefined) {
    if (inconclusive !== "fail" && inconclusive !== "pass") {
      throw bad("/inconclusive", "must be fail or pass");
    }
    config.inconclusive = inconclusive;
  }
  const timeout = integer("timeout", 100);
  if (timeout !== undefined) config.timeout = timeout;
  const concurrency = integer("concurrency", 1);
  if (concurrency !== undefined) config.concurrency = concurrency;
  if (value.ca !== undefined) {
    if (!Array.isArray(value.ca) || !value.ca.every((f) => typeof f === "string" && f !== "")) {
      throw bad("/ca", "must be a list of file names");
    }
    config.ca = value.ca as string[];
  }
  if (!Array.isArray(value.targets)) throw bad("/targets", "must be a list");
  config.targets = value.targets.map((entry: unknown, index) => {
    const pointer = `/targets/${index}`;
    if (typeof entry === "string" && entry !== "") return { target: entry };
    if (!isObject(entry) || typeof entry.target !== "string" || entry.target === "") {
      throw bad(pointer, 'must be a target or {"target": …}');
    }
    const target: ConfigTarget = { target: entry.target };
    if (entry.policy !== undefined) {
      if (typeof entry.policy !== "string" || entry.policy === "") {
        throw bad(`${pointer}/policy`, "must be a non-empty string");
      }
      target.policy = entry.policy;
    }
    if (entry.port !== undefined) {
      const port = entry.port;
      if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) {
        throw bad(`${pointer}/port`, "must be a port number");
      }
      target.port = port as number;
    }
    if (entry.sni !== undefined) {
      if (typeof entry.sni !== "string" || entry.sni === "") {
        throw bad(`${pointer}/sni`, "must be a non-empty string");
      }
      target.sni = entry.sni;
    }
    return target;
  });
  return { config, file: path, dir: dirname(path) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
