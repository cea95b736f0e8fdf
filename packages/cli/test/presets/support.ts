// Shared by the preset tests: where things are, and typed reads of the preset documents.
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { PolicyDocument, PolicyRule } from "@tlsgate/core";
import { readPreset } from "@tlsgate/policies";
import type { PresetName } from "@tlsgate/policies";

/** This folder: the preset cases and their base reports. */
export const PRESET_TESTS_DIR = dirname(fileURLToPath(import.meta.url));

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
