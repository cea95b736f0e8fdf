export { main } from "./main.js";
export { EXIT } from "./exit-codes.js";
export type { ExitCode } from "./exit-codes.js";
