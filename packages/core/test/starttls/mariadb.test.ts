/**
 * MariaDB (the SSL request in the MySQL handshake) on loopback: a full scan equals the truth from
 * --ssl-cipher and --tls-version, confirmed by `openssl s_client -starttls mysql`; a server
 * without a certificate does not offer CLIENT_SSL, and the report says so at the handshake step.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMariaDb, type Daemon } from "@tlsgate/testing";
import { scanTarget } from "../../src/scan/scan-target.js";
import { daemonTruth, expectScanEqualsTruth } from "./daemon-truth.js";

const CIPHERS = "HIGH:!aNULL";

describe("MariaDB", () => {
  let tls: Daemon;
  let plain: Daemon;
  beforeAll(async () => {
    [tls, plain] = await Promise.all([
      startMariaDb({ ciphers: CIPHERS, tlsVersions: "TLSv1.2,TLSv1.3" }),
      startMariaDb({ ciphers: CIPHERS, tlsVersions: "TLSv1.2,TLSv1.3", ssl: false }),
    ]);
  }, 240_000);
  afterAll(async () => {
    await Promise.all([tls?.stop(), plain?.stop()]);
  });

  it("a full scan equals the truth, confirmed by s_client -starttls mysql", async () => {
    const port = tls.ports["mysql"] as number;
    const truth = await daemonTruth({
      port,
      starttls: "mysql",
      cipherString: CIPHERS,
      minProtocol: "TLSv1.2",
      serverPreference: false,
    });
    const report = await scanTarget(`mysql://localhost@127.0.0.1:${port}`, { timeoutMs: 20_000 });
    expect(report.target.starttls?.banner).toMatch(/MariaDB/);
    expectScanEqualsTruth(report, truth);
  }, 300_000);

  it("no certificate: no CLIENT_SSL in the greeting is the error", async () => {
    const report = await scanTarget(`mysql://127.0.0.1:${plain.ports["mysql"]}`, {
      timeoutMs: 20_000,
    });
    expect(report.errors).toEqual([
      {
        probe: "starttls/mysql",
        code: "protocol",
        message: "starttls/mysql: the server does not offer TLS (no CLIENT_SSL) (at handshake)",
      },
    ]);
    expect(report.cipherSuites).toBeNull();
  }, 120_000);
});
