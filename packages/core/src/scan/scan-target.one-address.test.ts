/**
 * One target, resolved once: a host name is looked up exactly once per scan, and every connection
 * (probes, the full handshakes, HSTS and the client simulation) goes to that one address, the one
 * the report names, under the one per-target connection limit.
 *
 * The look-up is a counted seam that answers like DNS round-robin, a different loopback address
 * each time, and each address has its own HTTPS server with its own certificate and HSTS header:
 * a second look-up would show in the count, and a connection to the other address in the report.
 */
import { X509Certificate, createHash } from "node:crypto";
import { createServer, type Server } from "node:https";
import { connect as netConnect, type AddressInfo, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Endpoint } from "../probe/exchange.js";
import type { LookupFunction } from "../probe/resolve-target.js";
import { getCredential, type ServerCredential } from "@tlsgate/testing";
import { scanTarget } from "./scan-target.js";

interface Site {
  address: string;
  credential: ServerCredential;
  server: Server;
}

const HSTS: Readonly<Record<string, string>> = {
  "127.0.0.1": "max-age=111",
  "127.0.0.2": "max-age=222",
};

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port }, () => resolve((server.address() as AddressInfo).port));
  });
}

let sites: Site[] = [];
let port = 0;

beforeAll(async () => {
  const credentials = [await getCredential("rsa2048"), await getCredential("ecdsa-p256")];
  // Two servers on one port, at 127.0.0.1 and 127.0.0.2, told apart by certificate and HSTS.
  for (const [i, address] of ["127.0.0.1", "127.0.0.2"].entries()) {
    const credential = credentials[i] as ServerCredential;
    const server = createServer({ key: credential.keyPem, cert: credential.certPem }, (_req, res) =>
      res.writeHead(200, { "strict-transport-security": HSTS[address] ?? "" }).end("ok"),
    );
    port = await listen(server, address, port);
    sites.push({ address, credential, server });
  }
});

afterAll(async () => {
  for (const { server } of sites) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  sites = [];
});

/** A DNS round-robin over both loopback addresses, counting its look-ups. */
function roundRobin(): LookupFunction & { calls: string[] } {
  const calls: string[] = [];
  const lookup = async (hostname: string) => {
    calls.push(hostname);
    return { address: calls.length % 2 === 1 ? "127.0.0.1" : "127.0.0.2" };
  };
  return Object.assign(lookup, { calls });
}

/** A connect seam recording each endpoint and the most connections open at once. */
function countingConnect(): ((endpoint: Endpoint) => Socket) & {
  endpoints: string[];
  maxOpen: () => number;
} {
  const endpoints: string[] = [];
  let open = 0;
  let max = 0;
  const connect = (endpoint: Endpoint): Socket => {
    endpoints.push(endpoint.address);
    const socket = netConnect({ host: endpoint.address, port: endpoint.port });
    open += 1;
    max = Math.max(max, open);
    // Open until the scanner ends or destroys it; the scanner frees the slot only on close.
    let counted = true;
    const done = (): void => {
      if (counted) open -= 1;
      counted = false;
    };
    const { end, destroy } = socket;
    socket.end = ((...args: Parameters<Socket["end"]>) => {
      done();
      return end.apply(socket, args);
    }) as Socket["end"];
    socket.destroy = ((error?: Error) => {
      done();
      return destroy.call(socket, error);
    }) as Socket["destroy"];
    return socket;
  };
  return Object.assign(connect, { endpoints, maxOpen: () => max });
}

const sha256 = (pem: string) =>
  createHash("sha256").update(new X509Certificate(pem).raw).digest("hex");

describe("scanTarget resolves a host name once and connects only to that address", () => {
  it("probes, certificate, HSTS and clients all reach the address the report names", async () => {
    const lookup = roundRobin();
    const connect = countingConnect();
    const report = await scanTarget(`https://svc.test:${port}/`, {
      lookup,
      connect,
      timeoutMs: 5000,
      clients: ["Android 9.0 (native)"],
    });
    expect(lookup.calls).toEqual(["svc.test"]);
    expect(report.target.address).toBe("127.0.0.1");
    expect(report.reachable).toBe(true);
    // The certificate is that of the server at 127.0.0.1 (RSA), not 127.0.0.2's (ECDSA).
    expect(report.certificate?.chain[0]?.sha256).toBe(sha256(sites[0]?.credential.certPem ?? ""));
    expect(report.certificate?.chain[0]?.keyType).toBe("rsa");
    expect(report.features.hsts).toMatchObject({ present: true, maxAge: 111 });
    expect(report.features.sessionResumption.ticket).not.toBeNull();
    expect(report.clients?.map((c) => [c.name, c.ok])).toEqual([["Android 9.0 (native)", true]]);
    // Every TCP connection of probes, handshakes and clients went to the one address.
    expect(connect.endpoints.length).toBeGreaterThan(20);
    expect(new Set(connect.endpoints)).toEqual(new Set(["127.0.0.1"]));
  });

  it("a failed look-up is one dns error and no connection at all", async () => {
    const connect = countingConnect();
    let calls = 0;
    const report = await scanTarget(`svc.test:${port}`, {
      connect,
      lookup: async () => {
        calls += 1;
        throw new Error("getaddrinfo ENOTFOUND svc.test");
      },
    });
    expect(calls).toBe(1);
    expect(report.target.address).toBeNull();
    expect(report.certificate).toBeNull();
    expect(report.errors).toEqual([
      { probe: "dns", code: "dns", message: "svc.test: getaddrinfo ENOTFOUND svc.test" },
    ]);
    expect(connect.endpoints).toEqual([]);
  });

  it("runs the full handshakes under the probes' connection limit", async () => {
    const connect = countingConnect();
    const report = await scanTarget(`localhost@127.0.0.1:${port}`, {
      connect,
      concurrency: 1,
      timeoutMs: 5000,
    });
    // The handshakes took place (ALPN and resumption are known only from them)...
    expect(report.features.alpn).toMatchObject({ selected: "http/1.1" });
    expect(report.features.sessionResumption.sessionId).not.toBeNull();
    expect(report.certificate?.chain[0]?.keyType).toBe("rsa");
    // ...and with a limit of 1, never beside a probe or each other.
    expect(connect.maxOpen()).toBe(1);
  });
});
