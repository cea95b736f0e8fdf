/**
 * A fleet under one connection budget: 30 node:tls endpoints spread over three loopback
 * addresses, scanned in one run; every report must equal a scan of that endpoint on its own.
 * Open connections are counted on the scanner's side of each TCP connection, from connect to its
 * 'close' (the servers see a close a few event-loop turns later, when the next connection may
 * already be accepted, so their count would overstate what was open). The servers' versions come
 * from their configuration, confirmed by `openssl s_client`.
 */
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  closeTlsFleet,
  expectConfiguredVersions,
  reportFacts as facts,
  startTlsFleet,
  type FleetEndpoint,
} from "../../test/support/tls-fleet.js";
import { scanTarget } from "./scan-target.js";
import { scanTargets } from "./scan-targets.js";

const ADDRESSES = ["127.0.0.1", "127.0.0.2", "127.0.0.3"] as const;
const ENDPOINTS = 30;
const LIMITS = { maxConnections: 12, maxPerAddress: 5, concurrency: 3 } as const;

interface Endpoint extends FleetEndpoint {
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
  // Every other endpoint stops at TLS 1.2, so that a mixed-up report would show.
  const fleet = await startTlsFleet(ENDPOINTS, ADDRESSES, (i) => i % 2 === 0);
  endpoints.push(...fleet.map((endpoint) => ({ ...endpoint, open: 0, peak: 0 })));
}, 60_000);

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await closeTlsFleet(endpoints);
});

/** The scanner's TCP connections, counted per endpoint, per address and in all. */
function countingConnect(to: { address: string; port: number }): Socket {
  const endpoint = endpoints.find((e) => e.address === to.address && e.port === to.port);
  const socket = connect({ host: to.address, port: to.port });
  if (endpoint !== undefined) count(endpoint, socket);
  return socket;
}

describe("scanTargets: a fleet under one connection budget", () => {
  it("the configured versions are what a second client sees", async () => {
    await expectConfiguredVersions(endpoints[0]!, endpoints[1]!);
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
