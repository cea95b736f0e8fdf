/**
 * PostgreSQL (SSLRequest) on loopback: a full scan through the preamble equals the truth from its
 * ssl_ciphers and ssl_min_protocol_version, confirmed by `openssl s_client -starttls postgres`;
 * a server with ssl = off refuses, and the report says so at the step.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgres, type Daemon } from "@tlsgate/testing";
import { scanTarget } from "../../src/scan/scan-target.js";
import { daemonTruth, expectScanEqualsTruth } from "./daemon-truth.js";

const CIPHERS = "HIGH:!aNULL:!ARIA:!CAMELLIA";

describe("PostgreSQL", () => {
  let tls: Daemon;
  let plain: Daemon;
  beforeAll(async () => {
    [tls, plain] = await Promise.all([
      startPostgres({ ciphers: CIPHERS, minProtocol: "TLSv1.2" }),
      startPostgres({ ciphers: CIPHERS, minProtocol: "TLSv1.2", ssl: false }),
    ]);
  }, 240_000);
  afterAll(async () => {
    await Promise.all([tls?.stop(), plain?.stop()]);
  });

  it("a full scan equals the configured truth, confirmed by s_client -starttls postgres", async () => {
    const port = tls.ports["postgres"] as number;
    const [report, truth] = await Promise.all([
      scanTarget(`postgres://localhost@127.0.0.1:${port}`, { timeoutMs: 20_000 }),
      daemonTruth({
        port,
        starttls: "postgres",
        cipherString: CIPHERS,
        minProtocol: "TLSv1.2",
        // PostgreSQL sets ssl_prefer_server_ciphers = on by default.
        serverPreference: true,
      }),
    ]);
    expect(report.target.starttls).toEqual({ protocol: "postgres", banner: null });
    expect(report.target.web).toBe(false);
    // PostgreSQL issues no session tickets (SSL_OP_NO_TICKET): early data stays unknown.
    expectScanEqualsTruth(report, truth, ["earlyData"]);
    expect(report.certificate?.chain[0]?.subject).toContain("localhost");
  }, 300_000);

  it("ssl = off: the SSLRequest's 'N' is an error naming the step, every fact unknown", async () => {
    const port = plain.ports["postgres"] as number;
    const report = await scanTarget(`127.0.0.1:${port}`, {
      timeoutMs: 20_000,
      starttls: "postgres",
    });
    expect(report.reachable).toBe(true);
    expect(report.errors).toEqual([
      {
        probe: "starttls/postgres",
        code: "protocol",
        message: "starttls/postgres: N (the server does not accept TLS) (at SSLRequest)",
      },
    ]);
    expect(report.protocols["TLSv1.2"]).toBeNull();
    expect(report.cipherSuites).toBeNull();
  }, 120_000);
});
