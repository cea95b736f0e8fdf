/** A typed fake of the issue-comment client: comments in memory, calls recorded. */
import type { CommentClient, IssueComment, IssueRef } from "../../src/comment.js";

export class FakeComments implements CommentClient {
  readonly comments: IssueComment[] = [];
  readonly calls: string[] = [];
  /** Make every write fail with this HTTP status (e.g. 403 for a fork's token). */
  failWith: number | null = null;
  pageSize = 2;
  private nextId = 100;

  constructor(bodies: readonly string[] = []) {
    for (const body of bodies) this.comments.push({ id: this.nextId++, body });
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
    const comment = { id: this.nextId++, body };
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
