// Benchmark of the wire-level scanner against local servers, next to the tools people compare it
// with. Starts servers on 127.0.0.1 — a legacy `openssl s_server` (TLS 1.0–1.2,
// ALL:@SECLEVEL=0), a `gnutls-serv` with legacy suites (3DES, ARCFOUR), a node:tls server with
// Mozilla's intermediate configuration (guidelines 5.8) and, when installed, an nginx with the
// same configuration — and for each, in one run:
//   - tlsgate's full scan (protocols, suites, preference, groups, DH, features): median wall time
//     of --runs scans after one warm-up, probes (connections) and probes per second;
//   - `sslscan --no-colour` (median of --tool-runs) and `testssl.sh -p -E` (one run: it takes
//     minutes on a legacy server), each skipped with a note when not installed;
//   - the ratios, and whether each tool lists the same suites per protocol as tlsgate.
// Each server is measured again behind a proxy that holds every chunk --delay-ms each way (50 ms
// of round trip by default; testssl.sh is not run there), with tlsgate also timed whole-process
// (`tlsgate scan`, the built CLI), since that is what a user waits for. Last, cold start: median
// whole-process time of `tlsgate --version` next to `node -e 0`, and of a loopback `tlsgate scan`
// with the part outside the scan itself.
// The scans run from the TypeScript sources; the whole-process rows need the CLI built (`npm run
// bench` builds it).
//
// Usage: npx tsx scripts/bench.ts [--runs 5] [--tool-runs 3] [--delay-ms 25] [--no-testssl]
//        [--no-sslscan] [--no-delay] [--cold-runs 10] [--cold-only] [--baseline-cli FILE] [--help]
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { cipherSuiteByName, sslv2CipherSuiteByName } from "../packages/core/src/registry/index.js";
import type { Protocol } from "../packages/core/src/registry/index.js";
import type { ScanReport } from "../packages/core/src/scan-report/types.js";
import { scan } from "../packages/core/src/scan/scan.js";
import { dhParams, harnessEnv, startNodeTlsServer } from "@tlsgate/testing";
import type { TestServer } from "@tlsgate/testing";
import { startDelayProxy } from "./bench/delay-proxy.js";
import { LEGACY_SERVERS } from "./bench/legacy-servers.js";
import { startIntermediateNginx } from "./bench/fleet-servers.js";
import { median, runMeasured, which } from "./bench/process-stats.js";

const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const flag = (name: string): boolean => process.argv.includes(`--${name}`);
if (flag("help")) {
  console.log(`Usage: npx tsx scripts/bench.ts [options]   (npm run bench builds the CLI first)
  --runs N             tlsgate scans per server, median after a warm-up (default 5)
  --tool-runs N        sslscan and whole-process tlsgate runs per server (default 3)
  --delay-ms N         one-way delay of the proxied rows (default 25: 50 ms of round trip)
  --no-testssl         skip testssl.sh
  --no-sslscan         skip sslscan
  --no-delay           skip the rows behind the delay proxy
  --cold-runs N        rounds of the cold-start table, median after a warm-up (default 10)
  --cold-only          only the cold-start table (whole-process --version, --help, loopback scan)
  --baseline-cli FILE  also time another build's bin.js in the same cold-start rounds`);
  process.exit(0);
}
const RUNS = argument("runs", 5);
const TOOL_RUNS = argument("tool-runs", 3);
const DELAY_MS = argument("delay-ms", 25);
const CLI = resolve(fileURLToPath(import.meta.url), "../../packages/cli/bin.js");

function run(command: string, args: readonly string[]): Promise<{ ms: number; output: string }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: harnessEnv() });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.once("error", reject);
    child.once("close", () =>
      resolve({ ms: performance.now() - start, output: Buffer.concat(chunks).toString("utf8") }),
    );
  });
}

/** Suites per protocol, as "0xC02F" codes (or the tool's name when the registry lacks it). */
type SuiteLists = Partial<Record<Protocol, Set<string>>>;

function add(lists: SuiteLists, protocol: Protocol, code: string): void {
  (lists[protocol] ??= new Set()).add(code);
}

function tlsgateSuites(report: ScanReport): SuiteLists {
  const lists: SuiteLists = {};
  for (const suite of report.cipherSuites ?? []) add(lists, suite.protocol, suite.code);
  return lists;
}

