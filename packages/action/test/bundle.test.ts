/**
 * The bundle is deterministic: two builds give the same bytes, with no absolute path of the
 * machine that built it, and the presets beside it are the repository's. dist/licenses.txt
 * carries the license of every third-party package in it.
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
    // The scan worker thread's entry, which core starts from beside the bundle.
    expect(text).toContain('new URL("./worker.js", import.meta.url)');
    const worker = readFileSync(join(first, "dist/worker.js"));
    expect(worker.equals(readFileSync(join(second, "dist/worker.js")))).toBe(true);
    expect(worker.toString("utf8")).not.toContain(repoDir);
    expect(worker.toString("utf8")).toContain("parentPort");

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

  it("writes the license of every third-party package the bundle includes", async () => {
    const out = await build();
    const bundle = readFileSync(join(out, "dist/index.js"), "utf8");
    const licenses = readFileSync(join(out, "dist/licenses.txt"), "utf8");
    // esbuild names each module it includes in a path comment ("// ../../node_modules/x/y.js");
    // the last node_modules/ in it names the package.
    const included = new Set(
      [...bundle.matchAll(/^\/\/ \S*node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map((m) => m[1]),
    );
    const listed = new Set(
      [...licenses.matchAll(/^-{78}\n((?:@[^/]+\/)?[^@\s]+)@\S+ \((.+)\)\n\n(.+)/gm)].map((m) => {
        expect(m[2]).toMatch(/^(MIT|ISC|BSD-[23]-Clause|Apache-2\.0)$/);
        expect(m[3]).toMatch(/\S/); // the license text follows
        return m[1];
      }),
    );
    expect(included.size).toBeGreaterThan(10);
    expect([...listed].sort()).toEqual([...included].sort());
    expect(licenses).toContain("Permission is hereby granted, free of charge"); // MIT's text
    expect(readFileSync(join(packageDir, "dist/licenses.txt"), "utf8")).toBe(licenses);
  });
});
