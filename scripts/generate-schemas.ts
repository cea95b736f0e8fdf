// Writes the JSON Schemas that @tlsgate/core ships (packages/core/schemas/*.schema.json) from
// their source of truth, the schema objects in packages/core/src. Editors validate a policy or
// config offline against the installed copy; tlsgate itself validates with the objects.
//
//   tsx scripts/generate-schemas.ts [--check]     (npm run generate:schemas)
//
// --check writes nothing and exits 1 listing the files that are stale (0 when all match).
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as prettier from "prettier";
import { configSchema } from "../packages/core/src/config/config.js";
import { policySchema } from "../packages/core/src/policy/policy-schema.js";
import { scanReportSchema } from "../packages/core/src/scan-report/schema.js";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const OUTPUT_DIR = "packages/core/schemas";

/** File name → schema object. Keep in step with the `exports` of packages/core/package.json. */
export const SCHEMAS: Readonly<Record<string, object>> = {
  "policy.schema.json": policySchema,
  "scan-report.schema.json": scanReportSchema,
  "config.schema.json": configSchema,
};

/** The files, by path relative to the repository root, formatted as the repository formats them. */
export async function generate(root: string = REPO_ROOT): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    const path = `${OUTPUT_DIR}/${name}`;
    const options = (await prettier.resolveConfig(join(root, path))) ?? {};
    files.set(path, await prettier.format(JSON.stringify(schema), { ...options, parser: "json" }));
  }
  return files;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const check = argv.includes("--check");
  if (argv.some((arg) => arg !== "--check")) {
    console.error("usage: tsx scripts/generate-schemas.ts [--check]");
    return 2;
  }
  const stale: string[] = [];
  for (const [file, contents] of await generate()) {
    const path = join(REPO_ROOT, file);
    if ((await readIfExists(path)) === contents) continue;
    stale.push(file);
    if (!check) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, contents);
    }
  }
  if (check) {
    if (stale.length === 0) return 0;
    console.error("Shipped schemas out of date; run `npm run generate:schemas` and commit them:");
    for (const file of stale) console.error(`  ${file}`);
    return 1;
  }
  console.log(stale.length === 0 ? "Schemas up to date." : `Wrote ${stale.join(", ")}.`);
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 2;
    },
  );
}
