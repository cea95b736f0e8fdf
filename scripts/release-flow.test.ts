/**
 * A dry run of the release, offline, in a temporary clone of the working tree: add a changeset,
 * run `npm run version-packages` the way the release workflow does to open the version pull
 * request, then run what that pull request's checks run against it (check-dist, the lock file
 * in sync, formatting) and what publishing does (build, `npm pack` of each public package), and
 * install the tarballs into an empty project to run `tlsgate --version`.
 *
 * Offline: the clone installs from the npm cache that the workspace's own `npm ci` filled
 * (npm_config_offline makes any registry request fail instead of reaching the network).
 */
import { execFile } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { offlineProject, type PackageLock } from "@tlsgate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const repo = resolve(import.meta.dirname, "..");
const work = mkdtempSync(join(tmpdir(), "tlsgate-release-"));
const clone = join(work, "repo");
const PUBLIC = { "@tlsgate/core": "core", "@tlsgate/policies": "policies", tlsgate: "cli" };
const ALL = { ...PUBLIC, "@tlsgate/action": "action" };
const DRY_RUN_NOTE = "Release dry run: a changeset added by scripts/release-flow.test.ts.";
const env = {
  ...process.env,
  npm_config_offline: "true",
  npm_config_audit: "false",
  npm_config_fund: "false",
  npm_config_update_notifier: "false",
  TURBO_TELEMETRY_DISABLED: "1",
  DO_NOT_TRACK: "1",
  NO_COLOR: "1",
};

async function run(command: string, args: string[], cwd = clone) {
  return exec(command, args, { cwd, env, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 });
}

function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

interface Manifest {
  version: string;
  dependencies?: Record<string, string>;
}

const manifest = (dir: string) => readJson<Manifest>(join(clone, "packages", dir, "package.json"));
let before: string;
let after: string;

/** The working tree as git sees it (tracked and untracked, not ignored), committed in a new repo. */
async function cloneWorkingTree() {
  const { stdout } = await exec(
    "git",
    ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    { cwd: repo, maxBuffer: 64 * 1024 * 1024 },
  );
  for (const file of new Set(stdout.split("\0").filter(Boolean))) {
    if (!existsSync(join(repo, file))) continue; // deleted, not yet committed
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    copyFileSync(join(repo, file), join(clone, file));
  }
  const git = ["-c", "user.name=dry run", "-c", "user.email=dry-run@tlsgate.invalid"];
  await run("git", ["init", "-q", "-b", "main"]);
  await run("git", ["add", "-A"]);
  await run("git", [...git, "commit", "-q", "-m", "the working tree"]);
}

