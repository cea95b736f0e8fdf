import { describe, expect, it } from "vitest";
import { FakeComments } from "../test/support/fake-comments.js";
import { FakeCore } from "../test/support/fake-core.js";
import {
  COMMENT_MARKER,
  MAX_COMMENT_LENGTH,
  commentBody,
  commentMarker,
  publishComment,
  upsertComment,
} from "./comment.js";

const ISSUE = { owner: "acme", repo: "web", number: 7 };

describe("upsertComment", () => {
  it("finds the marked comment on a later page and updates it", async () => {
    const client = new FakeComments([
      "first",
      "> quoting <!-- tlsgate -->",
      "third",
      `${COMMENT_MARKER}\nold`,
    ]);
    const outcome = await upsertComment(client, ISSUE, `${COMMENT_MARKER}\nnew`, COMMENT_MARKER);
    expect(outcome).toEqual({ action: "updated", id: 103 });
    expect(client.calls).toEqual(["list #7", "update 103"]);
    expect(client.comments.map((c) => c.body)).toEqual([
      "first",
      "> quoting <!-- tlsgate -->",
      "third",
      `${COMMENT_MARKER}\nnew`,
    ]);
  });

  it("creates the comment when none is marked", async () => {
    const client = new FakeComments(["first"]);
    const outcome = await upsertComment(client, ISSUE, `${COMMENT_MARKER}\nnew`, COMMENT_MARKER);
    expect(outcome).toEqual({ action: "created", id: 101 });
    expect(client.calls).toEqual(["list #7", "create #7"]);
  });

  it("keeps each shard's comment apart", async () => {
    const marker = commentMarker({ index: 2, count: 3 });
    expect(marker).toBe("<!-- tlsgate shard 2/3 -->");
    const client = new FakeComments([`${COMMENT_MARKER}\nall`]);
    expect(await upsertComment(client, ISSUE, `${marker}\nshard`, marker)).toEqual({
      action: "created",
      id: 101,
    });
  });
});

describe("publishComment", () => {
  it("turns a 403 into a notice and goes on", async () => {
    const core = new FakeCore();
    const client = new FakeComments();
    client.failWith = 403;
    const outcome = await publishComment(core, client, ISSUE, "body", COMMENT_MARKER);
    expect(outcome).toEqual({ action: "skipped", reason: "forbidden" });
    expect(core.annotations).toEqual([
      {
        level: "notice",
        message:
          "tlsgate could not comment on #7: the token may not write to this pull request (403; as for pull requests from forks). The results are in the job summary.",
        properties: undefined,
      },
    ]);
  });

  it("turns any other error into a warning and goes on", async () => {
    const core = new FakeCore();
    const client = new FakeComments();
    client.failWith = 502;
    expect(await publishComment(core, client, ISSUE, "body", COMMENT_MARKER)).toEqual({
      action: "skipped",
      reason: "failed",
    });
    expect(core.annotations.map((a) => [a.level, a.message])).toEqual([
      ["warning", "tlsgate could not comment on #7: Resource not accessible by integration"],
    ]);
  });

  it("logs what it did", async () => {
    const core = new FakeCore();
    await publishComment(core, new FakeComments(), ISSUE, "body", COMMENT_MARKER);
    expect(core.logs).toEqual(["tlsgate: created comment 100 on #7"]);
  });
});

describe("commentBody", () => {
  it("starts with the marker and links the run", () => {
    expect(commentBody("## tlsgate: ✅ pass\n", COMMENT_MARKER, "https://run")).toBe(
      `${COMMENT_MARKER}\n## tlsgate: ✅ pass\n\n[Workflow run](https://run)\n`,
    );
  });

  it("cuts a long report at a line break to fit GitHub's limit", () => {
    const markdown = Array.from(
      { length: 5000 },
      (_, i) => `| row ${i} | ${"x".repeat(20)} |`,
    ).join("\n");
    const body = commentBody(markdown, COMMENT_MARKER, "https://run");
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(body.startsWith(`${COMMENT_MARKER}\n| row 0 |`)).toBe(true);
    expect(body).toMatch(
      /\| row \d+ \| x{20} \|\n\n… cut to fit a comment: the full results are in the job summary of the \[workflow run\]\(https:\/\/run\)\.\n$/,
    );
  });
});
