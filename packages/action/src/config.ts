/**
 * The `config` input: tlsgate.config.json, read by core's loader (the same one the CLI uses),
 * with its errors turned into input errors the step reports.
 */
import { ConfigError, loadConfig, type LoadedConfig } from "@tlsgate/core";
import { InputError } from "./inputs.js";

export { CONFIG_FILE } from "@tlsgate/core";
export type { LoadedConfig } from "@tlsgate/core";

/** Reads `file` (relative to `cwd`); errors name it as written. */
export function readConfig(file: string, cwd: string): LoadedConfig {
  try {
    return loadConfig(file, cwd);
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new InputError("config", error.message, { cause: error });
    }
    throw error;
  }
}
