/**
 * A fleet of node:tls endpoints on loopback addresses for the fleet tests: some stop at TLS 1.2
 * (which, the caller says), so that a report given to the wrong target shows; their versions are
 * confirmed by `openssl s_client`, and a report is compared by what it establishes, not its timings.
 */
import { createServer, type Server } from "node:tls";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import { confirmWithOpenSslClient, getCredential } from "@tlsgate/testing";
import type { ScanReport } from "../../src/scan-report/types.js";

export interface FleetEndpoint {
  server: Server;
  address: string;
  port: number;
  tls13: boolean;
}

/** `count` endpoints over `addresses` in turn; endpoint i speaks TLS 1.3 when `tls13(i)`. */
export async function startTlsFleet(
  count: number,
  addresses: readonly string[],
  tls13: (i: number) => boolean,
): Promise<FleetEndpoint[]> {
  const credential = await getCredential("rsa2048");
  const endpoints: FleetEndpoint[] = [];
  for (let i = 0; i < count; i += 1) {
    const address = addresses[i % addresses.length]!;
    const server = createServer(
      {
        key: credential.keyPem,
        cert: credential.certPem,
        minVersion: "TLSv1.2",
        maxVersion: tls13(i) ? "TLSv1.3" : "TLSv1.2",
      },
      (socket) => socket.end(),
    );
    server.on("tlsClientError", () => undefined);
    await new Promise<void>((resolve) => server.listen(0, address, resolve));
    endpoints.push({
      server,
      address,
      port: (server.address() as AddressInfo).port,
      tls13: tls13(i),
    });
  }
  return endpoints;
}

export async function closeTlsFleet(endpoints: readonly FleetEndpoint[]): Promise<void> {
  await Promise.all(
    endpoints.map(
      (endpoint) => new Promise<void>((resolve) => endpoint.server.close(() => resolve())),
    ),
  );
}

/** The configured versions of one endpoint of each kind are what a second client sees. */
export async function expectConfiguredVersions(
  withTls13: FleetEndpoint,
  without: FleetEndpoint,
): Promise<void> {
  const host = (e: FleetEndpoint) => ({ host: e.address, port: e.port });
  expect((await confirmWithOpenSslClient(host(withTls13), { protocol: "TLSv1.3" })).ok).toBe(true);
  expect((await confirmWithOpenSslClient(host(without), { protocol: "TLSv1.3" })).ok).toBe(false);
  expect((await confirmWithOpenSslClient(host(without), { protocol: "TLSv1.2" })).ok).toBe(true);
}

/** What a report establishes about the server, without timings. */
export function reportFacts(report: ScanReport): Record<string, unknown> {
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