const SSLSCAN_PROTOCOLS: Readonly<Record<string, Protocol>> = {
  SSLv2: "SSLv2",
  SSLv3: "SSLv3",
  "TLSv1.0": "TLSv1.0",
  "TLSv1.1": "TLSv1.1",
  "TLSv1.2": "TLSv1.2",
  "TLSv1.3": "TLSv1.3",
};

/** `Accepted  TLSv1.2  256 bits  ECDHE-RSA-AES256-GCM-SHA384 …` (and `Preferred …`). */
function sslscanSuites(output: string): SuiteLists {
  const lists: SuiteLists = {};
  for (const match of output.matchAll(/^(?:Preferred|Accepted)\s+(\S+)\s+\d+ bits\s+(\S+)/gm)) {
    const protocol = SSLSCAN_PROTOCOLS[match[1] ?? ""];
    const name = match[2] ?? "";
    if (protocol === undefined) continue;
    const hex =
      protocol === "SSLv2" ? sslv2CipherSuiteByName(name)?.hex : cipherSuiteByName(name)?.hex;
    add(lists, protocol, hex ?? name);
  }
  return lists;
}

const TESTSSL_PROTOCOLS: Readonly<Record<string, Protocol>> = {
  SSLv2: "SSLv2",
  SSLv3: "SSLv3",
  "TLS 1": "TLSv1.0",
  "TLS 1.1": "TLSv1.1",
  "TLS 1.2": "TLSv1.2",
  "TLS 1.3": "TLSv1.3",
};

/** The -E table: a protocol line ("TLS 1.2"), then one ` xc02f  NAME …` line per suite. */
function testsslSuites(output: string): SuiteLists {
  const lists: SuiteLists = {};
  let protocol: Protocol | null = null;
  for (const line of output.split("\n")) {
    const header = TESTSSL_PROTOCOLS[line.trim()];
    if (header !== undefined && !line.startsWith(" ")) {
      protocol = header;
      continue;
    }
    const suite = /^ x([0-9a-f]+)\s/i.exec(line);
    if (suite !== null && protocol !== null) {
      const digits = protocol === "SSLv2" ? 6 : 4;
      add(lists, protocol, `0x${(suite[1] ?? "").toUpperCase().padStart(digits, "0")}`);
    }
  }
  return lists;
}

/** "same", or what each side lists that the other does not, per protocol. */
function compare(ours: SuiteLists, theirs: SuiteLists): string {
  const differences: string[] = [];
  const protocols = new Set([...Object.keys(ours), ...Object.keys(theirs)] as Protocol[]);
  for (const protocol of protocols) {
    const a = ours[protocol] ?? new Set<string>();
    const b = theirs[protocol] ?? new Set<string>();
    const onlyOurs = [...a].filter((code) => !b.has(code));
    const onlyTheirs = [...b].filter((code) => !a.has(code));
    if (onlyOurs.length > 0) differences.push(`${protocol} only tlsgate: ${onlyOurs.join(",")}`);
    if (onlyTheirs.length > 0) differences.push(`${protocol} only tool: ${onlyTheirs.join(",")}`);
  }
  return differences.length === 0 ? "same" : differences.join("; ");
}

const count = (lists: SuiteLists): number =>
  Object.values(lists).reduce((sum, set) => sum + set.size, 0);

interface Row {
  server: string;
  suites: number;
  tlsgateMs: number;
  /** `tlsgate scan` whole-process, median of TOOL_RUNS. */
  processMs: number;
  probes: number;
  sslscan: { ms: number; agree: string } | string;
  testssl: { ms: number; agree: string } | string;
}

