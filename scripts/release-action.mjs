// Releases the GitHub Action after the npm packages are published. changesets tags only the
// packages it publishes, and @tlsgate/action is private, so this script gives the Action what
// `uses: tlsgate/tlsgate@v1` needs: the tag vX.Y.Z at the release commit, the major tag vX moved
// to it, and a GitHub Release whose notes are the changelog of that version.
//
//   node scripts/release-action.mjs plan       print the version, tags and notes; change nothing
//   node scripts/release-action.mjs publish    create and push the tags, write the GitHub Release
//
// The version is packages/action/package.json's (the same as every package's: the `fixed` group
// in .changeset/config.json). `publish` is idempotent: a version whose tag exists on origin is
// left alone, so the release workflow can run it on every push to main, and a re-run after a
// failure creates only what is missing. A version without a CHANGELOG section (0.0.0, before the
// first release) is never tagged. `publish` needs GH_TOKEN for `gh release create`.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const defaultRoot = fileURLToPath(new URL("../", import.meta.url));

/** The packages whose changelogs make up the release notes, Action first. */
export const RELEASE_PACKAGES = [
  { dir: "packages/action", title: "GitHub Action (`tlsgate/tlsgate`)" },
  { dir: "packages/cli", title: "`tlsgate` (npm)" },
  { dir: "packages/core", title: "`@tlsgate/core` (npm)" },
  { dir: "packages/policies", title: "`@tlsgate/policies` (npm)" },
];

/** The version to release: the Action package's. */
export function actionVersion(root = defaultRoot) {
  const manifest = JSON.parse(readFileSync(join(root, "packages/action/package.json"), "utf8"));
  return manifest.version;
}

/**
 * The tags a release of `version` points at its commit: the exact one and the moving major (none
 * for a prerelease such as 2.0.0-next.1: `@v2` must not move to it).
 */
export function actionTags(version) {
  const match = /^(\d+)\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.exec(version);
  if (match === null) throw new Error(`not a release version: ${version}`);
  return { exact: `v${version}`, major: match[2] === undefined ? `v${match[1]}` : undefined };
}

/** The body of the `## version` section of a changesets CHANGELOG, or undefined. */
export function changelogSection(changelog, version) {
  const lines = changelog.split("\n");
  const start = lines.findIndex((line) => line.trim() === `## ${version}`);
  if (start === -1) return undefined;
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => /^## /.test(line));
  return (end === -1 ? rest : rest.slice(0, end)).join("\n").trim();
}

/**
 * The release notes: each package's changelog section for `version`, under the package's name
 * (with one version for all, a package without changes says only that its dependencies moved).
 * Undefined when the Action's changelog has no such section (the version was never released).
 */
export function releaseNotes(version, root = defaultRoot) {
  const sections = [];
  for (const { dir, title } of RELEASE_PACKAGES) {
    const file = join(root, dir, "CHANGELOG.md");
    const body = existsSync(file)
      ? changelogSection(readFileSync(file, "utf8"), version)
      : undefined;
    if (dir === "packages/action" && body === undefined) return undefined;
    if (body !== undefined && body !== "") {
      // Demote the changelog's "### Major Changes" headings under the package's heading, and
      // say "Updated dependencies" once (changesets writes it once per changeset).
      const text = body
        .replace(/^### /gm, "#### ")
        .replace(/^(- Updated dependencies\n)+/gm, "- Updated dependencies\n");
      sections.push(`## ${title}\n\n${text}`);
    }
  }
  const { exact, major } = actionTags(version);
  const install = [
    "```yaml",
    major === undefined
      ? `- uses: tlsgate/tlsgate@${exact}`
      : `- uses: tlsgate/tlsgate@${major} # or @${exact}`,
    "```",
    "",
    "```sh",
    `npx tlsgate@${version} --help`,
    "```",
  ].join("\n");
  return `${install}\n\n${sections.join("\n\n")}\n`;
}

function git(root, args) {
  return execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
}

/** Tags vX.Y.Z (and moves vX) at HEAD on origin and writes the GitHub Release, unless done. */
export function publish(root = defaultRoot) {
  const version = actionVersion(root);
  const notes = releaseNotes(version, root);
  if (notes === undefined) {
    console.log(
      `release-action: ${version} has no CHANGELOG section: not a release, nothing to do`,
    );
    return;
  }
  const { exact, major } = actionTags(version);
  if (git(root, ["ls-remote", "--tags", "origin", `refs/tags/${exact}`]) !== "") {
    console.log(`release-action: ${exact} exists on origin: nothing to do`);
    return;
  }
  const commit = git(root, ["rev-parse", "HEAD"]);
  console.log(
    `release-action: tagging ${commit} as ${exact}${major ? ` and moving ${major}` : ""}`,
  );
  git(root, ["tag", "--force", exact, commit]);
  git(root, ["push", "origin", `refs/tags/${exact}`]);
  if (major !== undefined) {
    git(root, ["tag", "--force", major, commit]);
    git(root, ["push", "--force", "origin", `refs/tags/${major}`]);
  }
  const release = ["release", "create", exact, "--verify-tag", "--title", exact];
  if (major === undefined) release.push("--prerelease");
  execFileSync("gh", [...release, "--notes-file", "-"], {
    cwd: root,
    input: notes,
    stdio: ["pipe", "inherit", "inherit"],
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command] = process.argv.slice(2);
  if (command === "plan") {
    const version = actionVersion();
    const notes = releaseNotes(version);
    if (notes === undefined) {
      console.log(`${version}: no CHANGELOG section, not a release`);
    } else {
      const { exact, major } = actionTags(version);
      console.log(`tags: ${exact}${major ? `, ${major} (moved)` : " (prerelease)"}\n\n${notes}`);
    }
  } else if (command === "publish") {
    publish(defaultRoot);
  } else {
    console.error("usage: node scripts/release-action.mjs plan|publish");
    process.exitCode = 2;
  }
}
