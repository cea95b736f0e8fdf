/**
 * A policy to compare: a preset, a file or package (as `--policy` names one), or a file at a git
 * revision, `git:REF:path` (read with `git show`, and what it extends from the same revision).
 */
import { execFileSync } from "node:child_process";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { PolicyError } from "./errors.js";
import { MAX_POLICY_BYTES } from "./load.js";
import { loadNamedPolicy } from "./named-policy.js";
import { resolvePolicy, type ResolveOptions } from "./resolve.js";
import type { ResolvedPolicy } from "./types.js";

const GIT_TIMEOUT_MS = 15_000;
/** A revision as git spells one; never an option (no leading dash). */
const REVISION = /^[A-Za-z0-9_./~^@{}+][A-Za-z0-9_./~^@{}+-]*$/;

/** `git:REF:path` → {ref, path}, or null when the reference is not a git one. */
export function parseGitPolicyRef(ref: string): { revision: string; path: string } | null {
  if (!ref.startsWith("git:")) return null;
  const rest = ref.slice(4);
  const colon = rest.indexOf(":");
  const revision = colon === -1 ? "" : rest.slice(0, colon);
  const path = colon === -1 ? "" : rest.slice(colon + 1);
  if (!REVISION.test(revision) || path === "") {
    throw new PolicyError(
      "extends-not-found",
      `${JSON.stringify(ref)} is not git:REVISION:path (e.g. git:origin/main:tls-policy.yaml)`,
    );
  }
  return { revision, path };
}

function git(args: readonly string[], cwd: string): string {
  return execFileSync("git", [...args], {
    cwd,
    encoding: "utf8",
    timeout: GIT_TIMEOUT_MS,
    maxBuffer: MAX_POLICY_BYTES,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Loads a policy named as `--policy` names one, or `git:REF:path`, relative to `cwd`. */
export function loadPolicyRef(
  ref: string,
  cwd: string,
  options: ResolveOptions = {},
): ResolvedPolicy {
  const gitRef = parseGitPolicyRef(ref);
  if (gitRef === null) return loadNamedPolicy(ref, cwd, options);
  let top: string;
  try {
    top = git(["rev-parse", "--show-toplevel"], cwd).trim();
  } catch (error) {
    throw new PolicyError(
      "extends-not-found",
      `cannot read ${ref}: ${cwd} is not in a git repository`,
      {
        cause: error,
      },
    );
  }
  const readFile = (file: string): string => {
    const inRepo = relative(top, file);
    if (inRepo.startsWith("..") || isAbsolute(inRepo)) {
      throw new PolicyError("extends-outside", `${file} is outside the git repository ${top}`, {
        file,
      });
    }
    try {
      return git(
        ["show", "--end-of-options", `${gitRef.revision}:${inRepo.split(sep).join("/")}`],
        top,
      );
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? "")
        .trim()
        .split("\n")[0];
      throw new PolicyError(
        "extends-not-found",
        `cannot read ${inRepo} at ${gitRef.revision}: ${stderr || (error as Error).message}`,
        { file: `git:${gitRef.revision}:${inRepo}`, cause: error },
      );
    }
  };
  return resolvePolicy(resolve(cwd, gitRef.path), { ...options, readFile });
}
