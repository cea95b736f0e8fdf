/**
 * Dovecot on loopback: IMAP, POP3, LMTP, ManageSieve and submission with STARTTLS. Each full scan
 * equals the truth from ssl_cipher_list and ssl_min_protocol, confirmed by `openssl s_client
 * -starttls` (every suite through submission, the versions through each service); ssl = no is a
 * refusal naming the step; without ssl_dh (every DHE pick fails) the list is unknown, not short.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDovecot, type Daemon } from "@tlsgate/testing";
import { scanTarget } from "../../src/scan/scan-target.js";
import { daemonTruth, expectScanEqualsTruth } from "./daemon-truth.js";

const CIPHERS = "HIGH:!aNULL";
const SERVICES = [
  { service: "submission", scheme: "submission", sClient: "smtp", confirmSuites: true },
  { service: "imap", scheme: "imap", sClient: "imap", confirmSuites: false },
  { service: "pop3", scheme: "pop3", sClient: "pop3", confirmSuites: false },
  { service: "lmtp", scheme: "lmtp", sClient: "lmtp", confirmSuites: false },
  { service: "sieve", scheme: "sieve", sClient: "sieve", confirmSuites: false },
] as const;

describe("Dovecot", () => {
  let tls: Daemon;
  let plain: Daemon;
  let noDh: Daemon;
  beforeAll(async () => {
    [tls, plain, noDh] = await Promise.all([
      startDovecot({ ciphers: CIPHERS, minProtocol: "TLSv1.2" }),
      startDovecot({ ciphers: CIPHERS, minProtocol: "TLSv1.2", ssl: false }),
      startDovecot({ ciphers: CIPHERS, minProtocol: "TLSv1.2", dhParams: false }),
    ]);
  }, 240_000);
  afterAll(async () => {
    await Promise.all([tls?.stop(), plain?.stop(), noDh?.stop()]);
  });

  for (const { service, scheme, sClient, confirmSuites } of SERVICES) {
    it(`${service}: a full scan equals the truth, confirmed by s_client -starttls ${sClient}`, async () => {
      const port = tls.ports[service] as number;
      const [report, truth] = await Promise.all([
        scanTarget(`${scheme}://localhost@127.0.0.1:${port}`, { timeoutMs: 20_000 }),
        daemonTruth({
          port,
          starttls: sClient,
          cipherString: CIPHERS,
          minProtocol: "TLSv1.2",
          serverPreference: false,
          confirmSuites,
        }),
      ]);
      expect(report.target.starttls?.protocol).toBe(scheme === "submission" ? "smtp" : scheme);
      expect(report.target.starttls?.banner).toMatch(/Dovecot/);
      // Dovecot closes the connection on a fallback SCSV without sending the alert (openssl
      // s_client -fallback_scsv sees the same close): that fact stays unknown.
      expectScanEqualsTruth(report, truth, ["features/fallbackScsv"]);
    }, 300_000);
  }

  it.each([
    ["imap", "starttls/imap: T1 BAD"],
    ["pop3", "starttls/pop3: -ERR"],
    ["sieve", "starttls/sieve: STARTTLS not among the capabilities (at greeting)"],
    ["lmtp", "starttls/lmtp: STARTTLS not offered in the LHLO reply (at LHLO)"],
  ])(
    "ssl = no: %s reports the refusal at its step",
    async (scheme, message) => {
      const report = await scanTarget(`${scheme}://127.0.0.1:${plain.ports[scheme]}`, {
        timeoutMs: 20_000,
      });
      expect(report.reachable).toBe(true);
      expect(report.errors).toHaveLength(1);
      expect(report.errors[0]?.probe).toBe(`starttls/${scheme}`);
      expect(report.errors[0]?.message.startsWith(message)).toBe(true);
      expect(report.protocols["TLSv1.2"]).toBeNull();
      expect(report.cipherSuites).toBeNull();
    },
    120_000,
  );

  it("without ssl_dh every DHE pick fails: the TLS 1.2 list is unknown, not too short", async () => {
    const port = noDh.ports["imap"] as number;
    const report = await scanTarget(`imap://127.0.0.1:${port}`, { timeoutMs: 20_000 });
    expect(report.protocols["TLSv1.2"]).toBe(true);
    expect(report.cipherSuites).toBeNull();
    expect(report.errors.map((e) => e.probe)).toContain("cipherSuites/TLSv1.2");
  }, 120_000);
});
