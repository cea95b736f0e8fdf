/**
 * `tlsgate scan` end to end against real node:tls servers on 127.0.0.1: exit codes, stdout
 * carrying only the chosen format, files written by --output, and usage errors.
 */
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createServer as createNetServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type Server } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDemoCredentials } from "../src/demo/certificates.js";
import { main } from "../src/main.js";
import { runCli } from "./run-cli.js";

let modern: Server;
let legacy: Server;
let modernPort = 0;
let legacyPort = 0;
let closedPort = 0;
const dir = mkdtempSync(join(tmpdir(), "tlsgate-cli-"));
const policyFile = join(dir, "policy.json");

const listen = (server: Server): Promise<number> =>
  new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );

beforeAll(async () => {
  const credentials = await makeDemoCredentials();
  modern = createServer({ ...credentials.good, minVersion: "TLSv1.2" }, (s) => s.end());
  legacy = createServer(
    { ...credentials.legacy, minVersion: "TLSv1", ciphers: "ALL:@SECLEVEL=0" },
    (s) => s.end(),
  );
  modernPort = await listen(modern);
  legacyPort = await listen(legacy);
  // A port that was free a moment ago: connections to it are refused.
  const probe = createNetServer();
  closedPort = await new Promise((resolve) =>
    probe.listen(0, "127.0.0.1", () => resolve((probe.address() as AddressInfo).port)),
  );
  await new Promise((resolve) => probe.close(resolve));
  writeFileSync(
    policyFile,
    JSON.stringify({
      name: "cli-test",
      version: "1.0.0",
      rules: {
        "no-tls10": {
          severity: "error",
          title: "No TLS 1.0",
          remediation: { nginx: "ssl_protocols TLSv1.2 TLSv1.3;" },
          schema: { properties: { protocols: { properties: { "TLSv1.0": { const: false } } } } },
        },
      },
    }),
  );
});

afterAll(() => {
  modern.close();
  legacy.close();
});

