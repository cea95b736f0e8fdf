/**
 * Prosody (XMPP, RFC 6120 STARTTLS) on loopback, client and server streams: a full scan equals
 * the truth from its ssl.ciphers without DHE (no DH parameters), every suite and version
 * confirmed by `openssl s_client -starttls xmpp` (the server port's versions by -starttls
 * xmpp-server), the DHE suites confirmed refused; a stream to a domain it does not serve is the
 * refusal, naming the stream error.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  confirmWithOpenSslClient,
  opensslCipherCodes,
  startProsody,
  type Daemon,
} from "@tlsgate/testing";
import { cipherSuiteByCode } from "../../src/registry/index.js";
import { scanTarget } from "../../src/scan/scan-target.js";
import { DEFAULT_TLS13, daemonTruth, expectScanEqualsTruth } from "./daemon-truth.js";

const CIPHERS = "HIGH:!aNULL";
const DOMAIN = "chat.test";
const isDhe = (code: string): boolean => cipherSuiteByCode(Number(code))?.kex === "DHE";

describe("Prosody", () => {
  let server: Daemon;
  beforeAll(async () => {
    server = await startProsody({ ciphers: CIPHERS, domain: DOMAIN });
  }, 240_000);
  afterAll(async () => {
    await server?.stop();
  });

  it.each([
    ["xmpp", true],
    ["xmpp-server", false],
  ] as const)(
    "%s: a full scan equals the truth, confirmed by s_client -starttls",
    async (scheme, confirmSuites) => {
      const port = server.ports[scheme] as number;
      const tls12 = await opensslCipherCodes(CIPHERS, "TLSv1.2", { keyTypes: ["rsa"] });
      if (confirmSuites) {
        for (const code of tls12.filter(isDhe)) {
          const handshake = await confirmWithOpenSslClient(
            { host: "127.0.0.1", port },
            {
              protocol: "TLSv1.2",
              suites: [code],
              extraArgs: ["-starttls", scheme, "-name", DOMAIN],
            },
          );
          expect({ code, ok: handshake.ok }).toEqual({ code, ok: false });
        }
      }
      const truth = await daemonTruth({
        port,
        starttls: scheme,
        name: DOMAIN,
        cipherString: CIPHERS,
        minProtocol: "TLSv1.2",
        serverPreference: false,
        suites: { "TLSv1.2": tls12.filter((code) => !isDhe(code)), "TLSv1.3": DEFAULT_TLS13 },
        confirmSuites,
      });
      const report = await scanTarget(`${scheme}://${DOMAIN}@127.0.0.1:${port}`, {
        timeoutMs: 20_000,
      });
      expect(report.target.starttls).toEqual({ protocol: scheme, banner: DOMAIN });
      expectScanEqualsTruth(report, truth);
    },
    300_000,
  );

  it("a domain the server does not host: the stream error is the refusal", async () => {
    const report = await scanTarget(`xmpp://127.0.0.1:${server.ports["xmpp"]}`, {
      timeoutMs: 20_000,
      xmppDomain: "other.test",
    });
    expect(report.errors).toEqual([
      {
        probe: "starttls/xmpp",
        code: "protocol",
        message: "starttls/xmpp: stream error host-unknown (at stream features)",
      },
    ]);
  }, 120_000);
});
