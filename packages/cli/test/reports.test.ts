/**
 * The reports people read and tools ingest, end to end: SARIF that code scanning shows (a
 * location, a fingerprint and a security severity on every result), the HTML report of the demo's
 * two servers and of a 20-target run rendered in headless chromium, the fleet overview at the end
 * of a many-target text run, and the one way policies are named. Real servers: the demo's two
 * node:tls servers on 127.0.0.1; what they accept is confirmed with openssl s_client.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  confirmWithOpenSslClient,
  githubSarifProblems,
  sarifSchemaProblems,
} from "@tlsgate/testing";
import { visitHtmlFile } from "@tlsgate/testing/browser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDemoCredentials } from "../src/demo/certificates.js";
import { startDemoServers, type DemoServer } from "../src/demo/servers.js";
import { runCli } from "./run-cli.js";

const repo = mkdtempSync(join(tmpdir(), "tlsgate-reports-"));
const caFile = join(repo, "demo-ca.pem");
const POLICY = "policies/tls.yaml";
// The rule this repository's policy defines starts on line 5; the rest come from the preset.
const POLICY_TEXT = [
  "name: reports-test",
  "version: 1.0.0",
  "extends: [intermediate]",
  "rules:",
  "  no-tls10:",
  "    severity: error",
  "    title: No TLS 1.0",
  '    remediation: { nginx: "ssl_protocols TLSv1.2 TLSv1.3;" }',
  "    schema: { properties: { protocols: { properties: { TLSv1.0: { const: false } } } } }",
  "",
].join("\n");

let servers: DemoServer[] = [];
let good = "";
let legacy = "";
let legacyPort = 0;

beforeAll(async () => {
  const credentials = await makeDemoCredentials();
  servers = await startDemoServers(credentials);
  good = servers[0]!.target;
  legacy = servers[1]!.target;
  legacyPort = Number(/:(\d+)$/.exec(legacy)![1]);
  writeFileSync(caFile, credentials.caPem);
  // A repository: SARIF paths are relative to its root.
  mkdirSync(join(repo, ".git"));
  mkdirSync(join(repo, "policies"));
  writeFileSync(join(repo, POLICY), POLICY_TEXT);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  rmSync(repo, { recursive: true, force: true });
});

interface SarifResult {
  ruleId: string;
  locations: {
    physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
  }[];
  partialFingerprints: Record<string, string>;
  properties: { target: string };
}

describe("tlsgate scan reports", () => {
  it("writes SARIF with a location, a fingerprint and a security severity on every result, and the demo's HTML", async () => {
    const htmlFile = join(repo, "demo.html");
    const run = await runCli(
      [
        "scan",
        good,
        legacy,
        "--policy",
        POLICY,
        "--ca",
        caFile,
        "--format",
        "sarif",
        "--sarif-category",
        "tls-prod",
        "--output",
        `html=${htmlFile}`,
        "--output",
        "json=scan.json",
        "--no-progress",
      ],
      { cwd: repo },
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);

    // Truth from a second client: the legacy server speaks TLS 1.0, the good one does not.
    const tls10 = await confirmWithOpenSslClient(
      { host: "127.0.0.1", port: legacyPort },
      { protocol: "TLSv1.0" },
    );
    expect(tls10.ok).toBe(true);
    const goodPort = Number(/:(\d+)\/$/.exec(good)![1]);
    const goodTls10 = await confirmWithOpenSslClient(
      { host: "127.0.0.1", port: goodPort },
      { protocol: "TLSv1.0" },
    );
    expect(goodTls10.ok).toBe(false);

    const sarif = JSON.parse(run.stdout);
    expect(sarifSchemaProblems(sarif)).toEqual([]);
    expect(githubSarifProblems(sarif)).toEqual([]);
    const sarifRun = sarif.runs[0];
    expect(sarifRun.automationDetails).toEqual({ id: "tls-prod/" });
    for (const rule of sarifRun.tool.driver.rules) {
      expect(["7.5", "5.0", "2.0"]).toContain(rule.properties["security-severity"]);
    }
    const results = sarifRun.results as SarifResult[];
    expect(results.length).toBeGreaterThan(1);
    const prints = new Set<string>();
    for (const result of results) {
      expect(result.locations).toHaveLength(1);
      const { artifactLocation, region } = result.locations[0]!.physicalLocation;
      if (result.ruleId === "no-tls10") {
        expect(artifactLocation.uri).toBe(POLICY);
        expect(region.startLine).toBe(5);
      } else {
        // A preset's rule has no file in the repository: the endpoint is the artifact.
        const port = /:(\d+)\/?$/.exec(result.properties.target)![1];
        expect(artifactLocation.uri).toBe(`tls://localhost:${port}`);
      }
      const print = result.partialFingerprints["tlsgateFinding/v2"];
      expect(print).toMatch(/^[0-9a-f]{64}$/);
      prints.add(print!);
    }
    expect(prints.size).toBe(results.length);
    const tls10Results = results.filter((r) => r.ruleId === "no-tls10");
    expect(tls10Results.map((r) => r.properties.target)).toEqual([legacy]);

    // The demo's two servers in a browser.
    const { result, errors, requests } = await visitHtmlFile(htmlFile, async (page) => ({
      targets: await page
        .locator("#overview tbody tr td:first-child")
        .evaluateAll((nodes) => nodes.map((n) => n.textContent)),
      blocking: await page
        .locator("#overview tbody tr td:nth-child(3)")
        .evaluateAll((nodes) => nodes.map((n) => Number(n.textContent))),
      gate: await page.locator("#gate-verdict").textContent(),
      matrixRows: await page.locator("#matrix tbody tr").count(),
      chains: await page.locator("table.chain").count(),
    }));
    expect(errors).toEqual([]);
    expect(requests.every((url) => url.startsWith("file://"))).toBe(true);
    expect(requests).toHaveLength(1);
    expect(result.targets).toEqual([legacy, good]);
    // The good server blocks nothing (its verdict may list an info rule); the legacy one does.
    expect(result.blocking[0]).toBeGreaterThan(0);
    expect(result.blocking[1]).toBe(0);
    expect(result.gate).toBe("FAIL");
    expect(result.matrixRows).toBe(2);
    expect(result.chains).toBeGreaterThanOrEqual(2);
  });

  it("ends a 20-target text run with the overview, and renders its HTML with hostile text as text", async () => {
    // Twenty saved reports made from a real scan of the legacy server, one with a hostile subject.
    const scan = await runCli(
      ["scan", legacy, "--policy", POLICY, "--format", "json", "--no-progress"],
      { cwd: repo },
    );
    expect(scan.code).toBe(1);
    const saved = JSON.parse(scan.stdout).results[0].report;
    const hostile = "CN=<script>window.pwned=1</script><img src=x onerror=alert(1)>";
    const files = Array.from({ length: 20 }, (_, i) => {
      const report = structuredClone(saved);
      const name = `site-${String(i + 1).padStart(2, "0")}.example`;
      report.target = { ...report.target, input: `${name}:443`, host: name, port: 443 };
      if (i === 7) {
        for (const chain of [report.certificate, ...(report.certificates ?? [])]) {
          if (chain !== null) chain.chain[0].subject = hostile;
        }
      }
      const file = join(repo, `saved-${i + 1}.json`);
      writeFileSync(file, JSON.stringify(report));
      return file;
    });
    const scans = files.flatMap((file) => ["--scan", file]);

    const text = await runCli(["check", ...scans, "--policy", POLICY], { cwd: repo });
    expect(text.code).toBe(1);
    const lines = text.stdout.trimEnd().split("\n");
    expect(lines.at(-22)).toBe("Overview: 20 target(s), worst first (--details for each target)");
    expect(lines.at(-21)).toMatch(/^ {2}target +verdict +blocking +expires in +worst finding$/);
    const rows = lines.slice(-20);
    expect(rows.map((row) => row.trim().split(/\s+/)[0])).toEqual(
      Array.from({ length: 20 }, (_, i) => `site-${String(i + 1).padStart(2, "0")}.example:443`),
    );
    for (const row of rows) expect(row).toMatch(/ FAIL +\d+ +\d+ d +error /);
    expect(text.stdout).not.toContain("  policy reports-test");
    const detailed = await runCli(["check", ...scans, "--policy", POLICY, "--details"], {
      cwd: repo,
    });
    expect(detailed.stdout.match(/^ {2}policy reports-test/gm)).toHaveLength(20);

    const htmlFile = join(repo, "fleet.html");
    const html = await runCli(["check", ...scans, "--policy", POLICY, "-o", `html=${htmlFile}`], {
      cwd: repo,
    });
    expect(html.code).toBe(1);
    expect(readFileSync(htmlFile, "utf8")).not.toContain("<script>window.pwned");
    const { result, errors, requests } = await visitHtmlFile(htmlFile, async (page) => ({
      overviewRows: await page.locator("#overview tbody tr").count(),
      matrixRows: await page.locator("#matrix tbody tr").count(),
      matrixRules: await page.locator("#matrix thead th.rule").count(),
      subjects: await page
        .locator("td.subject")
        .evaluateAll((nodes) => nodes.map((n) => n.textContent)),
      pwned: await page.evaluate(() => (globalThis as { pwned?: number }).pwned ?? null),
      images: await page.locator("img").count(),
    }));
    expect(errors).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(result.overviewRows).toBe(20);
    expect(result.matrixRows).toBe(20);
    expect(result.matrixRules).toBeGreaterThan(1);
    expect(result.subjects).toContain(hostile);
    expect(result.pwned).toBeNull();
    expect(result.images).toBe(0);
  });
});

describe("policy references", () => {
  it("names a policy the same way everywhere: a path with or without ./", async () => {
    const scan = await runCli(
      ["scan", legacy, "--policy", `./${POLICY}`, "--format", "json", "--no-progress"],
      { cwd: repo },
    );
    const report = JSON.parse(scan.stdout).results[0].report;
    writeFileSync(join(repo, "legacy-report.json"), JSON.stringify(report));
    const cases = join(repo, "cases");
    mkdirSync(cases, { recursive: true });
    writeFileSync(
      join(cases, "legacy.case.json"),
      JSON.stringify({ report, expect: { "no-tls10": "fail" } }),
    );
    for (const ref of [POLICY, `./${POLICY}`]) {
      const test = await runCli(["policy", "test", "cases", "--policy", ref], { cwd: repo });
      expect({ ref, code: test.code, stdout: test.stdout }).toEqual({
        ref,
        code: 0,
        stdout: "ok    legacy\n1 passed, 0 failed\n",
      });
      const show = await runCli(["policy", "show", ref], { cwd: repo });
      expect(show.code).toBe(0);
      expect(JSON.parse(show.stdout).name).toBe("reports-test");
      const check = await runCli(["check", "--scan", "legacy-report.json", "--policy", ref], {
        cwd: repo,
      });
      expect(check.code).toBe(1);
    }
  });

  it("makes a missing folder or policy file a usage error (exit 2)", async () => {
    const folder = await runCli(["policy", "test", "no-such-folder"], { cwd: repo });
    expect(folder.code).toBe(2);
    expect(folder.stderr).toBe(
      `tlsgate: cases: no such file or folder: ${join(repo, "no-such-folder")}\n`,
    );
    const file = await runCli(["scan", legacy, "--policy", "./policies/missing.yaml"], {
      cwd: repo,
    });
    expect(file.code).toBe(2);
    expect(file.stderr).toContain(
      `cannot read ./policies/missing.yaml (${join(repo, "policies", "missing.yaml")})`,
    );
  });
});
