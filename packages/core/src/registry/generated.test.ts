import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DATA_DIR, REPO_ROOT } from "@tlsgate/testing/data";
import { GENERATOR_SCRIPT, loadGenerator } from "../../test/support/registry-generator.js";

const FIX = "run `npm run generate:registry` and commit the result";

describe("generated registry tables", () => {
  it("are what the registry generator makes from data/", async () => {
    const { generate, OUTPUT_DIR } = await loadGenerator();
    const files = await generate(DATA_DIR);
    expect([...files.keys()].sort()).toEqual(
      [
        "cipher-suites.ts",
        "client-profiles.ts",
        "dh-primes.ts",
        "groups.ts",
        "signature-schemes.ts",
        "sslv2-cipher-suites.ts",
      ].map((file) => `${OUTPUT_DIR}/${file}`),
    );
    for (const [file, contents] of files) {
      let onDisk: string;
      try {
        onDisk = readFileSync(join(REPO_ROOT, file), "utf8");
      } catch {
        throw new Error(`${file} is missing: ${FIX}.`);
      }
      // Compared as booleans so a mismatch prints the remedy, not a 160 kB diff.
      expect(onDisk === contents, `${file} is out of date: ${FIX}.`).toBe(true);
    }
    const onDisk = readdirSync(join(REPO_ROOT, OUTPUT_DIR)).map((f) => `${OUTPUT_DIR}/${f}`);
    expect(
      onDisk.filter((f) => !files.has(f)),
      `stray files in ${OUTPUT_DIR}`,
    ).toEqual([]);
  });

  it("come out the same on every run", async () => {
    const { generate } = await loadGenerator();
    const [first, second] = await Promise.all([generate(DATA_DIR), generate(DATA_DIR)]);
    expect(second).toEqual(first);
  });

  it("are refused with a clear message when the data folder is missing", async () => {
    const { generate } = await loadGenerator();
    await expect(generate(join(REPO_ROOT, "no-such-data"))).rejects.toThrow(
      /data folder not found at .*no-such-data/,
    );
  });

  it("pass the generator's own --check, which reads data/ by default", () => {
    const script = join(REPO_ROOT, GENERATOR_SCRIPT);
    // Run as `npm run check:registry` runs it (tsx); execFileSync throws on a non-zero exit.
    const out = execFileSync(process.execPath, ["--import", "tsx", script, "--check"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(out).toBe("");
  });
});