beforeAll(async () => {
  await cloneWorkingTree();
  await run("npm", ["ci", "--ignore-scripts"]);
  before = manifest("cli").version;
  writeFileSync(
    join(clone, ".changeset", "release-dry-run.md"),
    `---\n"tlsgate": patch\n---\n\n${DRY_RUN_NOTE}\n`,
  );
  await run("npm", ["run", "version-packages"]);
  after = manifest("cli").version;
}, 600_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe("npm run version-packages (the version pull request)", () => {
  it("bumps every package to one new version, 1.0.0 for the first release", () => {
    expect(after).not.toBe(before);
    if (before === "0.0.0") expect(after).toBe("1.0.0");
    for (const dir of Object.values(ALL)) expect(manifest(dir).version).toBe(after);
    // Internal dependencies move with it.
    expect(manifest("cli").dependencies?.["@tlsgate/core"]).toBe(`^${after}`);
    expect(manifest("core").dependencies?.["@tlsgate/policies"]).toBe(`^${after}`);
    expect(manifest("action").dependencies?.["@tlsgate/core"]).toBe(`^${after}`);
  });

  it("writes the changelogs and consumes the changesets", () => {
    const changelog = readFileSync(join(clone, "packages/cli/CHANGELOG.md"), "utf8");
    expect(changelog).toContain(`## ${after}`);
    expect(changelog).toContain(DRY_RUN_NOTE);
    const pending = readdirSync(join(clone, ".changeset")).filter((f) => f.endsWith(".md"));
    expect(pending).toEqual(["README.md"]);
  });

  it("leaves a lock file in sync with the package.json files", async () => {
    const lock = readJson<PackageLock>(join(clone, "package-lock.json"));
    for (const dir of Object.values(ALL)) {
      const entry = lock.packages[`packages/${dir}`];
      expect(entry?.version).toBe(after);
      expect(entry?.dependencies ?? {}).toEqual(manifest(dir).dependencies ?? {});
    }
    await expect(run("npm", ["run", "check:lock"])).resolves.toBeDefined();
    // npm itself finds nothing to change.
    const locked = readFileSync(join(clone, "package-lock.json"));
    await run("npm", ["install", "--package-lock-only", "--ignore-scripts"]);
    expect(readFileSync(join(clone, "package-lock.json")).equals(locked)).toBe(true);
  });

  it("rebuilds the Action bundle: check-dist passes, and the bundle names the new version", async () => {
    await expect(run("npm", ["run", "check:dist", "-w", "@tlsgate/action"])).resolves.toBeDefined();
    const bundle = readFileSync(join(clone, "packages/action/dist/index.js"), "utf8");
    // bundle.ts inlines core's version where core/dist/scan/version.js reads its package.json.
    const versionModule = bundle.indexOf("// ../core/dist/scan/version.js");
    expect(versionModule).toBeGreaterThan(-1);
    expect(bundle.slice(versionModule, versionModule + 400)).toContain(`"version": "${after}"`);
    const { stdout } = await run("git", ["status", "--porcelain", "--", "packages/action/dist"]);
    expect(stdout).toContain("packages/action/dist/index.js"); // the version PR carries it
  });

  it("leaves every file it changed formatted", async () => {
    const { stdout } = await run("git", [
      "ls-files",
      "--modified",
      "--others",
      "--exclude-standard",
    ]);
    const files = stdout.split("\n").filter((file) => file !== "" && existsSync(join(clone, file)));
    expect(files).toContain("package-lock.json");
    await expect(
      run("npx", ["prettier", "--check", "--ignore-unknown", ...files]),
    ).resolves.toBeDefined();
  });

  it("plans the Action's tags and a GitHub Release with the changelog", async () => {
    const { stdout } = await run("node", ["scripts/release-action.mjs", "plan"]);
    const major = after.split(".")[0];
    expect(stdout).toContain(`tags: v${after}, v${major} (moved)`);
    expect(stdout).toContain(DRY_RUN_NOTE);
    expect(stdout).toContain(`uses: tlsgate/tlsgate@v${major}`);
    // What the README tells users to run exists once this version is out.
    const readme = readFileSync(join(clone, "README.md"), "utf8");
    expect(readme).toContain(`uses: tlsgate/tlsgate@v${major}`);
    expect(readme).not.toMatch(new RegExp(`tlsgate/tlsgate@v(?!${major}\\b)\\d`));
  });
});

describe("publishing the version pull request's tree", () => {
  const project = join(work, "project");
  const bin = join(project, "node_modules", ".bin", "tlsgate");
  const packed: Record<string, { workspace: string; file: string; files: string[] }> = {};

  beforeAll(async () => {
    // `npm run release` builds before `changeset publish` packs and uploads.
    await run("npx", ["turbo", "run", "build", "--output-logs=errors-only"]);
    const tarballs = join(project, "tarballs");
    mkdirSync(tarballs, { recursive: true });
    for (const [name, dir] of Object.entries(PUBLIC)) {
      const workspace = `packages/${dir}`;
      const { stdout } = await run(
        "npm",
        ["pack", "--json", "--pack-destination", tarballs],
        join(clone, workspace),
      );
      const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
      packed[name] = { workspace, file: info!.filename, files: info!.files.map((f) => f.path) };
    }
    installOffline(project, packed);
    await run("npm", ["ci", "--ignore-scripts"], project);
  }, 600_000);

  it("packs each public package with its license, changelog and repository, and no source maps", () => {
    for (const [name, { workspace, files }] of Object.entries(packed)) {
      expect(files, name).toEqual(expect.arrayContaining(["LICENSE", "CHANGELOG.md", "README.md"]));
      expect(
        files.filter((f) => f.endsWith(".map")),
        name,
      ).toEqual([]);
      const published = readJson<{ repository?: { url: string; directory: string } }>(
        join(clone, workspace, "package.json"),
      );
      // npm refuses provenance for a package without a repository (E422).
      expect(published.repository, name).toEqual({
        type: "git",
        url: "git+https://github.com/tlsgate/tlsgate.git",
        directory: workspace,
      });
    }
  });

  it("installs from the tarballs and `tlsgate --version` prints the new version", async () => {
    const { stdout } = await run(bin, ["--version"], project);
    expect(stdout.trim()).toBe(after);
  });
});

function installOffline(
  project: string,
  packed: Record<string, { workspace: string; file: string }>,
): void {
  const lock = readJson<PackageLock>(join(clone, "package-lock.json"));
  const files = offlineProject(lock, packed, { name: "dry-run", version: after });
  writeFileSync(join(project, "package.json"), JSON.stringify(files.manifest, null, 2));
  writeFileSync(join(project, "package-lock.json"), JSON.stringify(files.lock, null, 2));
}
