/**
 * scripts/release-action.mjs: the Action's tags and GitHub Release. `publish` runs against a
 * local bare repository as origin and a stand-in `gh` on PATH that records what it was asked.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
// @ts-expect-error -- a plain ES module without types
import { actionTags, changelogSection, publish, releaseNotes } from "./release-action.mjs";

const CHANGELOG = [
  "# @tlsgate/action",
  "",
  "## 1.1.0",
  "",
  "### Minor Changes",
  "",
  "- The `shard` input.",
  "",
  "### Patch Changes",
  "",
  "- Updated dependencies",
  "- Updated dependencies",
  "  - @tlsgate/core@1.1.0",
  "",
  "## 1.0.0",
  "",
  "### Major Changes",
  "",
  "- First release.",
  "",
].join("\n");

describe("actionTags", () => {
  it("names the exact tag and the major tag that moves; a prerelease moves none", () => {
    expect(actionTags("1.4.2")).toEqual({ exact: "v1.4.2", major: "v1" });
    expect(actionTags("2.0.0-next.1")).toEqual({ exact: "v2.0.0-next.1", major: undefined });
    expect(() => actionTags("latest")).toThrow("not a release version: latest");
  });
});

describe("changelogSection", () => {
  it("reads one version's section, up to the next version", () => {
    expect(changelogSection(CHANGELOG, "1.0.0")).toBe("### Major Changes\n\n- First release.");
    expect(changelogSection(CHANGELOG, "1.1.0")).toContain("- The `shard` input.");
    expect(changelogSection(CHANGELOG, "1.1.0")).not.toContain("First release");
    expect(changelogSection(CHANGELOG, "0.9.0")).toBeUndefined();
  });
});

describe("publish", () => {
  let root: string;
  let origin: string;
  let ghLog: string;
  const path = process.env.PATH;
  const git = (args: string[], cwd = root) =>
    execFileSync("git", args, { cwd, encoding: "utf8" }).trim();

  beforeEach(() => {
    const work = mkdtempSync(join(tmpdir(), "tlsgate-release-action-"));
    root = join(work, "repo");
    origin = join(work, "origin.git");
    ghLog = join(work, "gh.log");
    const bin = join(work, "bin");
    mkdirSync(bin);
    // The stand-in gh writes its arguments, then what it read on stdin (the notes).
    writeFileSync(
      join(bin, "gh"),
      `#!/bin/sh\nprintf '%s\\n' "$*" >> "${ghLog}"\ncat >> "${ghLog}"\n`,
    );
    chmodSync(join(bin, "gh"), 0o755);
    process.env.PATH = `${bin}:${path}`;
    mkdirSync(join(root, "packages/action"), { recursive: true });
    writeFileSync(join(root, "packages/action/CHANGELOG.md"), CHANGELOG);
    execFileSync("git", ["init", "-q", "--bare", origin]);
    git(["init", "-q", "-b", "main"]);
    git(["remote", "add", "origin", origin]);
  });

  afterEach(() => {
    process.env.PATH = path;
  });

  function release(version: string) {
    writeFileSync(join(root, "packages/action/package.json"), JSON.stringify({ version }));
    const id = ["-c", "user.name=t", "-c", "user.email=t@tlsgate.invalid"];
    git([...id, "commit", "-q", "--allow-empty", "-m", `release ${version}`]);
    publish(root);
    return git(["rev-parse", "HEAD"]);
  }

  it("tags vX.Y.Z, moves vX, writes the release once, and never tags an unreleased version", () => {
    release("0.0.0"); // no CHANGELOG section: not a release
    expect(git(["ls-remote", "--tags", "origin"])).toBe("");

    const first = release("1.0.0");
    const second = release("1.1.0");
    const tags = (ref: string) => git(["rev-parse", `${ref}^{commit}`], origin);
    expect(tags("v1.0.0")).toBe(first);
    expect(tags("v1.1.0")).toBe(second);
    expect(tags("v1")).toBe(second);

    const log = readFileSync(ghLog, "utf8");
    expect(log).toContain("release create v1.1.0 --verify-tag --title v1.1.0 --notes-file -");
    expect(log).toContain("- uses: tlsgate/tlsgate@v1 # or @v1.1.0");
    expect(log).toContain("## GitHub Action (`tlsgate/tlsgate`)\n\n#### Minor Changes");
    expect(log.match(/- Updated dependencies/g)).toHaveLength(1);

    // Running it again (a re-run, or the next push to main) changes nothing.
    publish(root);
    expect(readFileSync(ghLog, "utf8")).toBe(log);
  });

  it("writes notes from every package's changelog, Action first", () => {
    mkdirSync(join(root, "packages/cli"), { recursive: true });
    writeFileSync(
      join(root, "packages/cli/CHANGELOG.md"),
      "# tlsgate\n\n## 1.1.0\n\n### Minor Changes\n\n- `tlsgate merge`.\n",
    );
    const notes = releaseNotes("1.1.0", root) as string;
    expect(notes.indexOf("## GitHub Action")).toBeLessThan(notes.indexOf("## `tlsgate` (npm)"));
    expect(notes).toContain("- `tlsgate merge`.");
    expect(notes).toContain("npx tlsgate@1.1.0 --help");
    expect(releaseNotes("1.2.0", root)).toBeUndefined();
  });
});
