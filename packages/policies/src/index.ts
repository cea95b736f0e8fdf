import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The preset documents live in the repository's top-level `policies/` folder; the build copies
 * them to this package's `presets/` folder, which sits one level above both `src/` and `dist/`.
 */
export const presetsDir: string = fileURLToPath(new URL("../presets/", import.meta.url));

/**
 * The presets this package ships, sorted: `baseline` (certificate and broken-crypto hygiene for
 * any server), `compatible`, `intermediate` and `modern` (Mozilla's old, intermediate and modern
 * configurations, each extending baseline) and `pq-ready` (a hybrid post-quantum group, standalone
 * so that it combines with any of them).
 */
export const PRESET_NAMES = [
  "baseline",
  "compatible",
  "intermediate",
  "modern",
  "pq-ready",
] as const;

/** The name of a preset this package ships, as `extends` and `--policy` accept it. */
export type PresetName = (typeof PRESET_NAMES)[number];

/** Whether a string names a preset this package ships ("intermediate", not "./intermediate.json"). */
export function isPresetName(value: string): value is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(value);
}

/** Names of the presets this package ships, sorted (read from `presetsDir`). */
export function listPresets(): string[] {
  return readdirSync(presetsDir)
    .filter((file) => file.endsWith(".json"))
    .map((file) => file.slice(0, -".json".length))
    .sort();
}

/** The raw JSON text of a preset, or undefined when no preset has that name. */
export function readPreset(name: string): string | undefined {
  if (!listPresets().includes(name)) return undefined;
  return readFileSync(new URL(`${name}.json`, `file://${presetsDir}`), "utf8");
}
