/**
 * Exim (GnuTLS) on loopback, SMTP and submission with STARTTLS: a full scan equals the truth from
 * its tls_require_ciphers priority (gnutls-cli --list), every suite and version confirmed by
 * `openssl s_client -starttls smtp`; without STARTTLS advertised, the EHLO step says so.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gnutlsCipherCodes, startExim, type Daemon } from "@tlsgate/testing";
import { scanTarget } from "../../src/scan/scan-target.js";
import { daemonTruth, expectScanEqualsTruth } from "./daemon-truth.js";

const PRIORITY = "NORMAL:-VERS-ALL:+VERS-TLS1.2:+VERS-TLS1.3";

describe("Exim", () => {
  let tls: Daemon;
  let plain: Daemon;
  beforeAll(async () => {
    [tls, plain] = await Promise.all([
      startExim({ priority: PRIORITY }),
      startExim({ priority: PRIORITY, tls: false }),
    ]);
  }, 240_000);
  afterAll(async () => {
    await Promise.all([tls?.stop(), plain?.stop()]);
  });

  it.each([
    ["smtp", "smtp", true],
    ["submission", "submission", false],
  ] as const)(
    "%s: a full scan equals the truth, confirmed by s_client -starttls smtp",
    async (scheme, port, confirmSuites) => {
      const suites = {
        "TLSv1.2": await gnutlsCipherCodes(PRIORITY, { keyTypes: ["rsa"], protocol: "TLSv1.2" }),
        "TLSv1.3": await gnutlsCipherCodes(PRIORITY, { keyTypes: ["rsa"], protocol: "TLSv1.3" }),
      };
      // The truth first, then the scan: Exim's default smtp_accept_max (20) answers a burst with
      // "421 Too many concurrent SMTP connections", which s_client does not retry (the scanner does).
      const truth = await daemonTruth({
        port: tls.ports[port] as number,
        starttls: "smtp",
        cipherString: PRIORITY,
        minProtocol: "TLSv1.2",
        serverPreference: false,
        suites,
        confirmSuites,
      });
      const report = await scanTarget(`${scheme}://localhost@127.0.0.1:${tls.ports[port]}`, {
        timeoutMs: 20_000,
        ehloName: "scanner.test",
      });
      expect(report.target.starttls?.banner).toMatch(/^220 localhost ESMTP Exim/);
      expect(report.features.alpn).toEqual({ offered: [], selected: null });
      // Exim (GnuTLS) sends no TLS 1.3 ticket within the wait: early data stays unknown.
      expectScanEqualsTruth(report, truth, ["earlyData"]);
    },
    300_000,
  );

  it("STARTTLS not advertised: the EHLO step says so, nothing is reported as 'no TLS'", async () => {
    const report = await scanTarget(`smtp://127.0.0.1:${plain.ports["smtp"]}`, {
      timeoutMs: 20_000,
    });
    expect(report.errors).toEqual([
      {
        probe: "starttls/smtp",
        code: "protocol",
        message: "starttls/smtp: STARTTLS not offered in the EHLO reply (at EHLO)",
      },
    ]);
    expect(report.protocols).toEqual({
      SSLv2: null,
      SSLv3: null,
      "TLSv1.0": null,
      "TLSv1.1": null,
      "TLSv1.2": null,
      "TLSv1.3": null,
    });
  }, 120_000);
});
