/**
 * NNTP and IRC have no small Debian server: a scripted RFC-faithful preamble (scripted-preamble.ts)
 * in front of a real `openssl s_server`. The full scan through the preamble equals the truth from
 * s_server's configuration, each suite confirmed by `openssl s_client -starttls nntp|irc` through
 * the same front; a refusal (IRC 421 to STARTTLS) names the step.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  confirmWithOpenSslClient,
  getCredential,
  opensslServerTruth,
  startOpenSslServer,
  startRawServer,
  type OpenSslServer,
  type RawServer,
} from "@tlsgate/testing";
import { scanTarget } from "../../src/scan/scan-target.js";
import { expectScanEqualsTruth } from "./daemon-truth.js";
import { startPreambleProxy } from "./scripted-preamble.js";

describe.each(["nntp", "irc"] as const)("%s (scripted preamble, real TLS)", (protocol) => {
  let backend: OpenSslServer;
  let front: RawServer;
  beforeAll(async () => {
    backend = await startOpenSslServer({
      credentials: [await getCredential("rsa2048")],
      cipher: "ECDHE+AESGCM:AES256-SHA",
      minProtocol: "TLSv1.2",
    });
    front = await startPreambleProxy(protocol, backend.port);
  });
  afterAll(async () => {
    await front?.stop();
    await backend?.stop();
  });

  it("a full scan equals s_server's truth, confirmed by s_client -starttls", async () => {
    const truth = await opensslServerTruth(backend.config);
    for (const version of ["TLSv1.2", "TLSv1.3"] as const) {
      for (const code of truth.cipherSuites[version]) {
        const handshake = await confirmWithOpenSslClient(
          { host: "127.0.0.1", port: front.port },
          { protocol: version, suites: [code], extraArgs: ["-starttls", protocol] },
        );
        expect({ version, code, ok: handshake.ok }).toEqual({ version, code, ok: true });
      }
    }
    const report = await scanTarget(`${protocol}://127.0.0.1:${front.port}`, { timeoutMs: 20_000 });
    expect(report.target.starttls?.protocol).toBe(protocol);
    expectScanEqualsTruth(report, truth);
  }, 300_000);
});

describe("refusals of the scripted protocols", () => {
  it("IRC: 421 to STARTTLS is the error, at the STARTTLS step", async () => {
    const server = await startRawServer(
      (socket) => {
        // A NOTICE first, as real servers send: the client skips it.
        socket.write(":irc.test NOTICE * :*** Looking up your hostname...\r\n");
        socket.on("data", () => socket.write(":irc.test 421 * STARTTLS :Unknown command\r\n"));
      },
      { waitForData: false },
    );
    try {
      const report = await scanTarget(`irc://127.0.0.1:${server.port}`, { timeoutMs: 10_000 });
      expect(report.errors).toEqual([
        {
          probe: "starttls/irc",
          code: "protocol",
          message: "starttls/irc: :irc.test 421 * STARTTLS :Unknown command (at STARTTLS)",
        },
      ]);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it("NNTP: 580 to STARTTLS is the error, at the STARTTLS step", async () => {
    const server = await startRawServer(
      (socket) => {
        socket.write("200 news.test ready\r\n");
        socket.on("data", () => socket.write("580 Can not initiate TLS negotiation\r\n"));
      },
      { waitForData: false },
    );
    try {
      const report = await scanTarget(`nntp://127.0.0.1:${server.port}`, { timeoutMs: 10_000 });
      expect(report.target.starttls).toEqual({ protocol: "nntp", banner: "200 news.test ready" });
      expect(report.errors.map((e) => e.message)).toEqual([
        "starttls/nntp: 580 Can not initiate TLS negotiation (at STARTTLS)",
      ]);
    } finally {
      await server.stop();
    }
  }, 60_000);
});