async function measure(name: string, port: number, withTestssl = true): Promise<Row> {
  const target = {
    input: `127.0.0.1:${port}`,
    host: "127.0.0.1",
    port,
    sni: null,
    connectAddress: "127.0.0.1",
  };
  const times: number[] = [];
  let probes = 0;
  let report: ScanReport | null = null;
  for (let i = 0; i <= RUNS; i++) {
    let seen = 0;
    const start = performance.now();
    report = await scan(target, { onProgress: (event) => (seen = event.probesDone) });
    if (i > 0) times.push(performance.now() - start); // run 0 warms up
    probes = seen;
  }
  if (report === null) throw new Error("no scan");
  if (report.errors.length > 0) console.error(`${name}: scan errors`, report.errors);
  const ours = tlsgateSuites(report);

  const sslscanPath = flag("no-sslscan") ? null : which("sslscan");
  let sslscan: Row["sslscan"] = "not installed";
  if (flag("no-sslscan")) sslscan = "skipped";
  else if (sslscanPath !== null) {
    const runs: number[] = [];
    let output = "";
    for (let i = 0; i < TOOL_RUNS; i++) {
      const result = await run(sslscanPath, ["--no-colour", `127.0.0.1:${port}`]);
      runs.push(result.ms);
      output = result.output;
    }
    sslscan = { ms: median(runs), agree: compare(ours, sslscanSuites(output)) };
  }

  const processRuns: number[] = [];
  for (let i = 0; i < TOOL_RUNS; i++) {
    const result = await runMeasured(process.execPath, [
      CLI,
      "scan",
      `127.0.0.1:${port}`,
      "--format",
      "json",
      "--no-progress",
    ]);
    processRuns.push(result.wallMs);
  }

  const testsslPath = flag("no-testssl") ? null : which("testssl.sh", "testssl");
  let testssl: Row["testssl"] = "not installed";
  if (flag("no-testssl") || !withTestssl) testssl = "skipped";
  else if (testsslPath !== null) {
    const result = await run(testsslPath, [
      "-p",
      "-E",
      "--nodns",
      "none",
      "--warnings",
      "off",
      "--color",
      "0",
      `127.0.0.1:${port}`,
    ]);
    testssl = { ms: result.ms, agree: compare(ours, testsslSuites(result.output)) };
  }
  return {
    server: name,
    suites: count(ours),
    tlsgateMs: median(times),
    processMs: median(processRuns),
    probes,
    sslscan,
    testssl,
  };
}

/** Mozilla's intermediate configuration (guidelines 5.8) as node:tls options. */
const INTERMEDIATE = {
  minVersion: "TLSv1.2" as const,
  ciphers: [
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",
  ].join(":"),
  // X25519MLKEM768 too in 5.8, which this OpenSSL 3.0 does not have.
  ecdhCurve: "X25519:prime256v1:secp384r1",
  honorCipherOrder: false,
  dhparam: dhParams(2048).pem,
};

const SERVERS: readonly [string, () => Promise<TestServer>][] = [
  ...LEGACY_SERVERS,
  ["node:tls Mozilla intermediate (5.8)", () => startNodeTlsServer(INTERMEDIATE)],
  // The reference server for the intermediate ratio, when nginx is installed.
  ...(which("nginx") === null
    ? []
    : [
        ["nginx Mozilla intermediate", startIntermediateNginx] as [
          string,
          () => Promise<TestServer>,
        ],
      ]),
];

const ms = (value: number): string =>
  value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
const ratio = (tool: Row["sslscan"], ours: number): string =>
  typeof tool === "string" ? "-" : `${(tool.ms / ours).toFixed(1)}x`;
const cell = (tool: Row["sslscan"]): string => (typeof tool === "string" ? tool : ms(tool.ms));
const agree = (tool: Row["sslscan"]): string => (typeof tool === "string" ? "-" : tool.agree);

if (!flag("cold-only")) {
  const rows: Row[] = [];
  for (const [name, start] of SERVERS) {
    const server = await start();
    try {
      console.error(`measuring ${name} …`);
      rows.push(await measure(name, server.port));
      if (!flag("no-delay")) {
        const proxy = await startDelayProxy(
          { host: "127.0.0.1", port: server.port },
          { host: "127.0.0.1", delayMs: DELAY_MS },
        );
        try {
          console.error(`measuring ${name} behind ${2 * DELAY_MS} ms of round trip …`);
          rows.push(await measure(`${name}, ${2 * DELAY_MS} ms RTT`, proxy.port, false));
        } finally {
          await proxy.stop();
        }
      }
    } finally {
      await server.stop();
    }
  }

  console.log(
    `tlsgate scan benchmark: median of ${RUNS} scans after a warm-up; sslscan median of ${TOOL_RUNS}; testssl.sh -p -E once`,
  );
  console.log(
    "| server | suites | tlsgate | probes | probes/s | tlsgate whole-process | sslscan | tlsgate faster | whole-process faster | suites vs sslscan | testssl.sh -p -E | tlsgate faster | whole-process faster | suites vs testssl.sh |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const row of rows) {
    console.log(
      `| ${row.server} | ${row.suites} | ${ms(row.tlsgateMs)} | ${row.probes} | ${Math.round((row.probes / row.tlsgateMs) * 1000)} | ${ms(row.processMs)} | ${cell(row.sslscan)} | ${ratio(row.sslscan, row.tlsgateMs)} | ${ratio(row.sslscan, row.processMs)} | ${agree(row.sslscan)} | ${cell(row.testssl)} | ${ratio(row.testssl, row.tlsgateMs)} | ${ratio(row.testssl, row.processMs)} | ${agree(row.testssl)} |`,
    );
  }
}

