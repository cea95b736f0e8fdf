// Paths as code scanning and workflow annotations want them: relative to the repository root.
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, relative, sep } from "node:path";

/** A path relative to `root` (with forward slashes), or null when it lies outside it. */
export function repoPath(file: string | null, root: string): string | null {
  if (file === null || !isAbsolute(file)) return null;
  const rel = relative(root, file);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return null;
  return rel.split(sep).join("/");
}

/** The repository holding `dir` (the nearest folder with a `.git`), or null outside one. */
export function repositoryRoot(dir: string): string | null {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, ".git"))) return current;
    if (dirname(current) === current) return null;
  }
}
