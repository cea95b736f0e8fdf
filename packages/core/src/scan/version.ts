import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const manifest = require("../../package.json") as { version: string };

/** The version recorded in every ScanReport's `scanner` field. */
export const SCANNER_VERSION: string = manifest.version;
