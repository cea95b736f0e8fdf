/**
 * What scripts/generate-validators.ts recorded of the presets (precompiled-rules.ts): which preset
 * texts it linted, and the validator of each preset rule schema as written. A policy that matches
 * is neither linted nor prepared again at load; anything else takes the full path, so a stale
 * record costs time, never correctness. The record and the lint ship in the same package, and
 * `npm run check:validators` keeps them in step.
 */
import { createHash } from "node:crypto";
import type { ValidateFunction } from "ajv/dist/2020.js";
// A namespace import: the generator imports this module before it has written these tables.
import * as generated from "./precompiled-rules.js";

/** The SHA-256 (hex) of a preset's text, as recorded at generation. */
export function presetSha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Whether `text` is the preset `name` exactly as the generator linted it. */
export function isLintedPreset(name: string, text: string): boolean {
  const recorded = (generated.LINTED_PRESETS as ReadonlyMap<string, string> | undefined)?.get(name);
  return recorded !== undefined && recorded === presetSha256(text);
}

/**
 * The precompiled validator of a rule schema as a preset writes it, or undefined. Preparing a
 * schema depends on nothing but the schema (and core's own tables), so a custom rule that writes
 * the same schema gets the same validator.
 */
export function precompiledRuleAsWritten(schema: unknown): ValidateFunction | undefined {
  const table = generated.PRECOMPILED_RULES_AS_WRITTEN as ReadonlyMap<string, unknown> | undefined;
  return table?.get(JSON.stringify(schema)) as ValidateFunction | undefined;
}
