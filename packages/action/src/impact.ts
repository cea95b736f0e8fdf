/**
 * On a pull request that changes the policy file: the impact of the change, the base branch's
 * version against the pull request's, over the fresh scan ("this change would newly fail 3 of
 * 40 endpoints"). Reading the base version needs its commit in the checkout (`fetch-depth: 0`).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import {
  TlsgateError,
  compilePolicy,
  formatImpactMarkdown,
  loadPolicyRef,
  markdownCode,
  policyImpact,
  type PolicyImpact,
  type RunPlan,
  type RunResult,
} from "@tlsgate/core";
import { repoPath } from "./annotations.js";
import type { ActionsCore } from "./toolkit.js";

export interface ImpactContext {
  /** The base commit of the pull request, or null outside one. */
  baseSha: string | null;
  workspace: string;
  /** Reads a file at a commit (`git show`), or null when the commit does not have it. */
  readAtCommit: (sha: string, path: string) => string | null;
}

export interface PolicyChangeImpact {
  policyFile: string;
  impact: PolicyImpact;
}

/**
 * The impact of each policy file of the run that the pull request changed; empty when none did
 * (or outside a pull request). Problems reading the base version are warnings, not failures.
 */
export function policyChangeImpacts(
  core: Pick<ActionsCore, "warning" | "info">,
  plan: RunPlan,
  result: RunResult,
  context: ImpactContext,
): PolicyChangeImpact[] {
  if (context.baseSha === null) return [];
  const impacts: PolicyChangeImpact[] = [];
  const files = new Set(plan.targets.flatMap((planned) => planned.policyFile ?? []));
  for (const file of files) {
    const path = repoPath(file, context.workspace);
    if (path === null) continue;
    let base: string | null;
    try {
      base = context.readAtCommit(context.baseSha, path);
    } catch (error) {
      core.warning(
        `tlsgate: policy impact skipped: cannot read ${path} at the base commit ${context.baseSha} (check out with fetch-depth: 0): ${(error as Error).message}`,
      );
      continue;
    }
    if (base === null) {
      core.info(`tlsgate: ${path} is new in this pull request: no base version to compare`);
      continue;
    }
    if (base === readFileSync(file, "utf8")) continue;
    const indices = plan.targets.flatMap((planned, i) => (planned.policyFile === file ? [i] : []));
    try {
      const before = compilePolicy(
        loadPolicyRef(`git:${context.baseSha}:${path}`, context.workspace),
      );
      const after = plan.targets[indices[0]!]!.policy;
      const reports = indices.map((i) => result.reports[i]!);
      impacts.push({
        policyFile: path,
        impact: policyImpact(before, after, reports, {
          gate: plan.gate,
          now: plan.now,
          waivers: plan.waivers,
        }),
      });
    } catch (error) {
      if (!(error instanceof TlsgateError)) throw error;
      core.warning(
        `tlsgate: policy impact skipped: the base version of ${path} does not load: ${error.message}`,
      );
    }
  }
  return impacts;
}

/** The impact sections that go at the top of the summary and the comment. */
export function formatImpacts(impacts: readonly PolicyChangeImpact[]): string {
  return impacts
    .map(({ policyFile, impact }) =>
      formatImpactMarkdown(impact).replace(
        /^(### .*)$/m,
        (heading) => `${heading} (${markdownCode(policyFile)})`,
      ),
    )
    .join("\n");
}

/** `git show SHA:path` in the workspace; null when the commit has no such file. */
export function gitReadAtCommit(workspace: string): ImpactContext["readAtCommit"] {
  const git = (args: string[]): string =>
    execFileSync("git", args, {
      cwd: workspace,
      encoding: "utf8",
      timeout: 15_000,
      maxBuffer: 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
    });
  const firstLine = (error: unknown): string =>
    String((error as { stderr?: unknown }).stderr ?? "")
      .trim()
      .split("\n")[0] || (error as Error).message;
  return (sha, path) => {
    if (!/^[0-9a-f]{7,64}$/i.test(sha)) throw new Error(`not a commit sha: ${sha}`);
    try {
      git(["cat-file", "-e", `${sha}^{commit}`]);
    } catch (error) {
      throw new Error(`the commit is not in the checkout (${firstLine(error)})`, { cause: error });
    }
    try {
      return git(["show", "--end-of-options", `${sha}:${path}`]);
    } catch (error) {
      // The commit is there but the file is not: a policy added by this pull request.
      if (/does not exist in|exists on disk, but not in/.test(firstLine(error))) return null;
      throw new Error(firstLine(error), { cause: error });
    }
  };
}
