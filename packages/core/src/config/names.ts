// Names a shell prints in its help before loading the config loader (and ajv with it).
export const CONFIG_SCHEMA_ID = "https://tlsgate.dev/schemas/config/v1.json";
export const CONFIG_FILE = "tlsgate.config.json";
