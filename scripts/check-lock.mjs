// Fails when package-lock.json disagrees with the package.json files of the root and the
// workspaces: versions and dependency ranges. `npm ci` does not catch this (it installs from a
// lock that still records a workspace's old version and ranges, as long as the ranges resolve;
// a workspace missing from the lock does fail it), and a byte-wise comparison with a fresh
// `npm install --package-lock-only` depends on the npm version.
//
//   node scripts/check-lock.mjs
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const FIELDS = [
  "version",
  "dependencies",
  "devDependencies",
  "peerDependencies",
  "optionalDependencies",
];

const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));

/** JSON with object keys sorted: ranges compare equal whatever their order in the file. */
const canonical = (value) =>
  JSON.stringify(value ?? null, (_key, v) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

/** Where the lock and the manifests disagree, one line each; empty when they agree. */
export function lockProblems(root) {
  const lock = readJson(join(root, "package-lock.json"));
  const manifest = readJson(join(root, "package.json"));
  const problems = [];
  const entries = [["", manifest]];
  for (const path of Object.keys(lock.packages)) {
    if (path !== "" && !path.includes("node_modules/")) {
      entries.push([path, readJson(join(root, path, "package.json"))]);
    }
  }
  for (const [path, expected] of entries) {
    const locked = lock.packages[path] ?? {};
    for (const field of FIELDS) {
      // The root's version is not recorded for a private root without one.
      if (path === "" && field === "version") continue;
      const want = canonical(expected[field]);
      const have = canonical(locked[field]);
      if (want !== have) {
        problems.push(`${path || "package.json"}: ${field} is ${want}, the lock says ${have}`);
      }
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems = lockProblems(fileURLToPath(new URL("../", import.meta.url)));
  if (problems.length > 0) {
    console.error(`${problems.join("\n")}\npackage-lock.json is out of date: run npm install`);
    process.exitCode = 1;
  }
}
