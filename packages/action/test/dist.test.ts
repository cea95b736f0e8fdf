/**
 * The built action (dist/index.js, as committed) run with `node` and the environment a runner
 * gives it, against TLS servers on 127.0.0.1 and a fake GitHub API on 127.0.0.1: outputs, job
 * summary, workflow commands on stdout, report files, the PR comment and the exit status.
 * Build it first: npm run bundle -w @tlsgate/action
 */
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { validateScanReport } from "@tlsgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTIONS_BOT, COMMENT_MARKER } from "../src/comment.js";
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
      "html-file": "",
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
      "GET /user",
      "GET /repos/acme/web/issues/7/comments",
      "POST /repos/acme/web/issues/7/comments",
      "GET /user",
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
        /^::error::tlsgate: policy error: \.github\/bad-policy\.json:5:\d+ \/rules\/x\/severity: "fatal" is not one of error, warning, info, off$/,
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

describe("dist/worker.js: a fleet over worker threads", () => {
  it("judges 64 targets over two bundled workers as over one thread", async () => {
    // Each server under 32 names (host@ip), alternating, so a report at the wrong index shows.
    const targets = Array.from(
      { length: 64 },
      (_, i) => `w${i}.test@${(i % 2 === 0 ? legacy : modern).target}`,
    );
    // Loaded before the Action in every thread (NODE_OPTIONS reaches the workers too): each
    // worker thread leaves a file in its run's folder, so the test knows how many threads ran.
    const threads = mkdtempSync(join(tmpdir(), "tlsgate-action-threads-"));
    const preload = join(threads, "threads.mjs");
    writeFileSync(
      preload,
      [
        'import { isMainThread, threadId } from "node:worker_threads";',
        'import { writeFileSync } from "node:fs";',
        'import { join } from "node:path";',
        "if (!isMainThread) writeFileSync(join(process.env.TLSGATE_TEST_THREADS, `${threadId}`), '');",
      ].join("\n"),
    );
    const threadsOf = (workers: string): string => {
      const folder = join(threads, `workers-${workers}`);
      mkdirSync(folder, { recursive: true });
      return folder;
    };
    const runs = await Promise.all(
      ["2", "1"].map((workers) =>
        runDist({
          workspace,
          env: {
            NODE_OPTIONS: `--import ${pathToFileURL(preload).href}`,
            TLSGATE_TEST_THREADS: threadsOf(workers),
          },
          inputs: {
            targets: targets.join("\n"),
            workers,
            policy: ".github/tls-policy.json",
            "ca-file": ".github/ca.pem",
            "fail-on": "never",
            "report-file": `workers-${workers}.json`,
          },
        }),
      ),
    );
    const judged = runs.map((run) => {
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      const result = JSON.parse(readFileSync(run.outputs["report-file"]!, "utf8")) as {
        results: {
          target: string;
          report: { reachable: boolean | null; errors: unknown[]; protocols: object };
          evaluations: { findings: { ruleId: string; status: string }[] }[];
        }[];
      };
      return result.results.map((r) => ({
        target: r.target,
        reachable: r.report.reachable,
        errors: r.report.errors,
        protocols: r.report.protocols,
        findings: r.evaluations.flatMap((e) => e.findings.map((f) => `${f.ruleId} ${f.status}`)),
      }));
    });
    expect(readdirSync(threadsOf("2"))).toHaveLength(2);
    expect(readdirSync(threadsOf("1"))).toHaveLength(0);
    expect(judged[0]!.map((r) => r.target)).toEqual(targets);
    expect(judged[0]).toEqual(judged[1]);
    judged[0]!.forEach((result, i) => {
      expect(result.reachable).toBe(true);
      expect(result.protocols).toMatchObject({ "TLSv1.0": i % 2 === 0 });
    });
    expect(runs[0]!.outputs).toEqual({
      ...runs[1]!.outputs,
      "report-file": runs[0]!.outputs["report-file"],
    });
  }, 300_000);
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

/** Lines the runner would read as workflow commands: `::` after leading whitespace, or `##[`. */
const commandLines = (stdout: string): string[] =>
  stdout.split(/\r?\n|\r/).filter((line) => /^\s*::/.test(line) || line.includes("##["));

/** What a certificate can carry into the log, the summary and the comment. */
const INJECTIONS = {
  command: "\n::error::pwned\n::add-mask::x\n  ::stop-commands::tok\n##[warning]old form",
  mention: "@octocat",
  html: "<img src=x>",
  link: "[link](http://evil)",
};
const HOSTILE_TEXT = `${INJECTIONS.mention} ${INJECTIONS.html} ${INJECTIONS.link} | x`;

describe("server-chosen text on a runner", () => {
  let hostile: TestServer;
  let hostileCa: string;

  beforeAll(async () => {
    const credentials = makeCredentials({
      // Each attribute at most 64 characters (ub-common-name and friends).
      subject: [
        ["O", HOSTILE_TEXT],
        ["OU", "\n  ::stop-commands::tok\n##[warning]old form"],
        ["CN", "localhost\n::error::pwned\n::add-mask::x"],
      ],
      dns: [`evil${INJECTIONS.command}`, HOSTILE_TEXT.replace(/ /g, "")],
    });
    hostile = await startServer(credentials, MODERN);
    hostileCa = join(workspace, ".github/hostile-ca.pem");
    copyFileSync(credentials.caFile, hostileCa);
    // Rules that fail on the certificate's names, so the findings quote them.
    writePolicy(join(workspace, ".github/names-policy.json"), {
      name: "names",
      version: "1.0.0",
      rules: {
        subject: {
          severity: "error",
          title: "The subject is ours",
          schema: chainItem({ subject: { const: "CN=ours" } }),
        },
        san: {
          severity: "warning",
          title: "Only our names",
          schema: chainItem({
            san: { items: { pattern: "^(DNS:localhost|IP:127\\.0\\.0\\.1)$" } },
          }),
        },
      },
    });
  });

  afterAll(async () => {
    await hostile.close();
  });

  function chainItem(properties: object): object {
    return { properties: { certificate: { properties: { chain: { items: { properties } } } } } };
  }

  it("keeps certificate names from starting workflow commands or pinging, linking and tagging", async () => {
    const run = await runDist({
      workspace,
      event: { name: "pull_request", payload: { pull_request: { number: 21 } } },
      inputs: {
        targets: hostile.target,
        policy: ".github/names-policy.json",
        "ca-file": ".github/hostile-ca.pem",
        "report-file": "reports/hostile.json",
        comment: "true",
        "github-token": TOKEN,
      },
      env: { GITHUB_API_URL: api.url },
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);

    // The names reached the scan as the server sent them (escaped in the report).
    const result = JSON.parse(readFileSync(join(workspace, "reports/hostile.json"), "utf8")) as {
      results: { report: { certificate: { chain: { subject: string; san: string[] }[] } } }[];
    };
    const [leaf] = result.results[0]!.report.certificate.chain;
    expect(leaf!.subject).toContain("localhost\\x0a::error::pwned\\x0a::add-mask::x");
    expect(leaf!.san[1]).toBe(`DNS:evil${INJECTIONS.command.replace(/\n/g, "\\x0a")}`);

    // Only the Action's own commands: annotations of its findings and the failed step.
    const commands = commandLines(run.stdout);
    expect(commands.map((line) => /^::(\w+)/.exec(line)?.[1])).toEqual([
      "error",
      "warning",
      "error",
    ]);
    expect(commands[0]).toMatch(/^::error title=subject,file=\.github\/names-policy\.json,/);
    expect(commands[1]).toMatch(/^::warning title=san,file=\.github\/names-policy\.json,/);
    expect(commands[2]).toMatch(/^::error::tlsgate: policy violation/);
    // The text report quoted the names in the log, escaped.
    expect(run.stdout).toContain("localhost\\x0a::error::pwned");

    const body = api.comments.find((c) => c.body.includes(hostile.target))?.body ?? "";
    for (const markdown of [run.summary, body]) {
      expect(markdown).toContain("octocat");
      expect(markdown).not.toMatch(/@octocat/);
      expect(markdown).not.toContain("<img");
      expect(markdown).not.toContain("[link](");
      expect(markdown).not.toContain("](http://evil");
      expect(markdown).not.toMatch(/(?<!\\)\[link/);
      expect(markdown).not.toMatch(/https?:\/\/evil/);
      expect(markdown).not.toMatch(/^\s*::/m);
    }
  });

  it("leaves a spoofed marker comment alone, updates its own, and keeps comment-keys apart", async () => {
    const spoof = {
      id: 1,
      issue: 22,
      body: `${COMMENT_MARKER}\n## tlsgate: ✅ pass\nmallory posted this`,
      user: { login: "mallory" },
    };
    api.comments.push({ ...spoof, user: { ...spoof.user } });
    const runOn = (key: string | null) =>
      runDist({
        workspace,
        event: { name: "pull_request", payload: { pull_request: { number: 22 } } },
        inputs: {
          targets: modern.target,
          policy: ".github/tls-policy.json",
          "ca-file": ".github/ca.pem",
          comment: "true",
          "github-token": TOKEN,
          ...(key === null ? {} : { "comment-key": key }),
        },
        env: { GITHUB_API_URL: api.url },
      });
    const before = api.requests.length;
    for (const key of [null, "staging", null, "staging"]) {
      const run = await runOn(key);
      expect(run.code).toBe(0);
    }
    const writes = api.requests
      .slice(before)
      .filter((r) => r.method !== "GET")
      .map((r) => `${r.method} ${r.path}`);
    const [own, staging] = api.comments.filter((c) => c.issue === 22 && c.id !== spoof.id);
    expect(writes).toEqual([
      "POST /repos/acme/web/issues/22/comments",
      "POST /repos/acme/web/issues/22/comments",
      `PATCH /repos/acme/web/issues/comments/${own!.id}`,
      `PATCH /repos/acme/web/issues/comments/${staging!.id}`,
    ]);
    expect(api.comments.find((c) => c.id === 1)).toEqual(spoof);
    expect(own!.user).toEqual({ login: ACTIONS_BOT });
    expect(own!.body.startsWith(`${COMMENT_MARKER}\n## tlsgate: ✅ pass\n`)).toBe(true);
    expect(staging!.body.startsWith("<!-- tlsgate key=staging -->\n## tlsgate: ✅ pass\n")).toBe(
      true,
    );
  });

  it("finds its comment by the login GET /user gives for a personal token", async () => {
    api.login = "release-bot";
    try {
      const options = {
        workspace,
        event: { name: "pull_request", payload: { pull_request: { number: 23 } } },
        inputs: {
          targets: modern.target,
          policy: ".github/tls-policy.json",
          "ca-file": ".github/ca.pem",
          comment: "true",
          "github-token": TOKEN,
        },
        env: { GITHUB_API_URL: api.url },
      };
      // A comment of the Actions bot with the marker is not this token's.
      api.comments.push({
        id: 2,
        issue: 23,
        body: `${COMMENT_MARKER}\nold`,
        user: { login: ACTIONS_BOT },
      });
      await runDist(options);
      const second = await runDist(options);
      const mine = api.comments.filter((c) => c.user?.login === "release-bot");
      expect(mine).toHaveLength(1);
      expect(second.stdout).toContain(`tlsgate: updated comment ${mine[0]!.id} on #23`);
      expect(api.comments.find((c) => c.id === 2)?.body).toBe(`${COMMENT_MARKER}\nold`);
    } finally {
      api.login = null;
    }
  });
});
