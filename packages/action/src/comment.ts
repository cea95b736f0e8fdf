/**
 * The pull request comment: one per pull request (per comment-key and shard), found again by a
 * hidden marker and its author, and updated on every run. Knows GitHub's issue-comment API,
 * nothing of TLS.
 */
import type { getOctokit } from "@actions/github";

/** The hidden first line that identifies tlsgate's comment. */
export const COMMENT_MARKER = "<!-- tlsgate -->";

/** GitHub refuses comment bodies over 65,536 characters. */
export const MAX_COMMENT_LENGTH = 65_536;

export interface IssueRef {
  owner: string;
  repo: string;
  /** Issue or pull request number. */
  number: number;
}

export interface IssueComment {
  id: number;
  body: string;
  /** The author's login; null for a deleted account. */
  author: string | null;
}

/**
 * Who a GITHUB_TOKEN comments as. An installation token cannot ask `GET /user`, so this is the
 * login assumed when that call is refused.
 */
export const ACTIONS_BOT = "github-actions[bot]";

/** The calls the comment needs; `octokitComments` adapts an Octokit to it. */
export interface CommentClient {
  /** The login the token acts as (the author of the comments it writes). */
  viewer(): Promise<string>;
  /** The issue's comments, oldest first, a page at a time. */
  listComments(issue: IssueRef): AsyncIterable<IssueComment[]>;
  createComment(issue: IssueRef, body: string): Promise<{ id: number }>;
  updateComment(issue: IssueRef, commentId: number, body: string): Promise<{ id: number }>;
}

export type CommentOutcome =
  | { action: "created" | "updated"; id: number }
  | { action: "skipped"; reason: "forbidden" | "failed" };

/** Where publishing says what it did (the part of @actions/core it uses). */
export interface CommentLog {
  info(message: string): void;
  notice(message: string): void;
  warning(message: string): void;
}

/** What the `comment-key` input may hold: it goes into the marker, an HTML comment. */
export const COMMENT_KEY = /^[A-Za-z0-9._-]{1,40}$/;

/**
 * The marker of a step's comment: the comment-key and the shard keep the comments of several
 * steps, and of the shards of a matrix, from overwriting each other.
 */
export function commentMarker(
  shard: { index: number; count: number } | null,
  key: string | null = null,
): string {
  const parts = [
    ...(key === null ? [] : [`key=${key}`]),
    ...(shard === null ? [] : [`shard ${shard.index}/${shard.count}`]),
  ];
  return parts.length === 0 ? COMMENT_MARKER : `<!-- tlsgate ${parts.join(" ")} -->`;
}

/** Marker, results, and a link to the run; cut to GitHub's limit with a pointer to the run. */
export function commentBody(markdown: string, marker: string, runUrl: string | null): string {
  const footer = runUrl === null ? "" : `\n[Workflow run](${runUrl})\n`;
  const full = `${marker}\n${markdown}${footer}`;
  if (full.length <= MAX_COMMENT_LENGTH) return full;
  const cut = `\n\n… cut to fit a comment: the full results are in the job summary${
    runUrl === null ? "" : ` of the [workflow run](${runUrl})`
  }.\n`;
  const room = MAX_COMMENT_LENGTH - marker.length - 1 - cut.length;
  const head = markdown.slice(0, room);
  // End on a line break so that no table row or HTML tag is cut in half.
  const lastBreak = head.lastIndexOf("\n");
  return `${marker}\n${lastBreak > 0 ? head.slice(0, lastBreak) : head}${cut}`;
}

/**
 * Updates the token's own comment whose first line is `marker`, or creates it. Anyone can post
 * the marker: a comment by someone else is never edited (nor its text taken over).
 */
export async function upsertComment(
  client: CommentClient,
  issue: IssueRef,
  body: string,
  marker: string,
): Promise<{ action: "created" | "updated"; id: number }> {
  const viewer = await client.viewer();
  for await (const page of client.listComments(issue)) {
    const existing = page.find(
      (comment) => comment.author === viewer && comment.body.split(/\r?\n/, 1)[0] === marker,
    );
    if (existing !== undefined) {
      await client.updateComment(issue, existing.id, body);
      return { action: "updated", id: existing.id };
    }
  }
  const created = await client.createComment(issue, body);
  return { action: "created", id: created.id };
}

/**
 * `upsertComment`, but a comment never fails the step: a 403 (a pull request from a fork, whose
 * token cannot write) is a notice, any other error a warning.
 */
export async function publishComment(
  core: CommentLog,
  client: CommentClient,
  issue: IssueRef,
  body: string,
  marker: string,
): Promise<CommentOutcome> {
  try {
    const outcome = await upsertComment(client, issue, body, marker);
    core.info(`tlsgate: ${outcome.action} comment ${outcome.id} on #${issue.number}`);
    return outcome;
  } catch (error) {
    if (statusOf(error) === 403) {
      core.notice(
        `tlsgate could not comment on #${issue.number}: the token may not write to this pull request (403; as for pull requests from forks). The results are in the job summary.`,
      );
      return { action: "skipped", reason: "forbidden" };
    }
    core.warning(
      `tlsgate could not comment on #${issue.number}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return { action: "skipped", reason: "failed" };
  }
}

function statusOf(error: unknown): unknown {
  return typeof error === "object" && error !== null && "status" in error
    ? (error as { status: unknown }).status
    : undefined;
}

type Octokit = ReturnType<typeof getOctokit>;

export function octokitComments(octokit: Octokit): CommentClient {
  return {
    async viewer() {
      try {
        return (await octokit.rest.users.getAuthenticated()).data.login;
      } catch (error) {
        // An installation token (GITHUB_TOKEN) may not read /user: it comments as the Actions bot.
        if (statusOf(error) === 403) return ACTIONS_BOT;
        throw error;
      }
    },
    async *listComments({ owner, repo, number }) {
      const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
        owner,
        repo,
        issue_number: number,
        per_page: 100,
      });
      for await (const page of pages) {
        yield page.data.map((comment) => ({
          id: comment.id,
          body: comment.body ?? "",
          author: comment.user?.login ?? null,
        }));
      }
    },
    async createComment({ owner, repo, number }, body) {
      const { data } = await octokit.rest.issues.createComment({
        owner,
        repo,
        issue_number: number,
        body,
      });
      return { id: data.id };
    },
    async updateComment({ owner, repo }, commentId, body) {
      const { data } = await octokit.rest.issues.updateComment({
        owner,
        repo,
        comment_id: commentId,
        body,
      });
      return { id: data.id };
    },
  };
}
