import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../config/config.js";
import { TlsgateError } from "../errors.js";
import { PolicyError } from "../policy/errors.js";
import { tempDir } from "../../test/support/temp-dir.js";
import { TargetError } from "../probe/target.js";
import { ClientProfileError } from "../registry/client-profiles.js";
import { sampleReport } from "../../test/support/sample-report.js";
import { InputError } from "./input-error.js";
import { planRun, type PlanResult, type RunPlan } from "./plan.js";

const dirs: { remove(): void }[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

function workspace(files: Record<string, string | object> = {}): string {
  const dir = tempDir(files);
  dirs.push(dir);
  return dir.dir;
}

function planned(result: PlanResult): RunPlan {
  expect(result.errors.map((error) => error.message)).toEqual([]);
  expect(result.plan).not.toBeNull();
  return result.plan!;
}

/** Every error as `Name: first line`, the way a shell prints them. */
function problems(result: PlanResult): string[] {
  expect(result.plan).toBeNull();
  return result.errors.flatMap((error) => error.toLines().map((line) => `${error.name}: ${line}`));
}

const shape = (plan: RunPlan) =>
  plan.targets.map((t) => ({
    input: t.input,
    host: t.target?.host,
    port: t.target?.port,
    sni: t.target?.sni,
    policy: t.policy.policy.name,
    ref: t.policyRef,
  }));

const POLICY = {
  name: "acme/base",
  version: "1.0.0",
  rules: {
    tls12: {
      severity: "error",
      title: "TLS 1.2",
      schema: { properties: { protocols: { properties: { "TLSv1.2": { const: true } } } } },
    },
  },
};

describe("planRun", () => {
  it("plans the named targets and a targets file with the defaults", () => {
    const cwd = workspace({ "hosts.txt": "b.example # api\n\na.example:8443\n" });
    const plan = planned(planRun({ cwd, targets: ["a.example"], targetsFile: "hosts.txt" }));
    expect(shape(plan)).toEqual([
      {
        input: "a.example",
        host: "a.example",
        port: 443,
        sni: "a.example",
        policy: "tlsgate/intermediate",
        ref: "intermediate",
      },
      {
        input: "b.example",
        host: "b.example",
        port: 443,
        sni: "b.example",
        policy: "tlsgate/intermediate",
        ref: "intermediate",
      },
      {
        input: "a.example:8443",
        host: "a.example",
        port: 8443,
        sni: "a.example",
        policy: "tlsgate/intermediate",
        ref: "intermediate",
      },
    ]);
    expect(plan).toMatchObject({
      total: 3,
      shard: null,
      gate: { failOn: "error", inconclusive: "fail" },
      timeoutMs: 5000,
      concurrency: 8,
      maxConnections: 256,
      maxPerAddress: 64,
      parallelTargets: 64,
      workers: Math.min(4, availableParallelism()),
      ca: [],
      clients: null,
      configFile: null,
    });
  });

  it("reads tlsgate.config.json: per-target policy, port and SNI, relative to the config file", () => {
    const cwd = workspace({
      "tls/base.json": POLICY,
      "tls/tlsgate.config.json": {
        policy: "./base.json",
        failOn: "warning",
        inconclusive: "pass",
        timeout: 2000,
        concurrency: 2,
        maxConnections: 40,
        maxPerAddress: 10,
        workers: 3,
        targets: [
          "a.example",
          { target: "b.example@127.0.0.2", policy: "modern", port: 8443, sni: "c.example" },
        ],
      },
    });
    const plan = planned(planRun({ cwd, config: "tls/tlsgate.config.json", timeout: "1000" }));
    expect(shape(plan)).toEqual([
      {
        input: "a.example",
        host: "a.example",
        port: 443,
        sni: "a.example",
        policy: "acme/base",
        ref: "./base.json",
      },
      {
        input: "b.example@127.0.0.2",
        host: "c.example",
        port: 8443,
        sni: "c.example",
        policy: "tlsgate/modern",
        ref: "modern",
      },
    ]);
    expect(plan.targets[0]!.policyFile).toBe(join(cwd, "tls", "base.json"));
    expect(plan.targets[1]!.target!.connectAddress).toBe("127.0.0.2");
    expect(plan).toMatchObject({
      gate: { failOn: "warning", inconclusive: "pass" },
      timeoutMs: 1000,
      concurrency: 2,
      maxConnections: 40,
      maxPerAddress: 10,
      workers: 3,
      // Twice what the budget serves at once: 2 × 40 / 2.
      parallelTargets: 40,
      configFile: join(cwd, "tls", "tlsgate.config.json"),
    });
  });

  it("lets named settings win over the config, and names why the config's targets are skipped", () => {
    const cwd = workspace({
      "mine.json": POLICY,
      "tlsgate.config.json": { policy: "modern", failOn: "info", targets: ["a.example"] },
    });
    const result = planRun({ cwd, targets: ["b.example"], policy: "mine.json", failOn: "error" });
    const plan = planned(result);
    expect(shape(plan).map((t) => [t.input, t.policy])).toEqual([["b.example", "acme/base"]]);
    expect(plan.gate.failOn).toBe("error");
    expect(result.warnings).toEqual([
      `${join(cwd, "tlsgate.config.json")}: its 1 target(s) are not scanned, since targets were named`,
    ]);
  });

  it("scans a target named twice once, and warns", () => {
    const result = planRun({ cwd: workspace(), targets: ["a.example", "b.example", "a.example"] });
    expect(planned(result).targets.map((t) => t.input)).toEqual(["a.example", "b.example"]);
    expect(result.warnings).toEqual(["target a.example is named more than once; scanned once"]);
  });

  it("keeps every scan of one target in the same shard", () => {
    const cwd = workspace({
      "c.json": {
        targets: ["c.example", { target: "a.example", port: 8443 }, "b.example", "a.example"],
      },
    });
    const shards = ["1/2", "2/2"].map((shard) =>
      planned(planRun({ cwd, config: "c.json", shard })),
    );
    expect(shards.map((plan) => plan.targets.map((t) => `${t.input}:${t.target!.port}`))).toEqual([
      ["c.example:443", "a.example:8443", "a.example:443"],
      ["b.example:443"],
    ]);
    expect(shards.map((plan) => [plan.total, plan.shard])).toEqual([
      [3, { index: 1, count: 2 }],
      [3, { index: 2, count: 2 }],
    ]);
  });

  it("reports every problem of the input at once, before any connection", () => {
    const cwd = workspace({ "not-a-ca.pem": "hello\n" });
    const result = planRun({
      cwd,
      targets: ["a.example:99999", "b.example"],
      policy: "./missing-policy.yaml",
      ca: ["missing-ca.pem", "not-a-ca.pem"],
      failOn: "errors",
      inconclusive: "maybe",
      timeout: "1e9",
      concurrency: "0",
      maxConnections: "0",
      maxPerAddress: "lots",
      workers: "0",
      clients: "Firefox 999",
      shard: "3/2",
    });
    expect(problems(result)).toEqual([
      'InputError: fail-on: expected one of error, warning, info, never, got "errors"',
      'InputError: inconclusive: expected one of fail, pass, got "maybe"',
      'InputError: timeout: expected a whole number from 100 to 600000, got "1e9"',
      'InputError: concurrency: expected a whole number from 1 to 64, got "0"',
      'InputError: max-connections: expected a whole number from 1 to 4096, got "0"',
      'InputError: max-per-address: expected a whole number from 1 to 1024, got "lots"',
      'InputError: workers: expected a whole number from 1 to 256, got "0"',
      'ClientProfileError: unknown client profile: "Firefox 999" (did you mean "Firefox 29 OS X"?)',
      'InputError: shard: expected "i/n" with 1 <= i <= n, got "3/2"',
      'TargetError: invalid target "a.example:99999": port 99999 is out of range',
      `PolicyError: policy error: cannot read ./missing-policy.yaml (${join(cwd, "missing-policy.yaml")})`,
      expect.stringMatching(/^InputError: ca: cannot read missing-ca\.pem: ENOENT/),
      expect.stringMatching(/^InputError: ca: not-a-ca\.pem: /),
    ]);
    expect(result.errors.every((error) => error instanceof TlsgateError)).toBe(true);
    expect(result.errors.map((error) => error.constructor)).toContain(ClientProfileError);
    expect(result.errors.map((error) => error.constructor)).toContain(TargetError);
  });

  it("reports a policy shared by many targets once, with every problem in it", () => {
    const cwd = workspace({
      "bad.yaml": [
        "name: acme/bad",
        "version: 1.0.0",
        "rules:",
        "  one:",
        "    severty: error",
        "    title: One",
        "    schema: { properties: { protocols: {} } }",
        "  two:",
        "    severity: error",
        "    title: Two",
        "    schema: { properties: { cipherSuite: {} } }",
        "  three: warnin",
      ].join("\n"),
    });
    const result = planRun({ cwd, targets: ["a.example", "b.example"], policy: "bad.yaml" });
    expect(result.errors).toHaveLength(1);
    const error = result.errors[0] as PolicyError;
    expect(error).toBeInstanceOf(PolicyError);
    expect(error.issues.map((issue) => [issue.line, issue.pointer])).toEqual([
      [5, "/rules/one/severty"],
      [11, "/rules/two/schema/properties/cipherSuite"],
      [12, "/rules/three"],
    ]);
  });

  it.each([
    [
      {},
      "InputError: targets: no targets: name one or more, a targets file, or a config file with targets",
    ],
    [
      { targets: ["  "] },
      "InputError: targets: no targets: name one or more, a targets file, or a config file with targets",
    ],
    [{ targetsFile: "missing.txt" }, /^InputError: targets-file: cannot read missing\.txt: ENOENT/],
    [{ targetsFile: "." }, "InputError: targets-file: cannot read .: not a regular file"],
    [{ config: "missing.json" }, /^ConfigError: config error: missing\.json: cannot read: ENOENT/],
  ])("refuses %j in one line", (input, line) => {
    const lines = problems(planRun({ cwd: workspace(), ...input }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual(typeof line === "string" ? line : expect.stringMatching(line));
  });

  it("refuses a config file with every problem in it, each with its line", () => {
    const cwd = workspace({
      "tlsgate.config.json":
        '{\n  "failOn": "fatal",\n  "targets": [{ "target": "a", "port": 0 }]\n}',
    });
    const result = planRun({ cwd });
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toBeInstanceOf(ConfigError);
    expect(problems(result)).toEqual([
      "ConfigError: config error: tlsgate.config.json:2:3 /failOn: must be one of error, warning, info, never",
      "ConfigError: config error: tlsgate.config.json:3:32 /targets/0/port: must be >= 1",
    ]);
  });

  it("checks that output files can be written before any connection", () => {
    // A path under a regular file cannot be created, whoever runs the test (root included).
    const cwd = workspace({ "file.txt": "not a folder\n" });
    const result = planRun({
      cwd,
      targets: ["a.example"],
      outputFiles: ["out/report.json", "file.txt/report.sarif", "."],
    });
    expect(problems(result)).toEqual([
      expect.stringMatching(
        /^InputError: output: cannot write file\.txt\/report\.sarif: EEXIST: file already exists, mkdir /,
      ),
      "InputError: output: cannot write .: not a regular file",
    ]);
    // The writable one was prepared: its folder exists now.
    expect(existsSync(join(cwd, "out"))).toBe(true);
  });

  describe("with saved reports (tlsgate check)", () => {
    it("judges each saved report against the policy, without scanning", () => {
      const cwd = workspace({
        "one.json": sampleReport("a.example:443"),
        "many.json": {
          results: [{ report: sampleReport("b.example") }, { report: sampleReport("c.example") }],
        },
        "tlsgate.config.json": { targets: ["z.example"] },
      });
      const plan = planned(
        planRun({ cwd, reports: ["one.json", "many.json"], policy: "modern", config: false }),
      );
      expect(
        plan.targets.map((t) => [t.input, t.target, t.saved?.target.input, t.policy.policy.name]),
      ).toEqual([
        ["a.example:443", null, "a.example:443", "tlsgate/modern"],
        ["b.example", null, "b.example", "tlsgate/modern"],
        ["c.example", null, "c.example", "tlsgate/modern"],
      ]);
    });

    it.each([
      ["none", "InputError: scan: no reports to judge: name a saved report"],
      [[], "InputError: scan: r.json holds no scan report"],
      [{ results: [] }, "InputError: scan: r.json holds no scan report"],
      [null, /^InputError: scan: r\.json: entry 0 is not a ScanReport/],
      [{ results: [{ evaluations: [] }] }, "InputError: scan: r.json: /results/0 has no report"],
    ])("refuses %j: nothing to judge is never a pass", (saved, line) => {
      const cwd = workspace({ "r.json": JSON.stringify(saved) });
      const reports = saved === "none" ? [] : ["r.json"];
      const lines = problems(planRun({ cwd, reports, config: false }));
      expect(lines).toEqual([typeof line === "string" ? line : expect.stringMatching(line)]);
    });

    it("refuses saved reports together with targets", () => {
      const cwd = workspace({ "one.json": sampleReport("a.example:443") });
      expect(problems(planRun({ cwd, reports: ["one.json"], targets: ["b.example"] }))).toEqual([
        "InputError: scan: saved reports and targets do not go together: judge one or scan the other",
      ]);
    });
  });

  it("gives every error kind the same base, code and one-line form", () => {
    const result = planRun({ cwd: workspace(), targets: ["-bad-"], clients: "nope", timeout: "x" });
    for (const error of result.errors) {
      expect(error).toBeInstanceOf(TlsgateError);
      expect(typeof error.code).toBe("string");
      expect(error.toLines().every((line) => !line.includes("\n"))).toBe(true);
    }
    expect(result.errors.map((error) => error.name)).toEqual([
      "InputError",
      "ClientProfileError",
      "TargetError",
    ]);
    expect(result.errors[0]).toBeInstanceOf(InputError);
  });
});
