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
import {
  getCredential,
  startGnutlsServer,
  startNginxServer,
  startOpenSslServer,
  type TestServer,
} from "@tlsgate/testing";
import { startDelayProxy } from "./bench/delay-proxy.js";

const argument = (name: string, fallback: string): string => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : (process.argv[index + 1] ?? fallback);
};
const RUNS = Number(argument("runs", "3"));
const DELAY_MS = Number(argument("delay-ms", "25"));
const ONLY = argument("only", "");

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** Mozilla intermediate (guidelines 5.8) without the ML-KEM group this OpenSSL may lack. */
const INTERMEDIATE_CIPHERS = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
  "DHE-RSA-AES128-GCM-SHA256",
  "DHE-RSA-AES256-GCM-SHA384",
  "DHE-RSA-CHACHA20-POLY1305",
].join(":");

const SERVERS: readonly [string, string, () => Promise<TestServer>][] = [
  [
    "nginx",
    "nginx Mozilla intermediate",
    async () =>
      startNginxServer({
        credentials: [await getCredential("rsa2048")],
        directives: [
          `ssl_ciphers ${INTERMEDIATE_CIPHERS};`,
          "ssl_ecdh_curve X25519:prime256v1:secp384r1;",
          "ssl_prefer_server_ciphers off;",
          "ssl_session_cache shared:bench:10m;",
        ],
      }),
  ],
  [
    "openssl",
    "openssl s_server legacy (TLS 1.0-1.2, ALL:@SECLEVEL=0)",
    () =>
      startOpenSslServer({
        cipher: "ALL:@SECLEVEL=0",
        minProtocol: "TLSv1.0",
        maxProtocol: "TLSv1.2",
      }),
  ],
  [
    "gnutls",
    "gnutls-serv legacy (NORMAL:+3DES-CBC:+ARCFOUR-128:+VERS-TLS1.0:+VERS-TLS1.1)",
    () =>
      startGnutlsServer({ priority: "NORMAL:+3DES-CBC:+ARCFOUR-128:+VERS-TLS1.0:+VERS-TLS1.1" }),
  ],
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
console.log("| server | wall | round trips | connections | most open at once | same facts every run |");
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
