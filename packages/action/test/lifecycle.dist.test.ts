/**
 * The built action (dist/index.js) on a runner: waivers (fixed clock through the `now` input)
 * and the impact of a pull request's policy change, against TLS servers on 127.0.0.1 and a git
 * repository made by the test (the base commit of the pull request).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGithubApi } from "./support/fake-github-api.js";
import { runDist } from "./support/run-dist.js";
import {
  LEGACY,
  MODERN,
  TEST_POLICY,
  makeCredentials,
  startServer,
  writePolicy,
  type TestServer,
} from "./support/tls.js";

let modern: TestServer;
let legacy: TestServer;
const workspace = mkdtempSync(join(tmpdir(), "tlsgate-action-lifecycle-"));

beforeAll(async () => {
  const credentials = makeCredentials();
  [modern, legacy] = await Promise.all([
    startServer(credentials, MODERN),
    startServer(credentials, LEGACY),
  ]);
  mkdirSync(join(workspace, ".github"), { recursive: true });
});

afterAll(async () => {
  await Promise.all([modern.close(), legacy.close()]);
});

const commands = (stdout: string, level: string): string[] =>
  stdout
    .split("\n")
    .filter((line) => line.startsWith(`::${level} `) || line.startsWith(`::${level}::`));

// Without the trust rule (the servers' CA is not passed): only the protocol rules matter here.
const { trusted: _trusted, ...rules } = TEST_POLICY.rules;

describe("waivers in the action", () => {
  beforeAll(() => {
    writePolicy(join(workspace, ".github/waived.json"), {
      ...TEST_POLICY,
      rules,
      waivers: [
        {
          rule: "no-tls10",
          targets: [legacy.target],
          reason: "appliance replaced in Q1, OPS-123",
          expires: "2027-01-10",
        },
      ],
    });
  });
  const run = (now: string) =>
    runDist({
      workspace,
      inputs: { targets: legacy.target, policy: ".github/waived.json", now },
    });

  it("passes while the waiver holds, shows it, and warns that it expires soon", async () => {
    const result = await run("2027-01-01");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    // The TLS 1.3 warning still fails (it does not block); the waived rule is not a failure.
    expect(result.outputs).toMatchObject({ verdict: "pass", failures: "1" });
    expect(result.summary).toContain(
      `| \`${legacy.target}\` | \`no-tls10\` | 1 | until 2027-01-10 (9 day(s) left) | appliance replaced in Q1, OPS-123 |`,
    );
    expect(commands(result.stdout, "error")).toEqual([]);
    expect(commands(result.stdout, "warning")).toContain(
      `::warning title=tlsgate%3A waiver of no-tls10 expires soon,file=.github/waived.json,line=43,col=5::${legacy.target}: the waiver of no-tls10 expires on 2027-01-10 (9 day(s) left): appliance replaced in Q1, OPS-123`,
    );
  });

  it("fails the step once the waiver expired", async () => {
    const result = await run("2027-01-11");
    expect(result.code).toBe(1);
    expect(result.outputs).toMatchObject({ verdict: "fail", failures: "2" });
    expect(result.summary).toContain("TLSv1.0 is enabled (waiver expired on 2027-01-10)");
    expect(result.summary).not.toContain("Waived");
  });
});

describe("policy impact on a pull request", () => {
  const repo = mkdtempSync(join(tmpdir(), "tlsgate-action-impact-"));
  const git = (...args: string[]): string =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
      cwd: repo,
      encoding: "utf8",
    }).trim();
  let base = "";

  beforeAll(() => {
    mkdirSync(join(repo, ".github"), { recursive: true });
    git("init", "-q");
    // The base branch's policy: only the TLS 1.3 warning, so both servers pass the gate.
    writePolicy(join(repo, ".github/tls-policy.json"), {
      ...TEST_POLICY,
      rules: { tls13: rules.tls13 },
    });
    git("add", ".");
    git("commit", "-qm", "base policy");
    base = git("rev-parse", "HEAD");
    // The pull request adds "no TLS 1.0" (error): the legacy server newly fails.
    writePolicy(join(repo, ".github/tls-policy.json"), { ...TEST_POLICY, version: "1.1.0", rules });
  });

  const pullRequest = (sha: string) => ({
    name: "pull_request",
    payload: {
      pull_request: { number: 7, base: { sha } },
      repository: { name: "web", owner: { login: "acme" } },
    },
  });

  it("puts the impact at the top of the summary and the comment", async () => {
    const api = await startFakeGithubApi("acme", "web");
    try {
      const result = await runDist({
        workspace: repo,
        event: pullRequest(base),
        inputs: {
          targets: `${legacy.target}\n${modern.target}`,
          policy: ".github/tls-policy.json",
          comment: "true",
          "github-token": "ghs_tlsgateFakeToken0123456789abcdef",
        },
        env: { GITHUB_API_URL: api.url },
      });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(1);
      const heading =
        /^## tlsgate: ❌ fail\n\n### ❌ Policy change: this change would newly fail 1 of 2 endpoint\(s\) \(`\.github\/tls-policy\.json`\)\n\naction-test 1\.0\.0 → action-test 1\.1\.0\n/;
      expect(result.summary).toMatch(heading);
      expect(result.summary).toContain(
        `| \`${legacy.target}\` | pass → fail | newly-failing  no-tls10 (error): TLSv1.0 is enabled |`,
      );
      expect(result.stdout).toContain(
        "tlsgate: .github/tls-policy.json: this change would newly fail 1 of 2 endpoint(s)",
      );
      expect(api.comments).toHaveLength(1);
      expect(api.comments[0]!.body.split("\n").slice(1).join("\n")).toMatch(heading);
    } finally {
      await api.close();
    }
  });

  it("says how to fix a checkout without the base commit, and still gates", async () => {
    const result = await runDist({
      workspace: repo,
      event: pullRequest("0123456789abcdef0123456789abcdef01234567"),
      inputs: { targets: modern.target, policy: ".github/tls-policy.json" },
    });
    expect(result.code).toBe(0);
    expect(commands(result.stdout, "warning")).toEqual([
      expect.stringMatching(
        /^::warning::tlsgate: policy impact skipped: cannot read \.github\/tls-policy\.json at the base commit 0123456789abcdef0123456789abcdef01234567 \(check out with fetch-depth: 0\): /,
      ),
    ]);
    expect(result.summary).not.toContain("Policy change");
  });
});
