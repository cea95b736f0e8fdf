// The Markdown page of each preset (docs/<preset>.md) is generated from policies/<preset>.json by
// scripts/generate-preset-docs.ts; this fails when a page is stale, missing or stray.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { PRESET_NAMES } from "../src/index.js";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SCRIPT = join(REPO_ROOT, "scripts", "generate-preset-docs.ts");
const FIX = "run `npm run generate:preset-docs` and commit the result";

/** The parts of scripts/generate-preset-docs.ts the test uses. */
interface DocsGenerator {
  generate(): Promise<Map<string, string>>;
  OUTPUT_DIR: string;
}

const loadGenerator = async (): Promise<DocsGenerator> =>
  (await import(pathToFileURL(SCRIPT).href)) as DocsGenerator;

describe("preset docs", () => {
  it("are what the generator makes from policies/*.json, one page per preset", async () => {
    const { generate, OUTPUT_DIR } = await loadGenerator();
    const pages = await generate();
    expect([...pages.keys()]).toEqual(PRESET_NAMES.map((name) => `${OUTPUT_DIR}/${name}.md`));
    for (const [file, contents] of pages) {
      let onDisk: string | undefined;
      try {
        onDisk = readFileSync(join(REPO_ROOT, file), "utf8");
      } catch {
        onDisk = undefined;
      }
      expect(onDisk !== undefined, `${file} is missing: ${FIX}.`).toBe(true);
      // Compared as booleans so a mismatch prints the remedy, not a long diff.
      expect(onDisk === contents, `${file} is stale: ${FIX}.`).toBe(true);
    }
    const onDisk = readdirSync(join(REPO_ROOT, OUTPUT_DIR)).map((f) => `${OUTPUT_DIR}/${f}`);
    expect(
      onDisk.filter((f) => !pages.has(f)),
      `stray files in ${OUTPUT_DIR}`,
    ).toEqual([]);
  });

  it("are linked from the package README", () => {
    const readme = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");
    for (const name of PRESET_NAMES) expect(readme).toContain(`(docs/${name}.md)`);
  });

  it("pass the generator's own --check", () => {
    // Run as `npm run check:preset-docs` runs it (tsx); execFileSync throws on a non-zero exit.
    const out = execFileSync(process.execPath, ["--import", "tsx", SCRIPT, "--check"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(out).toBe("");
  });
});
