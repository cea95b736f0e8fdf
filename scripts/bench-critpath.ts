// Critical-path benchmark: the whole scan of one target (scanTarget, what `tlsgate scan` runs:
// probes, full handshakes, served chains) behind a proxy that holds every chunk --delay-ms each
// way, with every TCP connection counted through the connect seam. Per server: median wall time,
// that time in round trips (wall / RTT: the length of the critical path), connections per scan,
// and the most connections open at once. The servers: nginx with Mozilla's intermediate
// configuration, a legacy `openssl s_server` (it serves one connection at a time) and a legacy
// `gnutls-serv`, the same legacy configurations as scripts/bench.ts.
//
// Usage: npx tsx scripts/bench-critpath.ts [--runs 3] [--delay-ms 25] [--only nginx|openssl|gnutls]
import { connect as netConnect, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { ScanReport } from "../packages/core/src/scan-report/types.js";
import { scanTarget } from "../packages/core/src/scan/scan-target.js";
import type { TestServer } from "@tlsgate/testing";
import { startDelayProxy } from "./bench/delay-proxy.js";
import { startIntermediateNginx } from "./bench/fleet-servers.js";
import { LEGACY_SERVERS } from "./bench/legacy-servers.js";
import { median } from "./bench/process-stats.js";

const argument = (name: string, fallback: string): string => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : (process.argv[index + 1] ?? fallback);
};
const RUNS = Number(argument("runs", "3"));
const DELAY_MS = Number(argument("delay-ms", "25"));
const ONLY = argument("only", "");

const SERVERS: readonly (readonly [string, string, () => Promise<TestServer>])[] = [
  ["nginx", "nginx Mozilla intermediate", startIntermediateNginx],
  ...LEGACY_SERVERS.map(
    ([name, start], i) => [i === 0 ? "openssl" : "gnutls", name, start] as const,
  ),
];

/** What a scan establishes, to check that every run (and every version of the code) agrees. */
function facts(report: ScanReport): string {
  return JSON.stringify({
    reachable: report.reachable,
    protocols: report.protocols,
    cipherSuites: report.cipherSuites?.map((s) => `${s.protocol} ${s.code}`) ?? null,
    serverPreference: report.serverPreference,
    groups: report.groups?.map((g) => `${g.protocol} ${g.code}`) ?? null,
    dh: report.dh,
    features: report.features,
    certificates: report.certificates?.length ?? null,
    errors: report.errors.map((e) => `${e.probe} ${e.code}`),
  });
}

console.log(
  `critical path: scanTarget behind ${2 * DELAY_MS} ms of round trip, median of ${RUNS} after a warm-up`,
);
console.log(
  "| server | wall | round trips | connections | most open at once | same facts every run |",
);
console.log("|---|---|---|---|---|---|");
for (const [key, name, start] of SERVERS) {
  if (ONLY !== "" && ONLY !== key) continue;
  const server = await start();
  const proxy = await startDelayProxy(
    { host: "127.0.0.1", port: server.port },
    { host: "127.0.0.1", delayMs: DELAY_MS },
  );
  try {
    const walls: number[] = [];
    const connections: number[] = [];
    const peaks: number[] = [];
    const seen = new Set<string>();
    for (let i = 0; i <= RUNS; i += 1) {
      let count = 0;
      let open = 0;
      let peak = 0;
      const connect = (endpoint: { address: string; port: number }): Socket => {
        count += 1;
        open += 1;
        peak = Math.max(peak, open);
        const socket = netConnect(endpoint.port, endpoint.address);
        // Counted at the emit: the probes take every listener off a socket they are done with.
        const emit = socket.emit.bind(socket);
        socket.emit = (event: string | symbol, ...args: unknown[]): boolean => {
          if (event === "close") open -= 1;
          return emit(event, ...args);
        };
        return socket;
      };
      const started = performance.now();
      const report = await scanTarget(`127.0.0.1:${proxy.port}`, { connect });
      const wall = performance.now() - started;
      if (i === 0) continue; // warm-up
      walls.push(wall);
      connections.push(count);
      peaks.push(peak);
      seen.add(facts(report));
      if (i === RUNS) console.error(`${key}: ${facts(report)}`);
    }
    const wall = median(walls);
    console.log(
      `| ${name} | ${Math.round(wall)} ms | ${(wall / (2 * DELAY_MS)).toFixed(1)} | ${median(connections)} | ${median(peaks)} | ${seen.size === 1 ? "yes" : `no (${seen.size} variants)`} |`,
    );
  } finally {
    await proxy.stop();
    await server.stop();
  }
}
process.exit(0);
