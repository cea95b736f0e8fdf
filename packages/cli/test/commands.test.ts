/** The offline commands: demo, check, policy validate/show/test, merge and init. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "tlsgate-commands-"));

beforeAll(async () => {
  // One real demo run gives a saved result to work on offline.
  const demo = await runCli(["demo", "--no-progress"]);
  expect(demo.code).toBe(0);
  expect(demo.stdout).toMatch(
    /well-configured server[\s\S]*Gate: PASS[\s\S]*legacy server[\s\S]*Gate: FAIL/,
  );
  expect(demo.stdout).toContain("fix");
}, 60_000);

describe("tlsgate check", () => {
  it("evaluates a saved report offline with another policy", async () => {
    const legacyReport = JSON.parse(
      readFileSync(new URL("./fixtures/legacy-result.json", import.meta.url), "utf8"),
    ) as unknown;
    const savedJson = join(dir, "legacy.json");
    writeFileSync(savedJson, JSON.stringify(legacyReport));
    const baseline = await runCli([
      "check",
      "--scan",
      savedJson,
      "--policy",
      "baseline",
      "--format",
      "json",
    ]);
    const strict = await runCli([
      "check",
      "--scan",
      savedJson,
      "--policy",
      "modern",
      "--format",
      "json",
    ]);
    const count = (stdout: string): number =>
      (JSON.parse(stdout) as { results: { evaluations: { findings: unknown[] }[] }[] }).results[0]!
        .evaluations[0]!.findings.length;
    expect(baseline.code).toBe(1);
    expect(strict.code).toBe(1);
    expect(count(strict.stdout)).toBeGreaterThan(count(baseline.stdout));
  });

  it("refuses a file that is not a report", async () => {
    const bogus = join(dir, "bogus.json");
    writeFileSync(bogus, JSON.stringify({ hello: "world" }));
    const run = await runCli(["check", "--scan", bogus]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("is not a ScanReport");
  });

  it.each([
    [[], "tlsgate: scan: no reports to judge: name a saved report\n"],
    [["--scan", "empty.json"], "tlsgate: scan: empty.json holds no scan report\n"],
    [["--scan", "null.json"], /^tlsgate: scan: null\.json: entry 0 is not a ScanReport: \/ /],
  ])("never passes on nothing to judge: check %j exits 2", async (args, message) => {
    writeFileSync(join(dir, "empty.json"), JSON.stringify({ results: [] }));
    writeFileSync(join(dir, "null.json"), "null");
    const run = await runCli(["check", ...args], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    if (typeof message === "string") expect(run.stderr).toBe(message);
    else expect(run.stderr).toMatch(message);
  });

  it("gates an unscanned target even with --fail-on never, unless inconclusive findings pass", async () => {
    const saved = JSON.parse(
      readFileSync(new URL("./fixtures/legacy-result.json", import.meta.url), "utf8"),
    ) as { results: { report: Record<string, unknown> }[] };
    const report = saved.results[0]!.report;
    writeFileSync(join(dir, "down.json"), JSON.stringify({ ...report, reachable: false }));
    const never = await runCli(["check", "--scan", "down.json", "--fail-on", "never"], {
      cwd: dir,
    });
    expect(never.code).toBe(3);
    expect(never.stdout).toContain("1 target(s) could not be scanned: legacy.example@127.0.0.1");
    const pass = await runCli(
      ["check", "--scan", "down.json", "--fail-on", "never", "--inconclusive", "pass"],
      { cwd: dir },
    );
    expect(pass.code).toBe(0);
  });
});

describe("output options", () => {
  it.each([
    [
      ["--format", "yaml"],
      'tlsgate: format: unknown format "yaml" (expected text, json, markdown, sarif, junit, ndjson, html)\n',
    ],
    [
      ["--output", "report.json"],
      'tlsgate: output: expected FORMAT=PATH (e.g. sarif=tlsgate.sarif), got "report.json"\n',
    ],
  ])("refuses %j in one line before anything runs", async (args, message) => {
    const run = await runCli(["scan", "127.0.0.1:9", ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(message);
    expect(run.stdout).toBe("");
  });
});

describe("tlsgate policy", () => {
  it("says in one line that a folder of cases is not there (exit 2, not an internal error)", async () => {
    const run = await runCli(["policy", "test", "no-such-cases"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `tlsgate: cases: no such file or folder: ${join(dir, "no-such-cases")}\n`,
    );
  });

  it("refuses an extends file outside the policy's repository unless its folder is allowed", async () => {
    const root = mkdtempSync(join(tmpdir(), "tlsgate-allow-"));
    mkdirSync(join(root, "repo"));
    mkdirSync(join(root, "org"));
    writeFileSync(join(root, "repo", "package.json"), "{}\n");
    writeFileSync(
      join(root, "repo", "p.yaml"),
      "name: p\nversion: 1.0.0\nextends: [../org/base.json]\n",
    );
    writeFileSync(
      join(root, "org", "base.json"),
      JSON.stringify({
        name: "base",
        version: "1.0.0",
        rules: {
          "no-tls10": {
            severity: "error",
            title: "No TLS 1.0",
            schema: { properties: { protocols: { properties: { "TLSv1.0": { const: false } } } } },
          },
        },
      }),
    );
    const cwd = join(root, "repo");
    const refused = await runCli(["policy", "validate", "p.yaml"], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^tlsgate: policy error: \S*p\.yaml:3:11 \/extends\/0: extends "\.\.\/org\/base\.json" reads .*, outside the policy's repository \(.*\); allow it with --allow-policy-path\n$/,
    );
    const allowed = await runCli(
      ["policy", "validate", "p.yaml", "--allow-policy-path", "../org"],
      {
        cwd,
      },
    );
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/^p\.yaml: valid — p@1\.0\.0, 1 rules/);
  });

  it("validates a preset and prints its hash", async () => {
    const run = await runCli(["policy", "validate", "intermediate"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^intermediate: valid — tlsgate\/intermediate@\d+\.\d+\.\d+, \d+ rules, sha256 [0-9a-f]{64}/,
    );
  });

  it("refuses a misspelt report field with its pointer", async () => {
    const file = join(dir, "typo.json");
    writeFileSync(
      file,
      JSON.stringify({
        name: "typo",
        version: "1.0.0",
        rules: {
          r: {
            severity: "error",
            title: "t",
            schema: { properties: { protocol: { type: "object" } } },
          },
        },
      }),
    );
    const run = await runCli(["policy", "validate", file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("/rules/r/schema/properties/protocol");
    expect(run.stderr).toContain("protocols");
  });

  it("refuses a client name no profile has, suggesting the closest", async () => {
    const file = join(dir, "client-typo.json");
    writeFileSync(
      file,
      JSON.stringify({
        name: "client-typo",
        version: "1.0.0",
        rules: {
          r: {
            severity: "error",
            title: "Android connects",
            schema: {
              properties: {
                clients: {
                  contains: { properties: { name: { const: "Andriod 8.1" }, ok: { const: true } } },
                },
              },
            },
          },
        },
      }),
    );
    const run = await runCli(["policy", "validate", file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"Andriod 8.1" is not a client profile');
    expect(run.stderr).toContain(
      "/rules/r/schema/properties/clients/contains/properties/name/const",
    );
    expect(run.stderr).toContain("did you mean Android 8.1 (native)?");
  });

  it("shows a resolved policy as JSON", async () => {
    const run = await runCli(["policy", "show", "modern"]);
    const resolved = JSON.parse(run.stdout) as { name: string; rules: Record<string, unknown> };
    expect(resolved.name).toBe("tlsgate/modern");
    expect(Object.keys(resolved.rules)).toContain("tls-versions");
  });

  it("runs policy test cases and fails on a wrong expectation", async () => {
    const cases = join(dir, "cases");
    mkdirSync(cases, { recursive: true });
    const report = (
      JSON.parse(
        readFileSync(new URL("./fixtures/legacy-result.json", import.meta.url), "utf8"),
      ) as { results: { report: unknown }[] }
    ).results[0]!.report;
    writeFileSync(
      join(cases, "right.case.json"),
      JSON.stringify({ policy: "baseline", report, expect: { "no-rc4-cipher-suites": "pass" } }),
    );
    const right = await runCli(["policy", "test", cases]);
    expect(right.stdout).toContain("1 passed, 0 failed");
    expect(right.code).toBe(0);
    writeFileSync(
      join(cases, "wrong.case.json"),
      JSON.stringify({ policy: "baseline", report, expect: { "certificate-trusted": "pass" } }),
    );
    const wrong = await runCli(["policy", "test", cases]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain("certificate-trusted: expected pass, got fail");
  });
});

describe("tlsgate merge", () => {
  it("joins shard results and refuses overlapping shards", async () => {
    const source = JSON.parse(
      readFileSync(new URL("./fixtures/legacy-result.json", import.meta.url), "utf8"),
    ) as {
      results: { target: string; report: { target: { input: string } } }[];
    };
    const other = structuredClone(source);
    other.results[0]!.report.target.input = "other.example:443";
    other.results[0]!.target = "other.example:443";
    const a = join(dir, "a.json");
    const b = join(dir, "b.json");
    writeFileSync(a, JSON.stringify(source));
    writeFileSync(b, JSON.stringify(other));
    const merged = await runCli(["merge", a, b]);
    expect(merged.code).toBe(0);
    const result = JSON.parse(merged.stdout) as { results: { target: string }[] };
    expect(result.results.map((r) => r.target).sort()).toEqual(
      [source.results[0]!.target, "other.example:443"].sort(),
    );
    const overlap = await runCli(["merge", a, a]);
    expect(overlap.code).toBe(2);
    expect(overlap.stderr).toContain("is in both");
  });
});

describe("tlsgate init", () => {
  it("writes a starter policy, a config and a workflow, and will not overwrite them", async () => {
    const project = mkdtempSync(join(tmpdir(), "tlsgate-init-"));
    const first = await runCli(["init", "example.com", "--policy", "modern"], { cwd: project });
    expect(first.code).toBe(0);
    const config = JSON.parse(readFileSync(join(project, "tlsgate.config.json"), "utf8")) as {
      policy: string;
      targets: string[];
    };
    expect(config).toMatchObject({ policy: "./tls-policy.yaml", targets: ["example.com"] });
    expect(readFileSync(join(project, "tls-policy.yaml"), "utf8")).toContain(
      'extends:\n  - "modern"',
    );
    expect(existsSync(join(project, ".github/workflows/tlsgate.yml"))).toBe(true);
    const second = await runCli(["init"], { cwd: project });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain("--force");
  });
});
