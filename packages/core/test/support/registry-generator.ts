// Loads the repository's registry generator (scripts/generate-registry.ts, TypeScript that vitest
// transforms) for the registry tests.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "@tlsgate/testing/data";

/** The generator script, relative to the repository root. */
export const GENERATOR_SCRIPT = "scripts/generate-registry.ts";

/** The parts of the registry generator the tests use. */
export interface RegistryGenerator {
  generate(dataDir?: string): Promise<Map<string, string>>;
  OUTPUT_DIR: string;
}

export async function loadGenerator(): Promise<RegistryGenerator> {
  return (await import(pathToFileURL(join(REPO_ROOT, GENERATOR_SCRIPT)).href)) as RegistryGenerator;
}
