/** A typed fake of the issue-comment client: comments in memory, calls recorded. */
import {
  ACTIONS_BOT,
  type CommentClient,
  type IssueComment,
  type IssueRef,
} from "../../src/comment.js";

export class FakeComments implements CommentClient {
  readonly comments: IssueComment[] = [];
  readonly calls: string[] = [];
  /** Make every write fail with this HTTP status (e.g. 403 for a fork's token). */
  failWith: number | null = null;
  pageSize = 2;
  /** Who the token comments as. */
  login = ACTIONS_BOT;
  private nextId = 100;

  /** Comments already there: a body (by the token's identity), or a body and its author. */
  constructor(comments: readonly (string | { body: string; author: string | null })[] = []) {
    for (const comment of comments) {
      const { body, author } =
        typeof comment === "string" ? { body: comment, author: this.login } : comment;
      this.comments.push({ id: this.nextId++, body, author });
    }
  }

  async viewer(): Promise<string> {
    this.calls.push("viewer");
    return this.login;
  }

  async *listComments(issue: IssueRef): AsyncIterable<IssueComment[]> {
    this.calls.push(`list #${issue.number}`);
    for (let i = 0; i < this.comments.length; i += this.pageSize) {
      yield this.comments.slice(i, i + this.pageSize).map((c) => ({ ...c }));
    }
  }

  async createComment(issue: IssueRef, body: string): Promise<{ id: number }> {
    this.calls.push(`create #${issue.number}`);
    this.refuse();
    const comment = { id: this.nextId++, body, author: this.login };
    this.comments.push(comment);
    return { id: comment.id };
  }

  async updateComment(_issue: IssueRef, commentId: number, body: string): Promise<{ id: number }> {
    this.calls.push(`update ${commentId}`);
    this.refuse();
    const comment = this.comments.find((c) => c.id === commentId);
    if (comment === undefined) throw Object.assign(new Error("Not Found"), { status: 404 });
    comment.body = body;
    return { id: commentId };
  }

  private refuse(): void {
    if (this.failWith !== null) {
      throw Object.assign(new Error("Resource not accessible by integration"), {
        status: this.failWith,
      });
    }
  }
}
