// Generates packages/core/src/registry/generated/*.ts from the reference data vendored in data/
// (see data/SOURCES.md). One module per table in scripts/registry/.
//
//   tsx scripts/generate-registry.ts [--check] [--data DIR]     (npm run generate:registry)
//
// --check writes nothing and exits 1 listing the files that would change (0 when all match).
// The data folder is --data, else <repo root>/data.
import { existsSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cipherSuiteFiles } from "./registry/cipher-suites.js";
import { clientProfileFiles } from "./registry/client-profiles.js";
import { dhPrimeFiles } from "./registry/dh-primes.js";
import { groupFiles } from "./registry/groups.js";
import { DEFAULT_DATA_DIR, REPO_ROOT } from "./registry/read-data.js";
import { signatureSchemeFiles } from "./registry/signature-schemes.js";
import { syncGeneratedFiles } from "./generated-files.js";

/** Where the generated files go, relative to the repository root. */
export const OUTPUT_DIR = "packages/core/src/registry/generated";

/** Builds every generated file: relative path (from the repo root) → contents. */
export async function generate(dataDir: string = DEFAULT_DATA_DIR): Promise<Map<string, string>> {
  if (!existsSync(dataDir)) {
    throw new Error(
      `generate-registry: data folder not found at ${dataDir}. ` +
        "The repository vendors it in data/; pass --data DIR for another copy.",
    );
  }
  const [suites, groups, schemes, profiles, dhPrimes] = await Promise.all([
    cipherSuiteFiles(dataDir),
    groupFiles(dataDir),
    signatureSchemeFiles(dataDir),
    clientProfileFiles(dataDir),
    dhPrimeFiles(dataDir),
  ]);
  const [cipherSuites, sslv2] = suites;
  const files = [cipherSuites, ...groups, ...schemes, ...profiles, sslv2, ...dhPrimes].filter(
    (file): file is [string, string] => file !== undefined,
  );
  return new Map(files.map(([file, contents]) => [`${OUTPUT_DIR}/${file}`, contents]));
}

async function main(argv: readonly string[]): Promise<number> {
  let check = false;
  let dataDir = DEFAULT_DATA_DIR;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const next = argv[i + 1];
    if (arg === "--check") check = true;
    else if (arg === "--data" && next !== undefined) {
      dataDir = resolve(next);
      i++;
    } else if (arg.startsWith("--data=")) dataDir = resolve(arg.slice("--data=".length));
    else {
      console.error("usage: tsx scripts/generate-registry.ts [--check] [--data DIR]");
      return 2;
    }
  }
  const files = await generate(dataDir);
  const absolute = new Map([...files].map(([file, contents]) => [join(REPO_ROOT, file), contents]));
  const changed = (await syncGeneratedFiles(absolute, check)).map((path) =>
    relative(REPO_ROOT, path),
  );
  const from = relative(process.cwd(), dataDir) || ".";
  if (check) {
    if (changed.length === 0) return 0;
    console.error(`Registry files out of date (data: ${from}); run \`npm run generate:registry\`:`);
    for (const file of changed) console.error(`  ${file}`);
    return 1;
  }
  console.log(
    changed.length === 0
      ? `Registry up to date (data: ${from}).`
      : `Wrote ${changed.join(", ")} (data: ${from}).`,
  );
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 2;
    },
  );
}