// Cold start, whole-process: what every invocation pays before it does anything. One round spawns
// each command once, in turn, so that the load of a shared machine falls on all of them alike;
// `node -e 0` of the same rounds is the floor. The loopback `tlsgate scan` (default policy) is split
// by the report's durationMs into the scan itself and the rest (module loading, policy load and
// compile, trust store, formatting, exit). CPU is user + system (GNU time, 10 ms resolution).
// --baseline-cli FILE adds the same commands of another build's bin.js (say main's) to each round.
const COLD_RUNS = argument("cold-runs", 10);
const baselineIndex = process.argv.indexOf("--baseline-cli");
const BASELINE_CLI = baselineIndex === -1 ? undefined : process.argv[baselineIndex + 1];
const coldServer = await startNodeTlsServer();
try {
  interface ColdCommand {
    name: string;
    args: readonly string[];
    scan: boolean;
    walls: number[];
    cpus: number[];
    inScan: number[];
    outside: number[];
  }
  const command = (name: string, args: readonly string[], scan = false): ColdCommand => ({
    name,
    args,
    scan,
    walls: [],
    cpus: [],
    inScan: [],
    outside: [],
  });
  const tlsgate = (cli: string, label: string): ColdCommand[] => [
    command(`tlsgate --version${label}`, [cli, "--version"]),
    command(`tlsgate --help${label}`, [cli, "--help"]),
    command(
      `tlsgate scan (loopback node:tls)${label}`,
      [cli, "scan", `127.0.0.1:${coldServer.port}`, "--format", "json", "--no-progress"],
      true,
    ),
  ];
  const commands = [
    command("node -e 0", ["-e", "0"]),
    ...tlsgate(CLI, ""),
    ...(BASELINE_CLI === undefined ? [] : tlsgate(resolve(BASELINE_CLI), " (baseline)")),
  ];
  for (let round = 0; round <= COLD_RUNS; round++) {
    for (const cold of commands) {
      const result = await runMeasured(process.execPath, cold.args);
      // A scan exits with its verdict (the default policy fails the test server); others with 0.
      if (result.exitCode !== 0 && !cold.scan) {
        throw new Error(`${cold.name}: exit ${result.exitCode}: ${result.stderr}`);
      }
      if (round === 0) continue; // warm-up (and the compile cache)
      cold.walls.push(result.wallMs);
      if (result.cpuMs !== null) cold.cpus.push(result.cpuMs);
      if (cold.scan) {
        const durationMs = Number(/"durationMs":\s*(\d+)/.exec(result.stdout)?.[1]);
        if (!Number.isFinite(durationMs)) throw new Error(`${cold.name}: ${result.stderr}`);
        cold.inScan.push(durationMs);
        cold.outside.push(result.wallMs - durationMs);
      }
    }
  }
  console.log("");
  console.log(`cold start: median of ${COLD_RUNS} rounds after one warm-up round`);
  console.log("| command | wall | CPU |");
  console.log("|---|---|---|");
  for (const cold of commands) {
    const cpu = cold.cpus.length > 0 ? ms(median(cold.cpus)) : "-";
    console.log(`| ${cold.name} | ${ms(median(cold.walls))} | ${cpu} |`);
    if (cold.scan) {
      console.log(`| … of which the scan itself (durationMs) | ${ms(median(cold.inScan))} | - |`);
      console.log(`| … of which outside the scan | ${ms(median(cold.outside))} | - |`);
    }
  }
} finally {
  await coldServer.stop();
}
process.exit(0);
