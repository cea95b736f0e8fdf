// Benchmark of path building on hostile input: a server that sends a leaf and a mesh of n CA
// certificates that all certify one another (@tlsgate/testing's createCrossSignedMesh: n
// cross-certificates spread over 2 CAs by default, the densest mesh). Times
// checkCertificateChain, the entry point the scanner calls, and checkTrust alone (path building
// over certificates decoded beforehand), against an empty store (no path exists, so the whole
// search space is explored) and against a store holding one CA's self-signed root (a path
// exists). Runs from the TypeScript sources, so nothing needs building.
//
// Usage: npx tsx scripts/bench-trust.ts [--sizes 5,10,15,20] [--runs 5] [--cas 2]
import { performance } from "node:perf_hooks";
import { checkCertificateChain } from "../packages/core/src/cert/check-chain.js";
import { parseCertificate } from "../packages/core/src/cert/parse.js";
import { checkTrust } from "../packages/core/src/cert/trust.js";
import { createTrustStore, type TrustStore } from "../packages/core/src/cert/trust-store.js";
import { PKI_NOW, createCrossSignedMesh } from "@tlsgate/testing/pki";

const option = (name: string, fallback: string): string => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : (process.argv[index + 1] ?? fallback);
};
const SIZES = option("sizes", "5,10,15,20").split(",").map(Number);
const RUNS = Number(option("runs", "5"));
const CAS = Number(option("cas", "2"));

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

function timed(task: () => void): number {
  const start = performance.now();
  task();
  return performance.now() - start;
}

function measure(served: Uint8Array[], store: TrustStore): string {
  const parsed = served.map((der) => parseCertificate(der));
  const now = PKI_NOW;
  const chainTimes: number[] = [];
  const trustTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    chainTimes.push(timed(() => checkCertificateChain(served, { host: "mesh.test", store, now })));
    trustTimes.push(timed(() => checkTrust(parsed, store, now)));
  }
  const { certificate } = checkCertificateChain(served, { host: "mesh.test", store, now });
  let verdict = `${certificate?.trustError ?? "trusted"}, complete ${certificate?.chainComplete}`;
  // The work counters exist only where path building counts its work (not on the old code).
  const trust = checkTrust(parsed, store, now) as { work?: object };
  if (trust.work !== undefined) verdict += ` ${JSON.stringify(trust.work)}`;
  const ms = (values: number[]): string => `${median(values).toFixed(1).padStart(10)} ms`;
  return `${ms(chainTimes)} ${ms(trustTimes)}  ${verdict}`;
}

console.log(`a leaf + n CA certificates over ${CAS} mutually-issuing CAs, median of ${RUNS} runs`);
console.log("                 checkCertificateChain    checkTrust  verdict");
for (const size of SIZES) {
  const mesh = await createCrossSignedMesh({ certificates: size, cas: CAS, name: `mesh${size}` });
  const served = [mesh.leaf.der, ...mesh.crossCertificates.map((certificate) => certificate.der)];
  const last = mesh.roots[mesh.roots.length - 1];
  if (last === undefined) throw new Error("a mesh has roots");
  for (const [label, store] of [
    ["no anchor", createTrustStore([])],
    ["anchored ", createTrustStore([last.pem])],
  ] as const) {
    console.log(`n=${String(size).padStart(2)} ${label}    ${measure(served, store)}`);
  }
}
