// The `version` step of a release (npm run version-packages; the release workflow runs it to open
// the version pull request). Leaves the tree the way that pull request's checks expect it:
//
//   1. `changeset version`: bump the packages (one version for all four: the `fixed` group in
//      .changeset/config.json), update their internal ranges, write the CHANGELOGs, delete the
//      changesets.
//   2. Refresh package-lock.json: it records every workspace's version and dependency ranges, so
//      `npm ci` would refuse a lock left at the old versions.
//   3. Rebuild the Action bundle: packages/action/dist/index.js embeds @tlsgate/core's version,
//      so a bundle left at the old one fails check-dist.
//   4. Format the package.json files changesets rewrote (`npm test` checks formatting).
//
// npm uses its cache before the network (--prefer-offline), so with a filled cache nothing is
// fetched (the release dry-run test sets npm_config_offline to make sure).
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const npx = process.platform === "win32" ? "npx.cmd" : "npx";
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function run(command, args) {
  console.log(`version-packages: ${command} ${args.join(" ")}`);
  execFileSync(command, args, { cwd: root, stdio: "inherit" });
}

run(npx, ["changeset", "version"]);
run(npm, [
  "install",
  "--package-lock-only",
  "--ignore-scripts",
  "--no-audit",
  "--no-fund",
  "--prefer-offline",
]);
run(npx, ["turbo", "run", "bundle", "--filter=@tlsgate/action", "--output-logs=errors-only"]);
const manifests = readdirSync(new URL("../packages/", import.meta.url)).map(
  (dir) => `packages/${dir}/package.json`,
);
run(npx, ["prettier", "--write", "--log-level=warn", "package.json", ...manifests]);
