export { parseTargetsInput, parseShard, selectShard } from "./inputs.js";
export type { Shard } from "./inputs.js";
