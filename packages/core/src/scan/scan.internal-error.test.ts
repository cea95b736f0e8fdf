/**
 * A bug that throws in the middle of a scan (here: the progress callback, once, on the sixth
 * probe of the suites step) must not leave the work started beside it running once the scan has
 * returned: every connection the scan opened is closed by then, and none opens after (without
 * the fix, 20 did). Against a real node:tls server on loopback.
 */
import { connect as netConnect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNodeTlsServer, type TestServer } from "@tlsgate/testing";
import { scanDetailed } from "./scan.js";
import { targetOf } from "../../test/support/scan-truth.js";

describe("a scan that throws", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startNodeTlsServer({ minVersion: "TLSv1.2" });
  });
  afterAll(() => server.stop());

  it("ends what it started before it returns", async () => {
    const sockets: Socket[] = [];
    let reports = 0;
    let returned = false;
    let afterReturn = 0;
    const { report } = await scanDetailed(targetOf(server), {
      timeoutMs: 5000,
      retries: 0,
      // Few at once, so that work waits behind the one that throws.
      concurrency: 2,
      connect: (endpoint) => {
        const socket = netConnect(endpoint.port, endpoint.address);
        sockets.push(socket);
        if (returned) afterReturn += 1;
        return socket;
      },
      onProgress: (event) => {
        // Once only, in the middle of the suites: the probes running beside it carry on.
        if (event.step === "cipher suites" && ++reports === 6) {
          throw new Error("progress bug");
        }
      },
    });
    returned = true;
    // Long enough for a probe left queued behind the limiter to connect; with nothing left
    // running, none can, however long this is.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(afterReturn).toBe(0);
    expect(report.errors).toContainEqual({
      probe: "scan",
      code: "internal",
      message: "progress bug",
    });
    // The scan got as far as the suites, and the features and groups had started beside them.
    expect(report.protocols["TLSv1.2"]).toBe(true);
    expect(sockets.length).toBeGreaterThan(0);
    expect(sockets.filter((socket) => !socket.destroyed)).toEqual([]);
  });
});
