/**
 * vsftpd (FTP AUTH TLS) on loopback: a full scan equals the truth from its ssl_ciphers without
 * DHE (no DH parameters), every suite and version confirmed by `openssl s_client -starttls ftp`,
 * the DHE suites confirmed refused; with ssl_enable=NO, AUTH TLS is refused at its step.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  confirmWithOpenSslClient,
  opensslCipherCodes,
  startVsftpd,
  type Daemon,
} from "@tlsgate/testing";
import { cipherSuiteByCode } from "../../src/registry/index.js";
import { scanTarget } from "../../src/scan/scan-target.js";
import { DEFAULT_TLS13, daemonTruth, expectScanEqualsTruth } from "./daemon-truth.js";

const CIPHERS = "HIGH:!aNULL";
const isDhe = (code: string): boolean => cipherSuiteByCode(Number(code))?.kex === "DHE";

describe("vsftpd", () => {
  let tls: Daemon;
  let plain: Daemon;
  beforeAll(async () => {
    [tls, plain] = await Promise.all([
      startVsftpd({ ciphers: CIPHERS }),
      startVsftpd({ ciphers: CIPHERS, tls: false }),
    ]);
  }, 240_000);
  afterAll(async () => {
    await Promise.all([tls?.stop(), plain?.stop()]);
  });

  it("a full scan equals the truth, confirmed by s_client -starttls ftp", async () => {
    const port = tls.ports["ftp"] as number;
    const tls12 = await opensslCipherCodes(CIPHERS, "TLSv1.2", { keyTypes: ["rsa"] });
    const dhe = tls12.filter(isDhe);
    expect(dhe.length).toBeGreaterThan(0);
    for (const code of dhe) {
      const handshake = await confirmWithOpenSslClient(
        { host: "127.0.0.1", port },
        { protocol: "TLSv1.2", suites: [code], extraArgs: ["-starttls", "ftp"] },
      );
      expect({ code, ok: handshake.ok }).toEqual({ code, ok: false });
    }
    const truth = await daemonTruth({
      port,
      starttls: "ftp",
      cipherString: CIPHERS,
      minProtocol: "TLSv1.2",
      serverPreference: false,
      suites: { "TLSv1.2": tls12.filter((code) => !isDhe(code)), "TLSv1.3": DEFAULT_TLS13 },
    });
    const report = await scanTarget(`ftp://localhost@127.0.0.1:${port}`, { timeoutMs: 20_000 });
    expect(report.target.starttls).toEqual({ protocol: "ftp", banner: "220 (vsFTPd 3.0.3)" });
    expectScanEqualsTruth(report, truth);
  }, 300_000);

  it("ssl_enable=NO: AUTH TLS is refused at its step", async () => {
    const report = await scanTarget(`ftp://127.0.0.1:${plain.ports["ftp"]}`, { timeoutMs: 20_000 });
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]?.probe).toBe("starttls/ftp");
    expect(report.errors[0]?.message).toMatch(/^starttls\/ftp: 5\d\d .* \(at AUTH TLS\)$/);
    expect(report.cipherSuites).toBeNull();
  }, 120_000);
});
