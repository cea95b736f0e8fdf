/** scripts/check-changesets.mjs: every changeset must name a workspace package and a bump. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error -- a plain ES module without types
import { changesetProblems } from "./check-changesets.mjs";

function repo(changesets: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "tlsgate-check-changesets-"));
  mkdirSync(join(root, "packages", "cli"), { recursive: true });
  mkdirSync(join(root, "packages", "core"), { recursive: true });
  mkdirSync(join(root, ".changeset"));
  writeFileSync(join(root, "packages", "cli", "package.json"), JSON.stringify({ name: "tlsgate" }));
  writeFileSync(
    join(root, "packages", "core", "package.json"),
    JSON.stringify({ name: "@tlsgate/core" }),
  );
  writeFileSync(join(root, ".changeset", "README.md"), "# Changesets\n");
  for (const [file, text] of Object.entries(changesets))
    writeFileSync(join(root, ".changeset", file), text);
  return root;
}

describe("changesetProblems", () => {
  it("accepts changesets that name workspace packages and known bumps", () => {
    const root = repo({ "a.md": '---\n"tlsgate": minor\n"@tlsgate/core": patch\n---\n\nText.\n' });
    expect(changesetProblems(root)).toEqual([]);
  });

  it("names the file and the package a changeset names by its folder instead of its name", () => {
    const root = repo({ "b.md": '---\n"@tlsgate/cli": patch\n---\n\nText.\n' });
    expect(changesetProblems(root)).toEqual([
      '.changeset/b.md: "@tlsgate/cli" is not a workspace package (@tlsgate/core, tlsgate)',
    ]);
  });

  it("refuses an unknown bump and a missing front matter", () => {
    const root = repo({ "c.md": '---\n"tlsgate": huge\n---\n', "d.md": "No front matter.\n" });
    expect(changesetProblems(root)).toEqual([
      '.changeset/c.md: "tlsgate": "huge" is not major, minor, patch or none',
      ".changeset/d.md: no front matter (--- package: bump --- at the top)",
    ]);
  });

  it("passes on this repository's changesets", () => {
    expect(changesetProblems(join(import.meta.dirname, ".."))).toEqual([]);
  });
});
