/**
 * A fleet under one connection budget: 30 node:tls endpoints spread over three loopback
 * addresses, scanned in one run; every report must equal a scan of that endpoint on its own.
 * Open connections are counted on the scanner's side of each TCP connection, from connect to its
 * 'close' (the servers see a close a few event-loop turns later, when the next connection may
 * already be accepted, so their count would overstate what was open). The servers' versions come
 * from their configuration, confirmed by `openssl s_client`.
 */
import { connect, type Socket } from "node:net";
import { createServer, type Server } from "node:tls";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confirmWithOpenSslClient, getCredential } from "@tlsgate/testing";
import type { ScanReport } from "../scan-report/types.js";
import { scanTarget } from "./scan-target.js";
import { scanTargets } from "./scan-targets.js";

const ADDRESSES = ["127.0.0.1", "127.0.0.2", "127.0.0.3"] as const;
const ENDPOINTS = 30;
const LIMITS = { maxConnections: 12, maxPerAddress: 5, concurrency: 3 } as const;

interface Endpoint {
  server: Server;
  address: string;
  port: number;
  tls13: boolean;
  open: number;
  peak: number;
}

const endpoints: Endpoint[] = [];
const sockets = new Set<Socket>();
let openInAll = 0;
let peakInAll = 0;
const openByAddress = new Map<string, number>();
const peakByAddress = new Map<string, number>();

function count(endpoint: Endpoint, socket: Socket): void {
  sockets.add(socket);
  endpoint.open += 1;
  endpoint.peak = Math.max(endpoint.peak, endpoint.open);
  openInAll += 1;
  peakInAll = Math.max(peakInAll, openInAll);
  const here = (openByAddress.get(endpoint.address) ?? 0) + 1;
  openByAddress.set(endpoint.address, here);
  peakByAddress.set(endpoint.address, Math.max(peakByAddress.get(endpoint.address) ?? 0, here));
  // Seen at emit: the probes remove every listener of a socket they are done with.
  const emit = socket.emit.bind(socket);
  let closed = false;
  socket.emit = (event: string | symbol, ...args: unknown[]): boolean => {
    if (event === "close" && !closed) {
      closed = true;
      sockets.delete(socket);
      endpoint.open -= 1;
      openInAll -= 1;
      openByAddress.set(endpoint.address, openByAddress.get(endpoint.address)! - 1);
    }
    return emit(event, ...args);
  };
}

beforeAll(async () => {
  const credential = await getCredential("rsa2048");
  for (let i = 0; i < ENDPOINTS; i += 1) {
    const address = ADDRESSES[i % ADDRESSES.length]!;
    // Every other endpoint stops at TLS 1.2, so that a mixed-up report would show.
    const tls13 = i % 2 === 0;
    const server = createServer(
      {
        key: credential.keyPem,
        cert: credential.certPem,
        minVersion: "TLSv1.2",
        maxVersion: tls13 ? "TLSv1.3" : "TLSv1.2",
      },
      (socket) => socket.end(),
    );
    server.on("tlsClientError", () => undefined);
    await new Promise<void>((resolve) => server.listen(0, address, resolve));
    const endpoint: Endpoint = {
      server,
      address,
      port: (server.address() as AddressInfo).port,
      tls13,
      open: 0,
      peak: 0,
    };
    endpoints.push(endpoint);
  }
}, 60_000);

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(
    endpoints.map(
      (endpoint) => new Promise<void>((resolve) => endpoint.server.close(() => resolve())),
    ),
  );
});

/** The scanner's TCP connections, counted per endpoint, per address and in all. */
function countingConnect(to: { address: string; port: number }): Socket {
  const endpoint = endpoints.find((e) => e.address === to.address && e.port === to.port);
  const socket = connect({ host: to.address, port: to.port });
  if (endpoint !== undefined) count(endpoint, socket);
  return socket;
}

/** What a report establishes about the server, without timings. */
function facts(report: ScanReport): unknown {
  return {
    reachable: report.reachable,
    address: report.target.address,
    protocols: report.protocols,
    cipherSuites: report.cipherSuites?.map((suite) => `${suite.protocol} ${suite.code}`) ?? null,
    serverPreference: report.serverPreference,
    groups: report.groups?.map((group) => group.code) ?? null,
    chain: report.certificate?.chain.map((certificate) => certificate.sha256) ?? null,
    errors: report.errors.map((error) => `${error.probe} ${error.code}`),
  };
}

describe("scanTargets: a fleet under one connection budget", () => {
  it("the configured versions are what a second client sees", async () => {
    const [withTls13, without] = [endpoints[0]!, endpoints[1]!];
    const host = (e: Endpoint) => ({ host: e.address, port: e.port });
    expect((await confirmWithOpenSslClient(host(withTls13), { protocol: "TLSv1.3" })).ok).toBe(
      true,
    );
    expect((await confirmWithOpenSslClient(host(without), { protocol: "TLSv1.3" })).ok).toBe(false);
    expect((await confirmWithOpenSslClient(host(without), { protocol: "TLSv1.2" })).ok).toBe(true);
  }, 60_000);

  it("never has more connections open than the caps, and every report equals a scan on its own", async () => {
    const targets = endpoints.map((e) => `${e.address}:${e.port}`);
    const reports = await scanTargets(targets, {
      ...LIMITS,
      timeoutMs: 20_000,
      connect: countingConnect,
    });

    expect(reports.map((report) => report.target.input)).toEqual(targets);
    expect(peakInAll).toBeLessThanOrEqual(LIMITS.maxConnections);
    for (const address of ADDRESSES) {
      expect(peakByAddress.get(address)).toBeLessThanOrEqual(LIMITS.maxPerAddress);
    }
    for (const endpoint of endpoints) expect(endpoint.peak).toBeLessThanOrEqual(LIMITS.concurrency);
    // Many targets were in flight at once, not one after the other.
    expect(peakInAll).toBeGreaterThan(LIMITS.concurrency);

    reports.forEach((report, i) => {
      expect(report.reachable).toBe(true);
      expect(report.protocols).toMatchObject({
        "TLSv1.0": false,
        "TLSv1.1": false,
        "TLSv1.2": true,
        "TLSv1.3": endpoints[i]!.tls13,
      });
    });
    // A scan on its own, with the same per-target limit, of one endpoint of each kind.
    for (const i of [0, 1, ENDPOINTS - 1]) {
      const alone = await scanTarget(targets[i]!, {
        concurrency: LIMITS.concurrency,
        timeoutMs: 20_000,
      });
      expect(facts(reports[i]!)).toEqual(facts(alone));
    }
  }, 300_000);
});
