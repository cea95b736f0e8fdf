/**
 * OpenLDAP slapd (GnuTLS, StartTLS extended operation) on loopback: a full scan equals the truth
 * from its TLSCipherSuite priority without DHE (no DH parameters configured), every suite and
 * version confirmed by `openssl s_client -starttls ldap`, the DHE suites confirmed refused; a
 * slapd without a certificate refuses StartTLS and the report names the result code.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  confirmWithOpenSslClient,
  gnutlsCipherCodes,
  startSlapd,
  type Daemon,
} from "@tlsgate/testing";
import { cipherSuiteByCode } from "../../src/registry/index.js";
import { scanTarget } from "../../src/scan/scan-target.js";
import { daemonTruth, expectScanEqualsTruth } from "./daemon-truth.js";

const PRIORITY = "NORMAL:-VERS-ALL:+VERS-TLS1.2:+VERS-TLS1.3";
const isDhe = (code: string): boolean => cipherSuiteByCode(Number(code))?.kex === "DHE";

describe("slapd", () => {
  let tls: Daemon;
  let plain: Daemon;
  beforeAll(async () => {
    [tls, plain] = await Promise.all([
      startSlapd({ priority: PRIORITY }),
      startSlapd({ priority: PRIORITY, tls: false }),
    ]);
  }, 240_000);
  afterAll(async () => {
    await Promise.all([tls?.stop(), plain?.stop()]);
  });

  it("a full scan equals the truth, confirmed by s_client -starttls ldap", async () => {
    const port = tls.ports["ldap"] as number;
    const tls12 = await gnutlsCipherCodes(PRIORITY, { keyTypes: ["rsa"], protocol: "TLSv1.2" });
    const suites = {
      "TLSv1.2": tls12.filter((code) => !isDhe(code)),
      "TLSv1.3": await gnutlsCipherCodes(PRIORITY, { keyTypes: ["rsa"], protocol: "TLSv1.3" }),
    };
    const dhe = tls12.filter(isDhe);
    expect(dhe.length).toBeGreaterThan(0);
    for (const code of dhe) {
      const handshake = await confirmWithOpenSslClient(
        { host: "127.0.0.1", port },
        { protocol: "TLSv1.2", suites: [code], extraArgs: ["-starttls", "ldap"] },
      );
      expect({ code, ok: handshake.ok }).toEqual({ code, ok: false });
    }
    const truth = await daemonTruth({
      port,
      starttls: "ldap",
      cipherString: PRIORITY,
      minProtocol: "TLSv1.2",
      serverPreference: false,
      suites,
    });
    const report = await scanTarget(`ldap://localhost@127.0.0.1:${port}`, { timeoutMs: 20_000 });
    expect(report.target.starttls).toEqual({ protocol: "ldap", banner: null });
    // slapd (GnuTLS) closes on a fallback SCSV without the alert: that fact stays unknown.
    // No TLS 1.3 ticket from slapd within the wait either: early data stays unknown.
    expectScanEqualsTruth(report, truth, ["features/fallbackScsv", "earlyData"]);
  }, 300_000);

  it("no certificate: StartTLS is refused with its result code", async () => {
    const report = await scanTarget(`ldap://127.0.0.1:${plain.ports["ldap"]}`, {
      timeoutMs: 20_000,
    });
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]?.probe).toBe("starttls/ldap");
    expect(report.errors[0]?.message).toMatch(/^starttls\/ldap: resultCode \d+ \(\w+\)/);
    expect(report.cipherSuites).toBeNull();
  }, 120_000);
});
