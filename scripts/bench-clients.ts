// Benchmark of the client handshake simulation: the time to simulate every current client (the
// default set of `--clients`) against one local server, `openssl s_server` with TLS 1.2 and 1.3
// on 127.0.0.1, and, as the baseline measured in the same run, one plain wire-level scan of the
// same server (protocols, suites, preference, groups, features). Also the whole registry (--all).
// Runs from the TypeScript sources, so nothing needs building first.
//
// Usage: npx tsx scripts/bench-clients.ts [--runs 7] [--concurrency 8]
import { performance } from "node:perf_hooks";
import { CLIENT_PROFILES, CURRENT_CLIENT_PROFILES } from "../packages/core/src/registry/index.js";
import { simulateClients } from "../packages/core/src/scan/clients.js";
import { scan } from "../packages/core/src/scan/scan.js";
import type { ScanReport } from "../packages/core/src/scan-report/types.js";
import { startOpenSslServer } from "@tlsgate/testing";

const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const RUNS = argument("runs", 7);
const CONCURRENCY = argument("concurrency", 8);

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

async function time<T>(task: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await task();
  return { ms: performance.now() - start, value };
}

const server = await startOpenSslServer({ minProtocol: "TLSv1.2" });
try {
  const endpoint = { address: "127.0.0.1", port: server.port };
  const target = {
    input: `localhost@127.0.0.1:${server.port}`,
    host: "localhost",
    port: server.port,
    sni: "localhost",
    connectAddress: "127.0.0.1",
  };
  const scans: number[] = [];
  const current: number[] = [];
  const all: number[] = [];
  let report: ScanReport | null = null;
  let outcome = "";
  // One warm-up round (module loading, key generation code paths), then the measured runs.
  for (let run = 0; run <= RUNS; run++) {
    const scanned = await time(() => scan(target, { concurrency: CONCURRENCY }));
    report = scanned.value;
    const simulated = await time(() =>
      simulateClients(endpoint, {
        sni: "localhost",
        profiles: CURRENT_CLIENT_PROFILES,
        server: scanned.value,
        concurrency: CONCURRENCY,
      }),
    );
    const everything = await time(() =>
      simulateClients(endpoint, {
        sni: "localhost",
        profiles: CLIENT_PROFILES,
        server: scanned.value,
        concurrency: CONCURRENCY,
      }),
    );
    const ok = simulated.value.filter((c) => c.ok === true).length;
    outcome = `${ok} of ${simulated.value.length} current clients connect`;
    if (run === 0) continue;
    scans.push(scanned.ms);
    current.push(simulated.ms);
    all.push(everything.ms);
  }
  const baseline = median(scans);
  const line = (label: string, values: number[], handshakes: number): string => {
    const ms = median(values);
    return `  ${label.padEnd(34)} ${ms.toFixed(0).padStart(5)} ms  (${(ms / baseline).toFixed(2)}× the scan, ${(ms / handshakes).toFixed(1)} ms per handshake)`;
  };
  console.log(
    `Client simulation against openssl s_server (TLS 1.2 + 1.3) on 127.0.0.1, median of ${RUNS} runs, concurrency ${CONCURRENCY}`,
  );
  console.log(
    `  ${"plain scan (baseline)".padEnd(34)} ${baseline.toFixed(0).padStart(5)} ms  (${report?.cipherSuites?.length ?? 0} suites, ${report?.groups?.length ?? 0} groups)`,
  );
  console.log(
    line(
      `${CURRENT_CLIENT_PROFILES.length} current clients`,
      current,
      CURRENT_CLIENT_PROFILES.length,
    ),
  );
  console.log(line(`all ${CLIENT_PROFILES.length} clients`, all, CLIENT_PROFILES.length));
  console.log(`  ${outcome}`);
} finally {
  await server.stop();
}
