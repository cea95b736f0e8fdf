// Fails when a changeset names a package that is not a workspace (`changeset version` would
// refuse the whole release) or a bump type changesets does not know. Caught here, in seconds,
// instead of by the release dry run.
//
//   node scripts/check-changesets.mjs
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const BUMPS = new Set(["major", "minor", "patch", "none"]);

/** The names of the workspace packages under `packages/`. */
function workspaceNames(root) {
  const names = new Set();
  for (const dir of readdirSync(join(root, "packages"), { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    try {
      names.add(
        JSON.parse(readFileSync(join(root, "packages", dir.name, "package.json"), "utf8")).name,
      );
    } catch {
      // a folder without a package.json is not a workspace
    }
  }
  return names;
}

/** One line per problem, `file: message`; empty when every changeset is releasable. */
export function changesetProblems(root) {
  const names = workspaceNames(root);
  const problems = [];
  const dir = join(root, ".changeset");
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".md") && f !== "README.md")
    .sort()) {
    const text = readFileSync(join(dir, file), "utf8");
    const match = /^---\r?\n([\s\S]*?)\r?\n---(?:\r?\n|$)/.exec(text);
    if (!match) {
      problems.push(`.changeset/${file}: no front matter (--- package: bump --- at the top)`);
      continue;
    }
    let releases;
    try {
      releases = parse(match[1]) ?? {};
    } catch (error) {
      problems.push(
        `.changeset/${file}: front matter is not YAML: ${error.message.split("\n")[0]}`,
      );
      continue;
    }
    for (const [name, bump] of Object.entries(releases)) {
      if (!names.has(name)) {
        problems.push(
          `.changeset/${file}: "${name}" is not a workspace package (${[...names].sort().join(", ")})`,
        );
      } else if (!BUMPS.has(bump)) {
        problems.push(
          `.changeset/${file}: "${name}": ${JSON.stringify(bump)} is not major, minor, patch or none`,
        );
      }
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems = changesetProblems(join(fileURLToPath(import.meta.url), "..", ".."));
  for (const problem of problems) console.error(`check-changesets: ${problem}`);
  process.exit(problems.length > 0 ? 1 : 0);
}