describe("tlsgate scan", () => {
  it("exits 0 and prints only JSON on stdout for a passing target", async () => {
    const run = await runCli([
      "scan",
      `127.0.0.1:${modernPort}`,
      "--policy",
      policyFile,
      "--format",
      "json",
    ]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as {
      gate: { verdict: string };
      results: {
        report: { protocols: Record<string, boolean | null>; target: { port: number } };
      }[];
    };
    expect(result.gate.verdict).toBe("pass");
    expect(result.results[0]?.report.target.port).toBe(modernPort);
    expect(result.results[0]?.report.protocols).toMatchObject({
      "TLSv1.0": false,
      "TLSv1.2": true,
    });
  });

  it("exits 1 on a violation and writes every --output file", async () => {
    const sarif = join(dir, "out", "tlsgate.sarif");
    const junit = join(dir, "out", "junit.xml");
    const run = await runCli([
      "scan",
      `localhost@127.0.0.1:${legacyPort}`,
      "--policy",
      policyFile,
      "--output",
      `sarif=${sarif}`,
      "--output",
      `junit=${junit}`,
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("TLSv1.0 is enabled");
    const log = JSON.parse(readFileSync(sarif, "utf8")) as {
      runs: { results: { ruleId: string }[] }[];
    };
    expect(log.runs[0]?.results.map((r) => r.ruleId)).toEqual(["no-tls10"]);
    expect(readFileSync(junit, "utf8")).toContain("<failure");
  });

  it("exits 3 when the target cannot be reached", async () => {
    const run = await runCli([
      "scan",
      `127.0.0.1:${closedPort}`,
      "--policy",
      policyFile,
      "--timeout",
      "500",
      "--format",
      "json",
    ]);
    expect(run.code).toBe(3);
    const result = JSON.parse(run.stdout) as {
      results: { report: { reachable: boolean | null; errors: { code: string }[] } }[];
    };
    expect(result.results[0]?.report.reachable).toBe(false);
    expect(result.results[0]?.report.errors.map((e) => e.code)).toContain("refused");
  });

  it("exits 2 naming a target it cannot parse, before connecting anywhere", async () => {
    const run = await runCli(["scan", "exa mple.com:99999", "--policy", policyFile]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("exa mple.com:99999");
    expect(run.stdout).toBe("");
  });

  it("exits 2 with file, line and pointer for a broken policy", async () => {
    const broken = join(dir, "broken.yaml");
    writeFileSync(
      broken,
      [
        "name: broken",
        "version: 1.0.0",
        "rules:",
        "  bad:",
        "    severity: fatal",
        "    title: x",
        "    schema: {}",
        "",
      ].join("\n"),
    );
    const run = await runCli(["scan", `127.0.0.1:${modernPort}`, "--policy", broken]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/broken\.yaml:5:\d+ \/rules\/bad\/severity/);
  });

  it("reads targets from a config file with per-target policies", async () => {
    const configDir = mkdtempSync(join(tmpdir(), "tlsgate-config-"));
    writeFileSync(join(configDir, "policy.json"), readFileSync(policyFile));
    writeFileSync(
      join(configDir, "tlsgate.config.json"),
      JSON.stringify({
        targets: [
          `127.0.0.1:${modernPort}`,
          { target: `127.0.0.1:${legacyPort}`, policy: "./policy.json" },
        ],
        policy: "./policy.json",
      }),
    );
    const run = await runCli(["scan", "--format", "json"], { cwd: configDir });
    const result = JSON.parse(run.stdout) as {
      results: { target: string; evaluations: { verdict: string }[] }[];
    };
    expect(result.results.map((r) => [r.target, r.evaluations[0]?.verdict])).toEqual([
      [`127.0.0.1:${modernPort}`, "pass"],
      [`127.0.0.1:${legacyPort}`, "fail"],
    ]);
    expect(run.code).toBe(1);
  });

  it("simulates the named clients and refuses an unknown one before connecting", async () => {
    const run = await runCli([
      "scan",
      `127.0.0.1:${modernPort}`,
      "--policy",
      policyFile,
      "--clients",
      "default",
      "--format",
      "json",
    ]);
    const result = JSON.parse(run.stdout) as {
      results: {
        report: { clients: { name: string; ok: boolean | null; protocol: string | null }[] | null };
      }[];
    };
    const clients = result.results[0]?.report.clients ?? [];
    expect(clients.length).toBeGreaterThan(5);
    // The server speaks TLS 1.2 and 1.3 with ECDSA: current clients connect with one of them.
    expect(clients.filter((c) => c.ok === true).length).toBeGreaterThan(0);
    for (const client of clients.filter((c) => c.ok === true)) {
      expect(["TLSv1.2", "TLSv1.3"]).toContain(client.protocol);
    }
    const bad = await runCli(["scan", `127.0.0.1:${modernPort}`, "--clients", "Netscape 4"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Netscape 4");
  });
});

describe("tlsgate scan --format ndjson", () => {
  it("writes each target's line when it is judged, before a slower target ends, then the gate", async () => {
    // A server that accepts and never answers, until the first line is out: the second target
    // cannot finish before the first line is written unless lines wait for the whole run.
    const held = new Set<Socket>();
    const silent = createNetServer((socket) => {
      held.add(socket);
      socket.on("error", () => undefined);
    });
    const silentPort = await new Promise<number>((resolve) =>
      silent.listen(0, "127.0.0.1", () => resolve((silent.address() as AddressInfo).port)),
    );
    const file = join(dir, "out", "fleet.ndjson");
    const writes: string[] = [];
    let heldWhenFirstWritten: number | null = null;
    const code = await main(
      [
        "scan",
        `127.0.0.1:${modernPort}`,
        `127.0.0.1:${silentPort}`,
        "--policy",
        policyFile,
        "--timeout",
        "120000",
        "--format",
        "ndjson",
        "--output",
        `ndjson=${file}`,
      ],
      {
        stdout: (text) => {
          writes.push(text);
          if (writes.length === 1) {
            heldWhenFirstWritten = held.size;
            for (const socket of held) socket.destroy();
            silent.close();
          }
        },
        stderr: () => undefined,
        stdoutIsTty: false,
        stderrIsTty: false,
        env: {},
        cwd: process.cwd(),
      },
    );
    silent.close();
    // The silent target was still being scanned when the first line went out.
    expect(heldWhenFirstWritten).toBeGreaterThan(0);
    const lines = writes.join("").trimEnd().split("\n");
    const parsed = lines.map(
      (line) =>
        JSON.parse(line) as {
          type: string;
          target?: string;
          report?: { reachable: boolean | null; protocols: Record<string, boolean | null> };
          evaluations?: { verdict: string }[];
          outcome?: string;
        },
    );
    expect(parsed.map((line) => [line.type, line.target ?? null])).toEqual([
      ["result", `127.0.0.1:${modernPort}`],
      ["result", `127.0.0.1:${silentPort}`],
      ["gate", null],
    ]);
    expect(writes).toHaveLength(3);
    expect(parsed[0]!.report!.protocols).toMatchObject({ "TLSv1.0": false, "TLSv1.2": true });
    expect(parsed[0]!.evaluations!.map((e) => e.verdict)).toEqual(["pass"]);
    // The gate line is the run's gate: the exit code follows it.
    const codeOf: Record<string, number> = {
      pass: 0,
      violation: 1,
      unscannable: 3,
      inconclusive: 3,
    };
    expect(codeOf[parsed[2]!.outcome!]).toBe(code);
    expect(readFileSync(file, "utf8")).toBe(writes.join(""));
  }, 180_000);
});

describe("tlsgate scan --format ndjson, a run that fails", () => {
  /** The descriptors of this process open on `path` (Linux: /proc/self/fd). */
  const openOn = (path: string): number =>
    readdirSync("/proc/self/fd").filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === path;
      } catch {
        return false; // closed between the listing and the look
      }
    }).length;

  it("closes its ndjson files without a gate line and exits 4", async () => {
    const file = join(dir, "out", "failed-run.ndjson");
    let stderr = "";
    const code = await main(
      [
        "scan",
        `127.0.0.1:${modernPort}`,
        "--policy",
        policyFile,
        "--format",
        "ndjson",
        "--output",
        `ndjson=${file}`,
      ],
      {
        // A consumer that fails (not a closed pipe, which is not an error): the run cannot finish.
        stdout: () => {
          throw new Error("stdout is broken");
        },
        stderr: (text) => (stderr += text),
        stdoutIsTty: false,
        stderrIsTty: false,
        env: {},
        cwd: process.cwd(),
      },
    );
    expect(code).toBe(4);
    expect(stderr).toContain("stdout is broken");
    expect(openOn(file)).toBe(0);
    expect(readFileSync(file, "utf8")).not.toContain('"type":"gate"');
  }, 60_000);
});

describe("tlsgate scan --workers", () => {
  it("exits 2 for a worker count out of range, before connecting anywhere", async () => {
    const run = await runCli(["scan", `127.0.0.1:${modernPort}`, "--workers", "0"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('tlsgate: workers: expected a whole number from 1 to 256, got "0"\n');
    expect(run.stdout).toBe("");
  });

  it("streams a 64-target fleet scanned over two worker threads, one line per target", async () => {
    // Each server under 32 names (host@ip), alternating, so a line for the wrong target shows.
    const targets = Array.from(
      { length: 64 },
      (_, i) => `w${i}.test@127.0.0.1:${i % 2 === 0 ? legacyPort : modernPort}`,
    );
    const file = join(dir, "fleet-targets.txt");
    writeFileSync(file, `${targets.join("\n")}\n`);
    const run = await runCli([
      "scan",
      "--targets-file",
      file,
      "--workers",
      "2",
      "--policy",
      policyFile,
      "--format",
      "ndjson",
    ]);
    const lines = run.stdout
      .trimEnd()
      .split("\n")
      .map(
        (line) =>
          JSON.parse(line) as {
            type: string;
            index?: number;
            target?: string;
            report?: { reachable: boolean | null; protocols: Record<string, boolean | null> };
            outcome?: string;
          },
      );
    expect(run.stderr).toBe("");
    expect(lines.at(-1)).toMatchObject({ type: "gate", outcome: "violation" });
    const results = lines.filter((line) => line.type === "result");
    expect(results.map((line) => line.target).sort()).toEqual([...targets].sort());
    for (const line of results) {
      const i = targets.indexOf(line.target!);
      expect(line.report!.reachable).toBe(true);
      // The legacy server speaks TLS 1.0, the modern one does not: its configuration says so.
      expect(line.report!.protocols["TLSv1.0"]).toBe(i % 2 === 0);
    }
    expect(run.code).toBe(1);
  }, 300_000);
});
