/** The README's Inputs/Outputs tables are generated from action.yml; the check catches drift. */
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const repoDir = resolve(import.meta.dirname, "../../..");
const script = join(repoDir, "scripts/update-action-readme.ts");
// As `npm run update:action-readme` runs it: TypeScript, through tsx.
const node = (args: string[]): ReturnType<typeof run> =>
  run(process.execPath, ["--import", "tsx", ...args], { cwd: repoDir });
const run = promisify(execFile);

describe("scripts/update-action-readme.ts", () => {
  it("finds the README up to date with action.yml", async () => {
    await expect(node([script, "--check"])).resolves.toBeDefined();
  });

  it("fails the check when action.yml gains an input, and writes the row", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tlsgate-action-readme-"));
    const action = join(dir, "action.yml");
    const readme = join(dir, "README.md");
    copyFileSync(join(repoDir, "packages/action/README.md"), readme);
    const yml = readFileSync(join(repoDir, "action.yml"), "utf8").replace(
      "\noutputs:\n",
      '  dry-run:\n    description: Scan | but never fail.\n    default: "false"\n\noutputs:\n',
    );
    writeFileSync(action, yml);
    const args = [script, "--action", action, "--readme", readme];
    await expect(node([...args, "--check"])).rejects.toMatchObject({ code: 1 });
    await node(args);
    expect(readFileSync(readme, "utf8")).toMatch(
      /\n\| `dry-run` +\| `false` +\| Scan \\\| but never fail\. +\|\n/,
    );
    await expect(node([...args, "--check"])).resolves.toBeDefined();
  });
});
