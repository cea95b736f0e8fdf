// Copies the top-level policies/*.json into this package so that it ships them.
import { cpSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const source = fileURLToPath(new URL("../../../policies/", import.meta.url));
const target = fileURLToPath(new URL("../presets/", import.meta.url));
rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
for (const file of readdirSync(source)) {
  if (file.endsWith(".json")) cpSync(source + file, target + file);
}
