export { CONFIG_FILE, CONFIG_SCHEMA_ID, ConfigError, configSchema, loadConfig } from "./config.js";
export type { ConfigTarget, LoadedConfig, TlsgateConfig } from "./config.js";
