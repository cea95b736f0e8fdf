import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The preset documents live in the repository's top-level `policies/` folder; the build copies
 * them to this package's `presets/` folder, which sits one level above both `src/` and `dist/`.
 */
export const presetsDir: string = fileURLToPath(new URL("../presets/", import.meta.url));

/** Names of the presets this package ships, sorted. */
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
