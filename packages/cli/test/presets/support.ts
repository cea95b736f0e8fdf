// Shared by the preset tests: where things are, and typed reads of the preset documents.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { PolicyDocument, PolicyRule } from "@tlsgate/core";
import { readPreset } from "@tlsgate/policies";
import type { PresetName } from "@tlsgate/policies";

/** This folder: the preset cases and their base reports. */
export const PRESET_TESTS_DIR = dirname(fileURLToPath(import.meta.url));

// presets → test → cli → packages → repo root
export const REPO_ROOT = resolve(PRESET_TESTS_DIR, "../../../..");

/** The shared reference data folder: $TLSGATE_SHARED_DATA, else <repo root>/../shared/data. */
export function sharedDataDir(): string {
  const fromEnv = process.env["TLSGATE_SHARED_DATA"];
  return fromEnv !== undefined && fromEnv !== ""
    ? resolve(fromEnv)
    : resolve(REPO_ROOT, "..", "shared", "data");
}

/** A file of the shared reference data, parsed; a missing file is an error, never a skip. */
export function readSharedJson<T>(file: string): T {
  const path = join(sharedDataDir(), file);
  if (!existsSync(path)) {
    throw new Error(
      `The shared reference data is missing: ${path} does not exist. The preset tests hold the ` +
        "presets against Mozilla's guidelines there; set TLSGATE_SHARED_DATA to the shared/data folder.",
    );
  }
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/** A preset document as shipped by @tlsgate/policies. */
export function presetDocument(name: PresetName): PolicyDocument {
  const text = readPreset(name);
  if (text === undefined) throw new Error(`@tlsgate/policies does not ship ${name}`);
  return JSON.parse(text) as PolicyDocument;
}

/** The full rules a preset document defines itself (not the bare severity overrides). */
export function ownRules(name: PresetName): Record<string, PolicyRule> {
  const rules: Record<string, PolicyRule> = {};
  for (const [id, entry] of Object.entries(presetDocument(name).rules ?? {})) {
    if (typeof entry !== "string") rules[id] = entry;
  }
  return rules;
}

/** The bare severity overrides a preset document applies to rules it extends. */
export function severityOverrides(name: PresetName): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const [id, entry] of Object.entries(presetDocument(name).rules ?? {})) {
    if (typeof entry === "string") overrides[id] = entry;
  }
  return overrides;
}
