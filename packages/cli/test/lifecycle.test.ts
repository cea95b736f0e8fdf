/**
 * The policy lifecycle through the CLI: waivers (fixed clock), `policy diff`, `policy impact`
 * and `tlsgate diff`, over saved scans of real loopback servers. Ground truth is the servers'
 * own configuration, confirmed by `openssl s_client`, never tlsgate's own output.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type Server } from "node:tls";
import {
  confirmWithOpenSslClient,
  createCredential,
  getCredential,
  startOpenSslServer,
  type OpenSslServer,
  type ServerCredential,
} from "@tlsgate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "tlsgate-lifecycle-"));
let legacy: OpenSslServer;
let modern: OpenSslServer;
let legacyTarget = "";
let modernTarget = "";

const rule = (protocol: string, enabled = false) => ({
  severity: "error",
  title: `${protocol} ${enabled ? "enabled" : "disabled"}`,
  schema: { properties: { protocols: { properties: { [protocol]: { const: enabled } } } } },
});

function write(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

beforeAll(async () => {
  // legacy speaks TLS 1.0 (security level 0 lets openssl 3 do so); modern only TLS 1.2+.
  legacy = await startOpenSslServer({ cipher: "ALL:@SECLEVEL=0", minProtocol: "TLSv1.0" });
  modern = await startOpenSslServer({ minProtocol: "TLSv1.2" });
  const tls10 = await Promise.all(
    [legacy, modern].map((server) =>
      confirmWithOpenSslClient(server, { protocol: "TLSv1.0", timeoutMs: 30_000 }),
    ),
  );
  expect(tls10.map((h) => h.ok)).toEqual([true, false]);
  legacyTarget = `127.0.0.1:${legacy.port}`;
  modernTarget = `127.0.0.1:${modern.port}`;
  write(
    "base.json",
    JSON.stringify({
      name: "acme/tls",
      version: "1.0.0",
      rules: { "tls12-enabled": rule("TLSv1.2", true) },
    }),
  );
  const scan = await runCli(
    [
      "scan",
      legacyTarget,
      modernTarget,
      "--policy",
      "./base.json",
      "--format",
      "json",
      "--no-progress",
    ],
    { cwd: dir },
  );
  expect(scan.stderr).toBe("");
  write("scans.json", scan.stdout);
  const saved = JSON.parse(scan.stdout) as {
    results: { target: string; report: { protocols: Record<string, boolean | null> } }[];
  };
  expect(saved.results.map((r) => [r.target, r.report.protocols["TLSv1.0"]])).toEqual([
    [legacyTarget, true],
    [modernTarget, false],
  ]);
}, 180_000);

afterAll(async () => {
  await legacy?.stop();
  await modern?.stop();
});

describe("waivers", () => {
  function policy(waiver: string): string {
    return write(
      "waived.yaml",
      [
        "name: acme/prod",
        "version: 1.1.0",
        "extends: [./base.json]",
        "rules:",
        "  no-tls10:",
        "    severity: error",
        "    title: No TLS 1.0",
        "    message: '{name} is enabled'",
        "    schema: {properties: {protocols: {properties: {TLSv1.0: {const: false}}}}}",
        "waivers:",
        waiver,
        "",
      ].join("\n"),
    );
  }
  const waiver = (targets: string, expires = "2027-03-31"): string =>
    [
      "  - rule: no-tls10",
      `    targets: [${targets}]`,
      "    reason: appliance replaced in Q1, OPS-123",
      `    expires: ${expires}`,
    ].join("\n");
  const check = (...args: string[]) =>
    runCli(["check", "--scan", "scans.json", "--policy", "./waived.yaml", ...args], { cwd: dir });

  it("lets a waived finding pass before its expiry, in every output", async () => {
    policy(waiver(`"127.0.0.1:${legacy.port}"`));
    const text = await check("--now", "2027-01-01");
    expect(text.code).toBe(0);
    expect(text.stderr).toBe("");
    expect(text.stdout).toContain(
      `\nWaived:\n  ${legacyTarget}  no-tls10  until 2027-03-31 (89 day(s) left): appliance replaced in Q1, OPS-123 [${dir}/waived.yaml:11:5]\n`,
    );
    expect(text.stdout).toContain("0 failed · 0 inconclusive · 1 passed · 1 waived");

    const json = JSON.parse((await check("--now", "2027-01-01", "--format", "json")).stdout);
    const evaluation = json.results[0].evaluations[0];
    expect(evaluation.counts).toMatchObject({ fail: 0, waived: 1, pass: 1 });
    expect(evaluation.findings).toEqual([
      expect.objectContaining({
        ruleId: "no-tls10",
        status: "waived",
        message: "TLSv1.0 is enabled",
        waiver: {
          reason: "appliance replaced in Q1, OPS-123",
          expires: "2027-03-31",
          daysLeft: 89,
          expired: false,
          source: `${dir}/waived.yaml:11:5`,
        },
      }),
    ]);
    expect(json.gate).toMatchObject({ verdict: "pass", blocking: 0 });

    const junit = (await check("--now", "2027-01-01", "--format", "junit")).stdout;
    expect(junit).toContain(
      '<skipped message="waived until 2027-03-31: appliance replaced in Q1, OPS-123"/>',
    );
    const sarif = JSON.parse((await check("--now", "2027-01-01", "--format", "sarif")).stdout);
    expect(sarif.runs[0].results[0].suppressions).toEqual([
      {
        kind: "external",
        status: "accepted",
        justification: `appliance replaced in Q1, OPS-123 (waived until 2027-03-31, ${dir}/waived.yaml:11:5)`,
      },
    ]);
    const markdown = (await check("--now", "2027-01-01", "--format", "markdown")).stdout;
    expect(markdown).toContain(
      `| \`${legacyTarget}\` | \`no-tls10\` | 1 | until 2027-03-31 (89 day(s) left) | appliance replaced in Q1, OPS-123 |`,
    );
  });

  it("blocks again after the expiry and says so", async () => {
    policy(waiver(`"127.0.0.1:*"`));
    const run = await check("--now", "2027-04-01");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("TLSv1.0 is enabled (waiver expired on 2027-03-31)");
    expect(run.stdout).not.toContain("Waived:");
  });

  it("warns about a waiver within 14 days of its expiry", async () => {
    policy(waiver(`"127.0.0.1:*"`));
    const run = await check("--now", "2027-03-25");
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      `tlsgate: warning: waiver of no-tls10 on ${legacyTarget} expires 2027-03-31 (6 day(s) left; ${dir}/waived.yaml:11:5)\n`,
    );
  });

  it("refuses a waiver further ahead than maxWaiverDays, with file:line:col", async () => {
    policy(waiver(`"127.0.0.1:*"`));
    const run = await check("--now", "2026-09-01");
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `tlsgate: policy error: ${dir}/waived.yaml:14:5 /waivers/0/expires: waiver of no-tls10 expires 2027-03-31, 211 days ahead: at most 180 days (maxWaiverDays) are allowed\n`,
    );
    // The config can allow a longer window.
    write("tlsgate.config.json", JSON.stringify({ targets: [], maxWaiverDays: 365 }));
    const allowed = await check("--now", "2026-09-01", "--config", "tlsgate.config.json");
    expect(allowed.code).toBe(0);
  });

  it("refuses a waiver without a reason, a bad date and an unknown rule, with file:line:col", async () => {
    policy(["  - rule: no-tls10", '    targets: ["*"]', "    expires: 2027-03-31"].join("\n"));
    const missing = await check("--now", "2027-01-01");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      `tlsgate: policy error: ${dir}/waived.yaml:11:5 /waivers/0: waiver 0 is missing reason\n`,
    );
    policy(waiver('"*"', "2027-02-30"));
    const badDate = await check("--now", "2027-01-01");
    expect(badDate.stderr).toBe(
      `tlsgate: policy error: ${dir}/waived.yaml:14:5 /waivers/0/expires: "2027-02-30" is not a date like 2027-03-31\n`,
    );
    policy(waiver('"*"').replace("rule: no-tls10", "rule: no-tls01"));
    const unknown = await check("--now", "2027-01-01");
    expect(unknown.stderr).toBe(
      `tlsgate: policy error: ${dir}/waived.yaml:11:5 /waivers/0/rule: waiver of no-tls01: no such rule in acme/prod (did you mean no-tls10?)\n`,
    );
  });

  it("warns about a glob that matches no target, and the finding still blocks", async () => {
    policy(waiver('"*.vendor.example.com"'));
    const run = await check("--now", "2027-01-01");
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `tlsgate: warning: ${dir}/waived.yaml:11:5: waiver of no-tls10 matches no target (*.vendor.example.com)\n`,
    );
  });

  it("takes waivers from an extended policy, at its own file and line", async () => {
    write(
      "org.yaml",
      [
        "name: acme/org",
        "version: 1.0.0",
        "rules:",
        "  no-tls10:",
        "    severity: error",
        "    title: No TLS 1.0",
        "    schema: {properties: {protocols: {properties: {TLSv1.0: {const: false}}}}}",
        "waivers:",
        waiver('"127.0.0.1:*"'),
        "",
      ].join("\n"),
    );
    write(
      "team.json",
      JSON.stringify({ name: "acme/team", version: "1.0.0", extends: ["./org.yaml"] }),
    );
    const run = await runCli(
      ["check", "--scan", "scans.json", "--policy", "./team.json", "--now", "2027-01-01"],
      { cwd: dir },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `  ${legacyTarget}  no-tls10  until 2027-03-31 (89 day(s) left): appliance replaced in Q1, OPS-123 [${dir}/org.yaml:9:5]\n`,
    );
  });

  it("takes waivers from the config file too", async () => {
    const config = (ruleId: string): string =>
      write(
        "waivers.config.json",
        JSON.stringify(
          {
            targets: [],
            waivers: [
              { rule: ruleId, targets: [legacyTarget], reason: "OPS-9", expires: "2027-02-01" },
            ],
          },
          null,
          2,
        ),
      );
    write(
      "tls10.json",
      JSON.stringify({ name: "t", version: "1.0.0", rules: { "no-tls10": rule("TLSv1.0") } }),
    );
    const checkWith = () =>
      runCli(
        [
          "check",
          "--scan",
          "scans.json",
          "--policy",
          "./tls10.json",
          "--config",
          "waivers.config.json",
          "--now",
          "2027-01-01",
        ],
        { cwd: dir },
      );
    config("no-tls10");
    const waived = await checkWith();
    expect(waived.code).toBe(0);
    expect(waived.stdout).toContain(
      `  ${legacyTarget}  no-tls10  until 2027-02-01 (31 day(s) left): OPS-9 [${dir}/waivers.config.json:4:5]\n`,
    );
    config("no-tls01");
    const unknownRule = await checkWith();
    expect(unknownRule.code).toBe(2);
    expect(unknownRule.stderr).toBe(
      `tlsgate: config error: ${dir}/waivers.config.json:4:5 /waivers/0/rule: waiver of no-tls01: no policy of this run has that rule (did you mean no-tls10?)\n`,
    );
  });
});

describe("policy diff and policy impact", () => {
  beforeAll(() => {
    write(
      "next.json",
      JSON.stringify({
        name: "acme/tls",
        version: "2.0.0",
        rules: {
          "tls12-enabled": { ...rule("TLSv1.2", true), severity: "warning" },
          "no-tls10": rule("TLSv1.0"),
        },
      }),
    );
  });

  it("lists rules added, removed and changed after resolving extends", async () => {
    write(
      "extends-next.json",
      JSON.stringify({ name: "acme/tls-x", version: "2.1.0", extends: ["./next.json"] }),
    );
    const run = await runCli(["policy", "diff", "./base.json", "./extends-next.json"], {
      cwd: dir,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        "policy diff: acme/tls 1.0.0 → acme/tls-x 2.1.0",
        "  tls12-enabled  changed: severity error → warning",
        "  no-tls10       added (error)",
        "1 added, 0 removed, 1 changed rule(s); 0 waiver change(s)",
        "",
      ].join("\n"),
    );
    const json = JSON.parse(
      (
        await runCli(["policy", "diff", "./extends-next.json", "./base.json", "--format", "json"], {
          cwd: dir,
        })
      ).stdout,
    );
    expect(json.rules).toEqual([
      {
        id: "tls12-enabled",
        kind: "changed",
        fields: ["severity"],
        severityBefore: "warning",
        severityAfter: "error",
      },
      { id: "no-tls10", kind: "removed", fields: [], severityBefore: "error", severityAfter: null },
    ]);
  });

  it("reads a policy at a git revision", async () => {
    const repo = mkdtempSync(join(tmpdir(), "tlsgate-git-"));
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: repo });
    git("init", "-q");
    writeFileSync(join(repo, "tls.json"), readFileSync(join(dir, "base.json")));
    git("add", "tls.json");
    git("commit", "-qm", "base");
    writeFileSync(join(repo, "tls.json"), readFileSync(join(dir, "next.json")));
    const run = await runCli(
      ["policy", "diff", "git:HEAD:tls.json", "tls.json", "--format", "markdown"],
      {
        cwd: repo,
      },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "| `tls12-enabled` | changed: severity error → warning |\n| `no-tls10` | added (error) |",
    );
    const missing = await runCli(["policy", "diff", "git:HEAD:nope.json", "tls.json"], {
      cwd: repo,
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^tlsgate: policy error: .*cannot read nope\.json at HEAD: /);
  });

  it("says which targets a change newly fails, over saved scans (exit 1)", async () => {
    const run = await runCli(
      ["policy", "impact", "./base.json", "./next.json", "--scan", "scans.json"],
      { cwd: dir },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        "policy impact: acme/tls 1.0.0 → acme/tls 2.0.0",
        "this change would newly fail 1 of 2 endpoint(s)",
        "",
        `${legacyTarget}  PASS → FAIL  (newly fails)`,
        "  newly-failing  no-tls10 (error): TLSv1.0 is enabled",
        `${modernTarget}  PASS → PASS`,
        "",
      ].join("\n"),
    );
    const back = await runCli(
      [
        "policy",
        "impact",
        "./next.json",
        "./base.json",
        "--scan",
        "scans.json",
        "--format",
        "json",
      ],
      { cwd: dir },
    );
    expect(back.code).toBe(0);
    const impact = JSON.parse(back.stdout);
    expect(impact).toMatchObject({ newlyFailing: 0, newlyPassing: 1 });
    expect(impact.targets[0].rules).toEqual([
      expect.objectContaining({ ruleId: "no-tls10", kind: "newly-passing", statusAfter: null }),
    ]);
  });

  it("applies the config file's waivers under both versions (--config)", async () => {
    write(
      "waiving.config.json",
      JSON.stringify({
        targets: [legacyTarget, modernTarget],
        waivers: [
          {
            rule: "no-tls10",
            targets: [legacyTarget],
            reason: "appliance replaced in Q1",
            expires: "2027-03-31",
          },
        ],
      }),
    );
    const run = await runCli(
      [
        "policy",
        "impact",
        "./base.json",
        "./next.json",
        "--scan",
        "scans.json",
        "--config",
        "waiving.config.json",
        "--now",
        "2027-01-15",
        "--format",
        "json",
      ],
      { cwd: dir },
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ newlyFailing: 0, newlyPassing: 0 });
    const expired = await runCli(
      [
        "policy",
        "impact",
        "./base.json",
        "./next.json",
        "--scan",
        "scans.json",
        "--config",
        "waiving.config.json",
        "--now",
        "2027-04-01",
      ],
      { cwd: dir },
    );
    expect(expired.code).toBe(1);
    expect(expired.stdout).toContain("this change would newly fail 1 of 2 endpoint(s)");
  });

  it("refuses the config's waivers as a run does: too far ahead, a rule neither version has", async () => {
    write(
      "bad-waivers.config.json",
      JSON.stringify(
        {
          targets: [],
          waivers: [
            { rule: "no-tls10", targets: ["*"], reason: "OPS-1", expires: "2027-03-31" },
            { rule: "no-tls01", targets: ["*"], reason: "OPS-2", expires: "2026-09-10" },
          ],
        },
        null,
        2,
      ),
    );
    const flags = ["--scan", "scans.json", "--config", "bad-waivers.config.json"];
    const impact = await runCli(
      ["policy", "impact", "./base.json", "./next.json", ...flags, "--now", "2026-09-01"],
      { cwd: dir },
    );
    expect(impact.stdout).toBe("");
    expect(impact.stderr).toBe(
      [
        `tlsgate: config error: ${dir}/bad-waivers.config.json:10:7 /waivers/0/expires: waiver of no-tls10 expires 2027-03-31, 211 days ahead: at most 180 days (maxWaiverDays) are allowed`,
        `tlsgate: config error: ${dir}/bad-waivers.config.json:12:5 /waivers/1/rule: waiver of no-tls01: no policy of this run has that rule (did you mean no-tls10?)`,
        "",
      ].join("\n"),
    );
    expect(impact.code).toBe(2);
    // The same config refused by a run, in the same words.
    const run = await runCli(
      ["check", "--policy", "./next.json", ...flags, "--now", "2026-09-01"],
      { cwd: dir },
    );
    expect([run.code, run.stderr]).toEqual([2, impact.stderr]);
    const badNow = await runCli(
      ["policy", "impact", "./base.json", "./next.json", "--scan", "scans.json", "--now", "soon"],
      { cwd: dir },
    );
    expect([badNow.code, badNow.stderr]).toEqual([
      2,
      'tlsgate: now: expected a date like 2027-03-31, got "soon"\n',
    ]);
  });

  it("scans targets once when no saved scan is named", async () => {
    const run = await runCli(
      ["policy", "impact", "./base.json", "./next.json", legacyTarget, "--format", "markdown"],
      {
        cwd: dir,
      },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "### ❌ Policy change: this change would newly fail 1 of 1 endpoint(s)",
    );
  }, 120_000);
});

describe("tlsgate diff", () => {
  let server: Server | undefined;
  afterAll(() => server?.close());

  // The same port before and after: a target is compared with itself.
  const listen = (options: object, port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server = createServer(options, (socket) => socket.end());
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve((server!.address() as { port: number }).port));
    });
  const close = (): Promise<void> => new Promise((resolve) => server!.close(() => resolve()));
  const pem = (credential: ServerCredential) => ({
    cert: credential.certPem,
    key: credential.keyPem,
  });

  it("names what changed when the certificate and suites change between two scans", async () => {
    const before = await getCredential("rsa2048");
    const after = await createCredential({
      key: { type: "ecdsa", curve: "P-256" },
      days: 90,
      commonName: "rotated.test",
    });
    const port = await listen(
      { ...pem(before), maxVersion: "TLSv1.2", ciphers: "ECDHE-RSA-AES128-GCM-SHA256" },
      0,
    );
    const target = `127.0.0.1:${port}`;
    const endpoint = { host: "127.0.0.1" as const, port };
    const suite = (cipher: string) =>
      confirmWithOpenSslClient(endpoint, { protocol: "TLSv1.2", cipher, timeoutMs: 30_000 });
    expect((await suite("ECDHE-RSA-AES128-GCM-SHA256")).ok).toBe(true);
    const scan = (file: string) =>
      runCli(["scan", target, "--format", "json", "--output", `json=${file}`, "--no-progress"], {
        cwd: dir,
      });
    await scan("drift-a.json");
    await close();
    await listen(
      { ...pem(after), maxVersion: "TLSv1.2", ciphers: "ECDHE-ECDSA-AES256-GCM-SHA384" },
      port,
    );
    expect((await suite("ECDHE-ECDSA-AES256-GCM-SHA384")).ok).toBe(true);
    expect((await suite("ECDHE-RSA-AES128-GCM-SHA256")).ok).toBe(false);
    await scan("drift-b.json");

    const same = await runCli(["diff", "drift-a.json", "drift-a.json"], { cwd: dir });
    expect(same.code).toBe(0);
    expect(same.stdout).toBe(`${target}  same\n\nno drift: 1 target(s) the same\n`);

    const run = await runCli(["diff", "drift-a.json", "drift-b.json"], { cwd: dir });
    expect(run.code).toBe(1);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(new RegExp(`^${target.replace(/\./g, "\\.")}  changed \\(\\d+\\)$`));
    expect(lines).toEqual(
      expect.arrayContaining([
        "  cipherSuites  + TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 (TLSv1.2)",
        "  cipherSuites  - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (TLSv1.2)",
        "  certificates  certificate key: rsa 2048 → ecdsa 256 prime256v1",
        "no drift: 1 target(s) the same".replace(
          "no drift: 1 target(s) the same",
          "drift: 1 of 1 target(s) changed",
        ),
      ]),
    );
    expect(
      lines.some((line) =>
        /^ {2}certificates +certificate rotated: CN=localhost .* → CN=rotated\.test /.test(line),
      ),
    ).toBe(true);
    expect(
      lines.some((line) =>
        /^ {2}certificates +certificate issuer: CN=localhost → CN=rotated\.test$/.test(line),
      ),
    ).toBe(true);
    expect(lines.some((line) => /^ {2}certificates +certificate expires: /.test(line))).toBe(true);

    const json = JSON.parse(
      (await runCli(["diff", "drift-a.json", "drift-b.json", "--format", "json"], { cwd: dir }))
        .stdout,
    );
    expect(json.changed).toBe(true);
    expect(json.targets[0].status).toBe("changed");
    const bad = await runCli(["diff", "drift-a.json", "missing.json"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^tlsgate: scan: cannot read missing\.json: /);
  }, 180_000);
});
