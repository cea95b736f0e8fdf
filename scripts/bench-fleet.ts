// Fleet benchmark: N TLS endpoints (Mozilla intermediate; one nginx with N ports when nginx is
// installed, else node:tls servers) over 127.0.0.1..127.0.0.16, scanned by one whole-process
// `tlsgate scan --targets-file --format ndjson`, directly and behind a proxy that holds every
// chunk --delay-ms each way (50 ms of round trip by default). For each: wall time, CPU, peak RSS,
// endpoints per second, whether every result equals a single-target scan of one endpoint, and
// `nmap --script ssl-enum-ciphers` on the same ports in the same run (when installed).
// The machine's load changes every figure: print `uptime` next to them.
//
// Usage: npm run bench:fleet -- [--n 1000] [--delay-ms 25] [--workers N] [--no-nmap] [--no-delay] [--node]
// (--workers is passed to the fleet scans; without it tlsgate's default applies: one per core, at
// most 4).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startDelayProxy, type DelayProxy } from "./bench/delay-proxy.js";
import { startFleet } from "./bench/fleet-servers.js";
import { mb, ms, runMeasured, which, type ProcessStats } from "./bench/process-stats.js";

const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const flag = (name: string): boolean => process.argv.includes(`--${name}`);
const N = argument("n", 1000);
const DELAY_MS = argument("delay-ms", 25);
const WORKERS = process.argv.includes("--workers")
  ? ["--workers", String(argument("workers", 1))]
  : [];
const CLI = resolve(fileURLToPath(import.meta.url), "../../packages/cli/bin.js");
const work = mkdtempSync(join(tmpdir(), "tlsgate-bench-fleet-"));

interface Endpoint {
  host: string;
  port: number;
}

/** What a result establishes about the server: equal for every endpoint of one configuration. */
interface Facts {
  reachable: unknown;
  protocols: unknown;
  cipherSuites: unknown;
  serverPreference: unknown;
  groups: unknown;
}

interface ResultLine {
  type: string;
  report?: {
    reachable: unknown;
    protocols: unknown;
    cipherSuites: { protocol: string; code: string }[] | null;
    serverPreference: unknown;
    groups: { code: string }[] | null;
  };
}

function factsOf(report: NonNullable<ResultLine["report"]>): string {
  const facts: Facts = {
    reachable: report.reachable,
    protocols: report.protocols,
    cipherSuites: report.cipherSuites?.map((s) => `${s.protocol} ${s.code}`).sort() ?? null,
    serverPreference: report.serverPreference,
    groups: report.groups?.map((g) => g.code) ?? null,
  };
  return JSON.stringify(facts);
}

/** One target on its own: the facts every fleet result must equal. */
async function singleFacts(endpoint: Endpoint): Promise<string> {
  const run = await runMeasured(
    process.execPath,
    [CLI, "scan", `${endpoint.host}:${endpoint.port}`, "--format", "ndjson", "--no-progress"],
    { cwd: work },
  );
  const line = JSON.parse(run.stdout.split("\n")[0] ?? "{}") as ResultLine;
  if (line.report === undefined) throw new Error(`single scan failed: ${run.stderr}`);
  return factsOf(line.report);
}

interface Row {
  setup: string;
  tool: string;
  stats: ProcessStats;
  equal: string;
}

async function scanFleet(
  setup: string,
  endpoints: readonly Endpoint[],
  truth: string,
): Promise<Row> {
  const file = join(work, `targets-${setup.replace(/\W+/g, "-")}.txt`);
  writeFileSync(file, `${endpoints.map((e) => `${e.host}:${e.port}`).join("\n")}\n`);
  const stats = await runMeasured(
    process.execPath,
    [CLI, "scan", "--targets-file", file, "--format", "ndjson", "--no-progress", ...WORKERS],
    { cwd: work },
  );
  const results = stats.stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as ResultLine)
    .filter((line) => line.type === "result");
  const equal = results.filter((r) => r.report !== undefined && factsOf(r.report) === truth).length;
  return { setup, tool: "tlsgate scan", stats, equal: `${equal}/${endpoints.length}` };
}

async function nmapFleet(setup: string, endpoints: readonly Endpoint[]): Promise<Row | null> {
  const nmap = flag("no-nmap") ? null : which("nmap");
  if (nmap === null) return null;
  const ports = [...new Set(endpoints.map((e) => e.port))].join(",");
  const hosts = [...new Set(endpoints.map((e) => e.host))];
  const stats = await runMeasured(nmap, [
    "-Pn",
    "-n",
    "--script",
    "ssl-enum-ciphers",
    "-p",
    ports,
    ...hosts,
  ]);
  // Every host is probed on every port: count only the endpoints asked for.
  const wanted = new Set(endpoints.map((e) => `${e.host}:${e.port}`));
  let host = "";
  let port = "";
  let enumerated = 0;
  for (const line of stats.stdout.split("\n")) {
    host = /^Nmap scan report for (\S+)/.exec(line)?.[1] ?? host;
    port = /^(\d+)\/tcp\s/.exec(line)?.[1] ?? port;
    if (line.includes("ssl-enum-ciphers:") && wanted.has(`${host}:${port}`)) enumerated += 1;
  }
  return {
    setup,
    tool: "nmap --script ssl-enum-ciphers",
    stats,
    equal: `${enumerated}/${endpoints.length} enumerated`,
  };
}

const fleet = await startFleet(N, { nginx: !flag("node") });
const proxies: DelayProxy[] = [];
const rows: Row[] = [];
try {
  console.error(
    `${N} endpoints on ${fleet.kind}; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  const truth = await singleFacts(fleet.endpoints[0]!);
  console.error("scanning directly …");
  rows.push(await scanFleet("loopback", fleet.endpoints, truth));
  const nmapDirect = await nmapFleet("loopback", fleet.endpoints);
  if (nmapDirect !== null) rows.push(nmapDirect);
  if (!flag("no-delay")) {
    for (const endpoint of fleet.endpoints) {
      proxies.push(await startDelayProxy(endpoint, { host: endpoint.host, delayMs: DELAY_MS }));
    }
    const delayed = proxies.map((p) => ({ host: p.host, port: p.port }));
    const setup = `${2 * DELAY_MS} ms RTT`;
    console.error(`scanning behind the ${setup} proxy …`);
    rows.push(await scanFleet(setup, delayed, truth));
    const nmapDelayed = await nmapFleet(setup, delayed);
    if (nmapDelayed !== null) rows.push(nmapDelayed);
  }
} finally {
  await Promise.all(proxies.map((p) => p.stop()));
  await fleet.stop();
  rmSync(work, { recursive: true, force: true });
}

console.log(
  `fleet benchmark: ${N} endpoints (${fleet.kind}, Mozilla intermediate) over ${Math.min(N, 16)} loopback addresses; ${WORKERS.length === 0 ? "default workers" : WORKERS.join(" ")}; whole-process figures; load average now ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
console.log("| setup | tool | wall | CPU | CPU per endpoint | peak RSS | endpoints/s | results |");
console.log("|---|---|---|---|---|---|---|---|");
for (const row of rows) {
  const { wallMs, cpuMs, peakRssMb } = row.stats;
  console.log(
    `| ${row.setup} | ${row.tool} | ${ms(wallMs)} | ${ms(cpuMs)} | ${cpuMs === null ? "-" : `${(cpuMs / N).toFixed(1)} ms`} | ${mb(peakRssMb)} | ${((N / wallMs) * 1000).toFixed(1)} | ${row.equal} |`,
  );
}
process.exit(0);
