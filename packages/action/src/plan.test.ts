import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ActionInputs } from "./inputs.js";
import { planScan } from "./plan.js";

const NONE: ActionInputs = {
  targets: [],
  targetsFile: null,
  config: null,
  policy: null,
  failOn: null,
  reportFile: null,
  sarifFile: null,
  comment: false,
  githubToken: "",
  caFiles: [],
  timeoutMs: null,
  concurrency: null,
  shard: null,
};

function workspace(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "tlsgate-action-plan-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe("planScan", () => {
  it("scans the targets input and file with the defaults", () => {
    const cwd = workspace({ "hosts.txt": "b.example # api\n\na.example\n" });
    const plan = planScan({ ...NONE, targets: ["a.example"], targetsFile: "hosts.txt" }, cwd);
    expect(plan).toEqual({
      jobs: [
        { target: "a.example", policy: "intermediate", policyDir: cwd },
        { target: "b.example", policy: "intermediate", policyDir: cwd },
      ],
      total: 2,
      shard: null,
      gate: { failOn: "error", inconclusive: "fail" },
      caFiles: [],
      timeoutMs: 5000,
      concurrency: 8,
      configFile: null,
    });
  });

  it("reads tlsgate.config.json: per-target policy, port and SNI, relative to the config", () => {
    const cwd = workspace({
      "tls/tlsgate.config.json": JSON.stringify({
        policy: "./base.yaml",
        failOn: "warning",
        inconclusive: "pass",
        timeout: 2000,
        concurrency: 2,
        ca: ["ca.pem"],
        targets: [
          "a.example",
          { target: "b.example@192.0.2.1", policy: "modern", port: 8443, sni: "b.example" },
        ],
      }),
    });
    const dir = join(cwd, "tls");
    const plan = planScan(
      { ...NONE, config: "tls/tlsgate.config.json", caFiles: ["extra.pem"], timeoutMs: 1000 },
      cwd,
    );
    expect(plan).toEqual({
      jobs: [
        { target: "a.example", policy: "./base.yaml", policyDir: dir },
        {
          target: "b.example@192.0.2.1",
          policy: "modern",
          policyDir: dir,
          port: 8443,
          sni: "b.example",
        },
      ],
      total: 2,
      shard: null,
      gate: { failOn: "warning", inconclusive: "pass" },
      caFiles: [join(cwd, "extra.pem"), join(dir, "ca.pem")],
      timeoutMs: 1000,
      concurrency: 2,
      configFile: join(dir, "tlsgate.config.json"),
    });
  });

  it("lets the policy and fail-on inputs win over the config, relative to the workspace", () => {
    const cwd = workspace({
      "tlsgate.config.json": JSON.stringify({
        policy: "modern",
        failOn: "info",
        targets: ["a.example"],
      }),
    });
    const plan = planScan({ ...NONE, policy: "mine.json", failOn: "error" }, cwd);
    expect(plan.jobs).toEqual([{ target: "a.example", policy: "mine.json", policyDir: cwd }]);
    expect(plan.gate.failOn).toBe("error");
    expect(plan.configFile).toBe(join(cwd, "tlsgate.config.json"));
  });

  it("takes targets from the inputs over the config's", () => {
    const cwd = workspace({ "tlsgate.config.json": JSON.stringify({ targets: ["a.example"] }) });
    expect(planScan({ ...NONE, targets: ["b.example"] }, cwd).jobs.map((j) => j.target)).toEqual([
      "b.example",
    ]);
  });

  it("keeps every scan of one target in the same shard", () => {
    const cwd = workspace({
      "c.json": JSON.stringify({
        targets: ["c.example", { target: "a.example", port: 8443 }, "b.example", "a.example"],
      }),
    });
    const shards = [1, 2].map(
      (index) => planScan({ ...NONE, config: "c.json", shard: { index, count: 2 } }, cwd).jobs,
    );
    expect(shards.map((jobs) => jobs.map((j) => `${j.target}:${j.port ?? ""}`))).toEqual([
      ["c.example:", "a.example:8443", "a.example:"],
      ["b.example:"],
    ]);
  });

  it.each([
    [{}, /^input targets: no targets/],
    [{ targetsFile: "missing.txt" }, /^input targets-file: cannot read missing\.txt$/],
    [{ config: "missing.json" }, /^input config: missing\.json: cannot read: /],
  ])("refuses %j", (inputs, message) => {
    expect(() => planScan({ ...NONE, ...inputs }, workspace())).toThrow(message);
  });

  it.each([
    [{ targets: "a" }, "/targets: must be array"],
    [{ targets: [{ port: 1 }] }, '/targets/0: missing field "target"'],
    [{ targets: [{ target: "a", port: 0 }] }, "/targets/0/port: must be >= 1"],
    [{ failOn: "fatal", targets: [] }, "/failOn: must be one of error, warning, info, never"],
    [{ timeout: 5, targets: [] }, "/timeout: must be >= 100"],
    [[], "/: must be object"],
  ])("refuses the config %j", (config, message) => {
    const cwd = workspace({ "c.json": JSON.stringify(config) });
    expect(() => planScan({ ...NONE, config: "c.json" }, cwd)).toThrow(
      `input config: c.json ${message}`,
    );
  });
});
