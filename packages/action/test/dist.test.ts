/**
 * The built action (dist/index.js, as committed) run with `node` and the environment a runner
 * gives it, against TLS servers on 127.0.0.1 and a fake GitHub API on 127.0.0.1: outputs, job
 * summary, workflow commands on stdout, report files, the PR comment and the exit status.
 * Build it first: npm run bundle -w @tlsgate/action
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { validateScanReport } from "@tlsgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMENT_MARKER } from "../src/comment.js";
import { startFakeGithubApi, type FakeGithubApi } from "./support/fake-github-api.js";
import { DIST, runDist } from "./support/run-dist.js";
import {
  LEGACY,
  MODERN,
  TEST_POLICY,
  makeCredentials,
  startServer,
  writePolicy,
  type TestCredentials,
  type TestServer,
} from "./support/tls.js";

let credentials: TestCredentials;
let modern: TestServer;
let legacy: TestServer;
let api: FakeGithubApi;
const workspace = mkdtempSync(join(tmpdir(), "tlsgate-action-dist-"));
const TOKEN = "ghs_tlsgateFakeToken0123456789abcdef";

beforeAll(async () => {
  credentials = makeCredentials();
  [modern, legacy, api] = await Promise.all([
    startServer(credentials, MODERN),
    startServer(credentials, LEGACY),
    startFakeGithubApi("acme", "web"),
  ]);
  mkdirSync(join(workspace, ".github"), { recursive: true });
  writePolicy(join(workspace, ".github/tls-policy.json"));
  copyFileSync(credentials.caFile, join(workspace, ".github/ca.pem"));
});

afterAll(async () => {
  await Promise.all([modern.close(), legacy.close(), api.close()]);
});

const commands = (stdout: string, level: string): string[] =>
  stdout
    .split("\n")
    .filter((line) => line.startsWith(`::${level} `) || line.startsWith(`::${level}::`));

describe("dist/index.js on a runner", () => {
  it("fails the step (exit 1) on a failing target, with outputs, summary, annotations, files", async () => {
    const run = await runDist({
      workspace,
      inputs: {
        targets: `${legacy.target}\n`,
        policy: ".github/tls-policy.json",
        "ca-file": ".github/ca.pem",
        "report-file": "reports/tlsgate.json",
        "sarif-file": "reports/tlsgate.sarif",
      },
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    expect(run.outputs).toEqual({
      verdict: "fail",
      failures: "2",
      inconclusive: "0",
      "report-file": join(workspace, "reports/tlsgate.json"),
      "sarif-file": join(workspace, "reports/tlsgate.sarif"),
    });

    expect(run.summary).toMatch(/^## tlsgate: ❌ fail\n/);
    expect(run.summary).toContain(`| \`${legacy.target}\` (127.0.0.1) | action-test 1.0.0`);
    expect(run.summary).toContain(
      "| `no-tls10` No TLS 1.0 | error | ❌ fail | TLSv1.0 is enabled |",
    );
    expect(run.summary).toContain("<summary>How to fix no-tls10: No TLS 1.0</summary>");

    const errors = commands(run.stdout, "error");
    expect(errors).toEqual([
      expect.stringMatching(
        /^::error title=no-tls10,file=\.github\/tls-policy\.json,line=\d+,col=5::127\.0\.0\.1:\d+: No TLS 1\.0%0A- TLSv1\.0 is enabled$/,
      ),
      "::error::tlsgate: policy violation: 1 rule failure(s) at or above error (1 finding(s))",
    ]);
    expect(commands(run.stdout, "warning")).toEqual([
      expect.stringMatching(
        /^::warning title=tls13,file=\.github\/tls-policy\.json,line=\d+,col=5::/,
      ),
    ]);

    const report = JSON.parse(readFileSync(join(workspace, "reports/tlsgate.json"), "utf8")) as {
      gate: { verdict: string; blocking: number };
      results: { target: string; report: unknown }[];
    };
    expect(report.gate).toMatchObject({ verdict: "fail", blocking: 1 });
    expect(report.results.map((r) => r.target)).toEqual([legacy.target]);
    const sarif = JSON.parse(readFileSync(join(workspace, "reports/tlsgate.sarif"), "utf8")) as {
      version: string;
      runs: { results: { ruleId: string; level: string }[] }[];
    };
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0]!.results.map((r) => [r.ruleId, r.level]).sort()).toEqual([
      ["no-tls10", "error"],
      ["tls13", "warning"],
    ]);
  });

  it("passes (exit 0) on a pull request, creating then updating one comment; never shows the token", async () => {
    const pullRequest = {
      name: "pull_request",
      payload: {
        pull_request: { number: 7 },
        repository: { name: "web", owner: { login: "acme" } },
      },
    };
    const options = {
      workspace,
      event: pullRequest,
      inputs: {
        targets: modern.target,
        policy: ".github/tls-policy.json",
        "ca-file": ".github/ca.pem",
        comment: "true",
        "github-token": TOKEN,
      },
      env: { GITHUB_API_URL: api.url },
    };
    const first = await runDist(options);
    const second = await runDist(options);

    for (const run of [first, second]) {
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.outputs).toMatchObject({ verdict: "pass", failures: "0", inconclusive: "0" });
      expect(run.summary).toMatch(/^## tlsgate: ✅ pass\n/);
      expect(commands(run.stdout, "error")).toEqual([]);
      for (const text of [run.stdout, run.stderr, run.summary, JSON.stringify(run.outputs)]) {
        expect(text).not.toContain(TOKEN);
      }
    }
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /repos/acme/web/issues/7/comments",
      "POST /repos/acme/web/issues/7/comments",
      "GET /repos/acme/web/issues/7/comments",
      "PATCH /repos/acme/web/issues/comments/1000",
    ]);
    expect(new Set(api.requests.map((r) => r.authorization))).toEqual(new Set([`token ${TOKEN}`]));
    expect(api.comments).toHaveLength(1);
    const body = api.comments[0]!.body;
    expect(body.startsWith(`${COMMENT_MARKER}\n## tlsgate: ✅ pass\n`)).toBe(true);
    expect(body).toContain("[Workflow run](https://github.com/acme/web/actions/runs/42)");
    expect(second.stdout).toContain("tlsgate: updated comment 1000 on #7");
  });

  it("annotates a policy error at the policy file's line and column (exit 1)", async () => {
    writeFileSync(
      join(workspace, ".github/bad-policy.json"),
      '{\n  "name": "bad",\n  "version": "1.0.0",\n  "rules": {\n    "x": { "severity": "fatal", "title": "x", "schema": {} }\n  }\n}\n',
    );
    const run = await runDist({
      workspace,
      inputs: { targets: legacy.target, policy: ".github/bad-policy.json" },
    });
    expect(run.code).toBe(1);
    expect(commands(run.stdout, "error")).toEqual([
      expect.stringMatching(
        /^::error title=tlsgate policy error \(invalid\),file=\.github\/bad-policy\.json,line=5,col=\d+::\/rules\/x\/severity: /,
      ),
      expect.stringMatching(
        /^::error::tlsgate: policy error: \.github\/bad-policy\.json:5:\d+ \/rules\/x\/severity: /,
      ),
    ]);
    expect(run.outputs).toEqual({});
    expect(run.summary).toBe("");
  });

  it("writes shard reports that together cover every target once", async () => {
    const targets = `${legacy.target}\n${modern.target}`;
    const shards = await Promise.all(
      ["1/2", "2/2"].map((shard, i) =>
        runDist({
          workspace,
          inputs: {
            targets,
            shard,
            policy: ".github/tls-policy.json",
            "fail-on": "never",
            "report-file": `shards/${i + 1}.json`,
          },
        }),
      ),
    );
    const scanned = shards.map((run) => {
      expect(run.code).toBe(0);
      const result = JSON.parse(readFileSync(run.outputs["report-file"]!, "utf8")) as {
        results: { target: string; report: unknown; evaluations: unknown[] }[];
      };
      // What `tlsgate merge` reads: a valid ScanReport and its evaluations per result.
      for (const entry of result.results) {
        expect(validateScanReport(entry.report).valid).toBe(true);
        expect(entry.evaluations).toHaveLength(1);
      }
      return result.results.map((r) => r.target);
    });
    expect(scanned).toEqual(
      [[legacy.target, modern.target].sort()[0], [legacy.target, modern.target].sort()[1]].map(
        (t) => [t],
      ),
    );
    expect(shards[1]!.summary).toContain("Shard 2/2: 1 of 2 target(s).");
  });
});

describe("presets in the bundle", () => {
  it("resolves a bare preset name from presets/ beside dist/", async () => {
    // A copy of the bundle with a temporary preset of its own, so the test does not depend on
    // what the real presets say.
    const root = mkdtempSync(join(tmpdir(), "tlsgate-action-bundle-"));
    mkdirSync(join(root, "dist"));
    mkdirSync(join(root, "presets"));
    copyFileSync(DIST, join(root, "dist/index.js"));
    writeFileSync(
      join(root, "presets/intermediate.json"),
      JSON.stringify({ ...TEST_POLICY, name: "temporary-intermediate" }),
    );
    const run = await runDist({
      workspace,
      dist: join(root, "dist/index.js"),
      inputs: { targets: modern.target, "report-file": "preset.json", "fail-on": "never" },
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const result = JSON.parse(readFileSync(join(workspace, "preset.json"), "utf8")) as {
      results: { evaluations: { policy: { name: string } }[] }[];
    };
    expect(result.results[0]!.evaluations[0]!.policy.name).toBe("temporary-intermediate");
  });

  it("ships the repository's presets, and the committed bundle resolves intermediate", async () => {
    const shipped = resolve(DIST, "../../presets/intermediate.json");
    const preset = JSON.parse(readFileSync(shipped, "utf8")) as { name: string };
    const run = await runDist({
      workspace,
      inputs: {
        targets: modern.target,
        policy: "intermediate",
        "report-file": "intermediate.json",
        "fail-on": "never",
      },
    });
    expect(run.code).toBe(0);
    const result = JSON.parse(readFileSync(join(workspace, "intermediate.json"), "utf8")) as {
      results: { evaluations: { policy: { name: string } }[] }[];
    };
    expect(result.results[0]!.evaluations[0]!.policy.name).toBe(preset.name);
  });
});
