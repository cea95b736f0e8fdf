/**
 * The bundle is deterministic: two builds give the same bytes, with no absolute path of the
 * machine that built it, and the presets beside it are the repository's.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const packageDir = resolve(import.meta.dirname, "..");
const repoDir = resolve(packageDir, "../..");
const run = promisify(execFile);

async function build(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), "tlsgate-action-build-"));
  await run(process.execPath, ["--import", "tsx", "scripts/bundle.ts", "--out", out], {
    cwd: packageDir,
  });
  return out;
}

describe("scripts/bundle.ts", () => {
  it("builds the same bytes twice, with no machine paths in them", async () => {
    const first = await build();
    const second = await build();
    const bundle = readFileSync(join(first, "dist/index.js"));
    expect(bundle.equals(readFileSync(join(second, "dist/index.js")))).toBe(true);
    const text = bundle.toString("utf8");
    expect(text).not.toContain(repoDir);
    expect(text).not.toContain(tmpdir());
    expect(
      text.startsWith('import { createRequire as __tlsgateCreateRequire } from "node:module";\n'),
    ).toBe(true);

    const presets = readdirSync(join(first, "presets")).sort();
    expect(presets).toEqual(
      readdirSync(join(repoDir, "policies"))
        .filter((f) => f.endsWith(".json"))
        .sort(),
    );
    for (const file of presets) {
      expect(
        readFileSync(join(first, "presets", file)).equals(
          readFileSync(join(repoDir, "policies", file)),
        ),
      ).toBe(true);
    }
    // --check passes against that build, and fails once it differs.
    const check = ["--import", "tsx", "scripts/bundle.ts", "--check", "--out", first];
    await expect(run(process.execPath, check, { cwd: packageDir })).resolves.toBeDefined();
    writeFileSync(join(first, "presets/retired.json"), "{}\n");
    writeFileSync(join(first, "dist/index.js"), `${text}\n`);
    await expect(run(process.execPath, check, { cwd: packageDir })).rejects.toMatchObject({
      code: 1,
      stderr:
        "dist/index.js is not what the sources build\npresets/retired.json is not in policies/\nRun: npm run bundle -w @tlsgate/action\n",
    });
  });
});
