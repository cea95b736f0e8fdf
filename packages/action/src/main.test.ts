/**
 * run() with a typed fake of @actions/core and of the comment client, against real TLS servers
 * on 127.0.0.1: outputs, setFailed, summary, annotations and the comment.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeComments } from "../test/support/fake-comments.js";
import { FakeCore } from "../test/support/fake-core.js";
import {
  LEGACY,
  MODERN,
  makeCredentials,
  startServer,
  writePolicy,
  type TestCredentials,
  type TestServer,
} from "../test/support/tls.js";
import { COMMENT_MARKER } from "./comment.js";
import { run } from "./main.js";
import type { EventInfo, Toolkit } from "./toolkit.js";

let credentials: TestCredentials;
let modern: TestServer;
let legacy: TestServer;
const workspace = mkdtempSync(join(tmpdir(), "tlsgate-action-main-"));

beforeAll(async () => {
  credentials = makeCredentials();
  modern = await startServer(credentials, MODERN);
  legacy = await startServer(credentials, LEGACY);
  writePolicy(join(workspace, "policy.json"));
});

afterAll(async () => {
  await Promise.all([modern.close(), legacy.close()]);
});

const PUSH: EventInfo = {
  name: "push",
  owner: "acme",
  repo: "web",
  pullRequest: null,
  runUrl: null,
};
const PULL_REQUEST: EventInfo = {
  name: "pull_request",
  owner: "acme",
  repo: "web",
  pullRequest: 7,
  runUrl: "https://github.com/acme/web/actions/runs/1",
};

function toolkit(
  inputs: Record<string, string>,
  options: { event?: EventInfo; comments?: FakeComments } = {},
): { core: FakeCore; toolkit: Toolkit; tokens: string[] } {
  const core = new FakeCore({ "github-token": "ghs_fake", comment: "false", ...inputs });
  const tokens: string[] = [];
  return {
    core,
    tokens,
    toolkit: {
      core,
      event: () => options.event ?? PUSH,
      comments: (token) => {
        tokens.push(token);
        return options.comments ?? new FakeComments();
      },
      cwd: workspace,
      workspace,
      workflowFile: ".github/workflows/tls.yml",
    },
  };
}

describe("run", () => {
  it("fails the step on a failing target, with outputs, summary, annotations and files", async () => {
    const { core, toolkit: kit } = toolkit({
      targets: legacy.target,
      policy: "policy.json",
      "ca-file": credentials.caFile,
      "report-file": "out/report.json",
      "sarif-file": "out/tlsgate.sarif",
      "sarif-category": "tls-prod",
      "html-file": "out/tlsgate.html",
    });
    const result = await run(kit);

    expect(result?.verdict).toBe("fail");
    expect(Object.fromEntries(core.outputs)).toEqual({
      verdict: "fail",
      failures: "2",
      inconclusive: "0",
      "report-file": join(workspace, "out/report.json"),
      "sarif-file": join(workspace, "out/tlsgate.sarif"),
      "html-file": join(workspace, "out/tlsgate.html"),
    });
    expect(core.failed).toBe(
      "tlsgate: policy violation: 1 rule failure(s) at or above error (1 finding(s))",
    );

    const policyText = readFileSync(join(workspace, "policy.json"), "utf8").split("\n");
    const lineOf = (key: string): number => policyText.findIndex((l) => l.includes(`"${key}"`)) + 1;
    expect(core.annotations).toEqual([
      {
        level: "error",
        message: `${legacy.target}: No TLS 1.0\n- TLSv1.0 is enabled`,
        properties: {
          title: "no-tls10",
          file: "policy.json",
          startLine: lineOf("no-tls10"),
          startColumn: 5,
        },
      },
      {
        level: "warning",
        message: `${legacy.target}: TLS 1.3 is enabled\n- TLSv1.3 is disabled`,
        properties: {
          title: "tls13",
          file: "policy.json",
          startLine: lineOf("tls13"),
          startColumn: 5,
        },
      },
    ]);

    const [summary, ...more] = core.summary.written;
    expect(more).toEqual([]);
    expect(summary).toMatch(/^## tlsgate: ❌ fail\n/);
    expect(summary).toContain(`| \`${legacy.target}\``);
    expect(summary).toContain("| `no-tls10` No TLS 1.0 | error | ❌ fail | TLSv1.0 is enabled |");
    expect(summary).toContain("ssl_protocols TLSv1.2 TLSv1.3;");

    const report = JSON.parse(readFileSync(join(workspace, "out/report.json"), "utf8")) as {
      gate: { verdict: string };
      results: { target: string }[];
    };
    expect(report.gate.verdict).toBe("fail");
    expect(report.results.map((r) => r.target)).toEqual([legacy.target]);
    const html = readFileSync(join(workspace, "out/tlsgate.html"), "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(`<a href="#target-1">${legacy.target}</a>`);
    const sarif = JSON.parse(readFileSync(join(workspace, "out/tlsgate.sarif"), "utf8")) as {
      runs: {
        automationDetails: { id: string };
        results: {
          ruleId: string;
          locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
        }[];
      }[];
    };
    const results = sarif.runs[0]!.results;
    expect(results.map((r) => r.ruleId).sort()).toEqual(["no-tls10", "tls13"]);
    expect(results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe("policy.json");
    expect(sarif.runs[0]!.automationDetails).toEqual({ id: "tls-prod/" });
  });

  it("passes a passing target and leaves the step green", async () => {
    const { core, toolkit: kit } = toolkit({
      targets: modern.target,
      policy: "policy.json",
      "ca-file": credentials.caFile,
    });
    const result = await run(kit);
    expect(result?.verdict).toBe("pass");
    expect(core.failed).toBeNull();
    expect(core.annotations).toEqual([]);
    expect(Object.fromEntries(core.outputs)).toEqual({
      verdict: "pass",
      failures: "0",
      inconclusive: "0",
      "report-file": "",
      "sarif-file": "",
      "html-file": "",
    });
    expect(core.summary.written[0]).toMatch(/^## tlsgate: ✅ pass\n/);
  });

  it("fail-on never reports failures without failing the step", async () => {
    const { core, toolkit: kit } = toolkit({
      targets: legacy.target,
      policy: "policy.json",
      "fail-on": "never",
    });
    await run(kit);
    expect(core.failed).toBeNull();
    expect(core.outputs.get("verdict")).toBe("pass");
    expect(core.outputs.get("failures")).toBe("3");
  });

  it("annotates a policy error at its file, line and column and scans nothing", async () => {
    writeFileSync(
      join(workspace, "bad.json"),
      '{\n  "name": "bad",\n  "version": "1.0.0",\n  "rules": {\n    "x": { "severity": "error", "title": "x", "schema": { "properties": { "protocol": {} } } }\n  }\n}\n',
    );
    const { core, toolkit: kit } = toolkit({ targets: legacy.target, policy: "bad.json" });
    expect(await run(kit)).toBeNull();
    expect(core.annotations).toHaveLength(1);
    const [annotation] = core.annotations;
    expect(annotation).toMatchObject({
      level: "error",
      properties: { title: "tlsgate policy error (unknown-path)", file: "bad.json", startLine: 5 },
    });
    expect(annotation!.properties!.startColumn).toBeGreaterThan(1);
    expect(core.failed).toMatch(
      /^tlsgate: policy error: \S*bad\.json:5:\d+ \/rules\/x\/schema\/properties\/protocol: protocol is not a ScanReport field/,
    );
    expect(core.outputs.size).toBe(0);
    expect(core.summary.written).toEqual([]);
  });

  it.each([
    [{ "fail-on": "fatal" }, /^tlsgate: fail-on: expected one of error, warning/],
    [{ shard: "3/2" }, /^tlsgate: shard: expected "i\/n" with 1 <= i <= n, got "3\/2"$/],
    [{ comment: "yes" }, /^tlsgate: comment: expected true or false$/],
    [{ targets: "" }, /^tlsgate: targets: no targets/],
    [{ targets: "https://" }, /^tlsgate: invalid target "https:\/\/"/],
    [{ "ca-file": "missing.pem" }, /^tlsgate: ca: cannot read missing\.pem: ENOENT/],
  ])("fails on bad input %j before any connection", async (inputs, message) => {
    const { core, toolkit: kit } = toolkit({ targets: legacy.target, ...inputs });
    expect(await run(kit)).toBeNull();
    expect(core.failed).toMatch(message);
    expect(core.outputs.size).toBe(0);
  });

  it("comments on a pull request, then updates the same comment", async () => {
    const comments = new FakeComments(["LGTM"]);
    const inputs = { targets: modern.target, policy: "policy.json", comment: "true" };
    const first = toolkit(inputs, { event: PULL_REQUEST, comments });
    await run(first.toolkit);
    const second = toolkit(inputs, { event: PULL_REQUEST, comments });
    await run(second.toolkit);

    expect(first.tokens).toEqual(["ghs_fake"]);
    expect(comments.calls).toEqual([
      "viewer",
      "list #7",
      "create #7",
      "viewer",
      "list #7",
      "update 101",
    ]);
    expect(comments.comments.map((c) => c.id)).toEqual([100, 101]);
    const body = comments.comments[1]!.body;
    expect(body.startsWith(`${COMMENT_MARKER}\n## tlsgate: `)).toBe(true);
    expect(body).toContain(`\`${modern.target}\``);
    expect(body).toContain("[Workflow run](https://github.com/acme/web/actions/runs/1)");
    expect(second.core.logs).toContain("tlsgate: updated comment 101 on #7");
  });

  it("goes on with a notice when the token may not comment (403)", async () => {
    const comments = new FakeComments();
    comments.failWith = 403;
    const { core, toolkit: kit } = toolkit(
      { targets: legacy.target, policy: "policy.json", comment: "true" },
      { event: PULL_REQUEST, comments },
    );
    await run(kit);
    expect(core.annotations.filter((a) => a.level === "notice")).toEqual([
      {
        level: "notice",
        message: expect.stringMatching(/^tlsgate could not comment on #7: .*403/),
        properties: undefined,
      },
    ]);
    expect(core.outputs.get("verdict")).toBe("fail");
    expect(core.failed).toMatch(/^tlsgate: policy violation/);
  });

  it("does not comment outside a pull request", async () => {
    const {
      core,
      toolkit: kit,
      tokens,
    } = toolkit({
      targets: modern.target,
      policy: "policy.json",
      comment: "true",
    });
    await run(kit);
    expect(tokens).toEqual([]);
    expect(core.logs).toContain("tlsgate: comment skipped: push event is not a pull request");
  });

  it("fails the step when a target cannot be scanned, and says which", async () => {
    const closed = await startServer(credentials, MODERN);
    await closed.close();
    const { core, toolkit: kit } = toolkit({
      targets: closed.target,
      policy: "policy.json",
      timeout: "500",
    });
    const result = await run(kit);
    expect(result?.reports[0]?.reachable).toBe(false);
    expect(core.failed).toBe(`tlsgate: 1 target(s) could not be scanned: ${closed.target}`);
    // One annotation that says why, not one per rule the scan left unknown.
    expect(core.annotations).toEqual([
      {
        level: "error",
        message: expect.stringMatching(new RegExp(`^${closed.target}: not scanned: .+`)),
        properties: { title: "tlsgate: target not scanned" },
      },
    ]);
    expect(core.outputs.get("verdict")).toBe("fail");
    expect(core.summary.written[0]).toContain(
      `- 1 target(s) could not be scanned: ${closed.target}\n`,
    );
    expect(core.summary.written[0]).toMatch(
      /\nNot scanned: connection refused by 127\.0\.0\.1:\d+\. All 3 rule\(s\) are /,
    );
  });

  it("scans only its shard", async () => {
    const { core, toolkit: kit } = toolkit({
      targets: `${legacy.target}\n${modern.target}`,
      policy: "policy.json",
      shard: "2/2",
    });
    const result = await run(kit);
    const expected = [legacy.target, modern.target].sort()[1]!;
    expect(result?.reports.map((r) => r.target.input)).toEqual([expected]);
    expect(core.summary.written[0]).toContain("Shard 2/2: 1 of 2 target(s).");
  });

  it("passes an empty shard without scanning", async () => {
    const { core, toolkit: kit } = toolkit({
      targets: legacy.target,
      policy: "policy.json",
      shard: "2/3",
      "report-file": "empty-shard.json",
    });
    const result = await run(kit);
    expect(result?.reports).toEqual([]);
    expect(core.failed).toBeNull();
    expect(core.outputs.get("verdict")).toBe("pass");
    expect(core.summary.written[0]).toContain("Shard 2/3: 0 of 1 target(s).");
    const report = JSON.parse(readFileSync(join(workspace, "empty-shard.json"), "utf8")) as {
      results: unknown[];
    };
    expect(report.results).toEqual([]);
  });
});
