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
  it("finds its own marked comment on a later page and updates it", async () => {
    const client = new FakeComments([
      "first",
      "> quoting <!-- tlsgate -->",
      "third",
      `${COMMENT_MARKER}\nold`,
    ]);
    const outcome = await upsertComment(client, ISSUE, `${COMMENT_MARKER}\nnew`, COMMENT_MARKER);
    expect(outcome).toEqual({ action: "updated", id: 103 });
    expect(client.calls).toEqual(["viewer", "list #7", "update 103"]);
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
    expect(client.calls).toEqual(["viewer", "list #7", "create #7"]);
  });

  it("leaves a marked comment by someone else alone and makes its own", async () => {
    const spoof = `${COMMENT_MARKER}\n## tlsgate: ✅ pass (posted by someone else)`;
    const client = new FakeComments([
      { body: spoof, author: "mallory" },
      { body: spoof, author: null },
    ]);
    const outcome = await upsertComment(client, ISSUE, `${COMMENT_MARKER}\nreal`, COMMENT_MARKER);
    expect(outcome).toEqual({ action: "created", id: 102 });
    expect(client.comments).toEqual([
      { id: 100, body: spoof, author: "mallory" },
      { id: 101, body: spoof, author: null },
      { id: 102, body: `${COMMENT_MARKER}\nreal`, author: "github-actions[bot]" },
    ]);
  });

  it("matches the token's own login, whatever it is", async () => {
    const client = new FakeComments([
      { body: `${COMMENT_MARKER}\nbot`, author: "github-actions[bot]" },
      { body: `${COMMENT_MARKER}\nmine`, author: "release-bot" },
    ]);
    client.login = "release-bot";
    expect(await upsertComment(client, ISSUE, `${COMMENT_MARKER}\nnew`, COMMENT_MARKER)).toEqual({
      action: "updated",
      id: 101,
    });
  });

  it("needs the marker as the whole first line", async () => {
    const client = new FakeComments([
      `${COMMENT_MARKER} and more\nx`,
      `<!-- tlsgate key=a -->\nx`,
      `x\n${COMMENT_MARKER}`,
    ]);
    expect(await upsertComment(client, ISSUE, `${COMMENT_MARKER}\nnew`, COMMENT_MARKER)).toEqual({
      action: "created",
      id: 103,
    });
  });

  it("keeps each shard's and each key's comment apart", async () => {
    const shard = commentMarker({ index: 2, count: 3 });
    const keyed = commentMarker(null, "staging");
    const both = commentMarker({ index: 1, count: 2 }, "prod.eu-1");
    expect([shard, keyed, both]).toEqual([
      "<!-- tlsgate shard 2/3 -->",
      "<!-- tlsgate key=staging -->",
      "<!-- tlsgate key=prod.eu-1 shard 1/2 -->",
    ]);
    const client = new FakeComments([`${COMMENT_MARKER}\nall`]);
    for (const marker of [shard, keyed, both, keyed]) {
      await upsertComment(client, ISSUE, `${marker}\nbody`, marker);
    }
    expect(client.comments.map((c) => c.body.split("\n")[0])).toEqual([
      COMMENT_MARKER,
      shard,
      keyed,
      both,
    ]);
    expect(client.calls.filter((c) => !c.startsWith("list") && c !== "viewer")).toEqual([
      "create #7",
      "create #7",
      "create #7",
      "update 102",
    ]);
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
