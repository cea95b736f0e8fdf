/**
 * What the action needs from its runner, as narrow interfaces: the part of `@actions/core` it
 * calls, the pull request it runs for, and a GitHub client for the comment. `defaultToolkit()`
 * wires the real ones; tests pass typed fakes.
 */
import * as actionsCore from "@actions/core";
import * as actionsGithub from "@actions/github";
import { octokitComments, type CommentClient } from "./comment.js";

/** The part of `core.summary` the action uses (the real Summary satisfies it). */
export interface SummaryWriter {
  addRaw(text: string, addEOL?: boolean): SummaryWriter;
  write(): Promise<unknown>;
}

/** The part of `@actions/core` the action uses. */
export interface ActionsCore {
  getInput(name: string, options?: actionsCore.InputOptions): string;
  getBooleanInput(name: string, options?: actionsCore.InputOptions): boolean;
  setOutput(name: string, value: string | number): void;
  setFailed(message: string | Error): void;
  error(message: string, properties?: actionsCore.AnnotationProperties): void;
  warning(message: string, properties?: actionsCore.AnnotationProperties): void;
  notice(message: string, properties?: actionsCore.AnnotationProperties): void;
  info(message: string): void;
  summary: SummaryWriter;
}

export type AnnotationProperties = actionsCore.AnnotationProperties;

/** The event the workflow runs for, as far as the comment needs it. */
export interface EventInfo {
  name: string;
  owner: string;
  repo: string;
  /** The pull request number on pull_request(_target) events, else null. */
  pullRequest: number | null;
  /** Link to this run, for the comment; null when the runner does not say. */
  runUrl: string | null;
  /** The pull request's base commit (for the policy impact), or null. */
  baseSha?: string | null;
}

export interface Toolkit {
  core: ActionsCore;
  event(): EventInfo;
  /** A client for issue comments, authenticated with the token. */
  comments(token: string): CommentClient;
  /** The working directory: relative inputs resolve from here (the runner sets GITHUB_WORKSPACE). */
  cwd: string;
  /** The repository root annotations and SARIF locations are relative to. */
  workspace: string;
  /** `.github/workflows/x.yml` of the running workflow (from GITHUB_WORKFLOW_REF), or null. */
  workflowFile: string | null;
}

const PULL_REQUEST_EVENTS = new Set(["pull_request", "pull_request_target"]);

export function defaultToolkit(env: NodeJS.ProcessEnv = process.env): Toolkit {
  const cwd = process.cwd();
  return {
    core: actionsCore,
    event() {
      const { context } = actionsGithub;
      const [owner = "", repo = ""] = (env.GITHUB_REPOSITORY ?? "").split("/");
      const pullRequest = context.payload.pull_request as
        { number?: unknown; base?: { sha?: unknown } } | undefined;
      const number = pullRequest?.number;
      const baseSha = pullRequest?.base?.sha;
      const runUrl =
        env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
          ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
          : null;
      return {
        name: context.eventName ?? "",
        owner,
        repo,
        pullRequest:
          PULL_REQUEST_EVENTS.has(context.eventName) && typeof number === "number" ? number : null,
        runUrl,
        baseSha: typeof baseSha === "string" ? baseSha : null,
      };
    },
    comments: (token) => octokitComments(actionsGithub.getOctokit(token)),
    cwd,
    workspace: env.GITHUB_WORKSPACE || cwd,
    workflowFile: workflowFileOf(env.GITHUB_WORKFLOW_REF, env.GITHUB_REPOSITORY),
  };
}

/**
 * `owner/repo/.github/workflows/scan.yml@refs/heads/main` → `.github/workflows/scan.yml`, when
 * the workflow lives in the repository being checked.
 */
export function workflowFileOf(
  workflowRef: string | undefined,
  repository: string | undefined,
): string | null {
  if (!workflowRef || !repository || !workflowRef.startsWith(`${repository}/`)) return null;
  const path = workflowRef.slice(repository.length + 1).replace(/@[^@]*$/, "");
  return path === "" ? null : path;
}
