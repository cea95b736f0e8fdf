/**
 * One test per failure class of the client simulation, against real servers where a local stack
 * produces the failure, and against scripted raw servers where none does (an alert of choice, a
 * silent close, a choice the client never offered, no answer at all).
 */
import type { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { clientProfileByName } from "../registry/index.js";
import type { ClientProfile } from "../registry/index.js";
import type { ClientSimulation, ScanReport } from "../scan-report/types.js";
import { sampleReport } from "../../test/support/sample-report.js";
import {
  createCredential,
  dhParams,
  getCredential,
  startOpenSslServer,
  startRawServer,
} from "@tlsgate/testing";
import type { OpenSslServerOptions } from "@tlsgate/testing";
import {
  ALERT_DESCRIPTION,
  ALERT_LEVEL,
  CONTENT_TYPE,
  HANDSHAKE_TYPE,
  encodeAlert,
  encodeHandshake,
  encodeRecord,
  encodeServerHello,
} from "../wire/index.js";
import { simulateClients } from "./clients.js";
import { scanTarget } from "./scan-target.js";

const profile = (name: string): ClientProfile => {
  const found = clientProfileByName(name);
  if (found === undefined) throw new Error(`no profile ${name}`);
  return found;
};

/** Scans a real server (so the diagnosis has the scan's findings) with these clients. */
async function againstOpenSsl(
  options: OpenSslServerOptions,
  clients: string[],
): Promise<{ report: ScanReport; byName: Map<string, ClientSimulation> }> {
  const server = await startOpenSslServer(options);
  try {
    const report = await scanTarget(`localhost@127.0.0.1:${server.port}`, { clients });
    return { report, byName: new Map((report.clients ?? []).map((c) => [c.name, c])) };
  } finally {
    await server.stop();
  }
}

const TIMEOUT = 60_000;

describe("client simulation failure reasons", () => {
  it(
    "no-shared-protocol: the client is too old for the server, or the server too old for it",
    async () => {
      const modern = await againstOpenSsl({ protocol: "TLSv1.3" }, ["Android 8.1 (native)"]);
      expect(modern.byName.get("Android 8.1 (native)")).toMatchObject({
        ok: false,
        protocol: null,
        reasonCode: "no-shared-protocol",
        reason:
          "no shared protocol: the client (TLSv1.0–TLSv1.2) is older than the server (TLSv1.3) (the server sent alert protocol_version (70))",
      });
      const old = await againstOpenSsl({ protocol: "TLSv1.0", cipher: "ALL:@SECLEVEL=0" }, [
        "Android 13/14 (native)",
      ]);
      expect(old.byName.get("Android 13/14 (native)")).toMatchObject({
        ok: false,
        reasonCode: "no-shared-protocol",
      });
      expect(old.byName.get("Android 13/14 (native)")?.reason).toMatch(
        /^no shared protocol: the server \(TLSv1\.0\) is older than the client \(TLSv1\.2–TLSv1\.3\)/,
      );
      // Without a scan to compare with, the alert alone says so.
      const server = await startOpenSslServer({ protocol: "TLSv1.3" });
      try {
        const [alone] = await simulateClients(
          { address: "127.0.0.1", port: server.port },
          { sni: "localhost", profiles: ["Android 8.1 (native)"] },
        );
        expect(alone).toMatchObject({
          ok: false,
          reasonCode: "no-shared-protocol",
          reason:
            "no shared protocol: the server refused the client's TLSv1.0–TLSv1.2 (the server sent alert protocol_version (70))",
        });
      } finally {
        await server.stop();
      }
    },
    TIMEOUT,
  );

  it(
    "no-shared-cipher: only ECDSA suites on the server, none in the client",
    async () => {
      const { byName } = await againstOpenSsl(
        {
          credentials: [await getCredential("ecdsa-p256")],
          cipher: "aECDSA:@SECLEVEL=0",
          minProtocol: "TLSv1.0",
          maxProtocol: "TLSv1.2",
        },
        ["Android 2.3.7", "Android 4.4.2"],
      );
      expect(byName.get("Android 2.3.7")).toMatchObject({
        ok: false,
        reasonCode: "no-shared-cipher",
      });
      expect(byName.get("Android 2.3.7")?.reason).toMatch(
        /^no shared cipher suite in TLSv1\.0: the server accepts \d+ \(TLS_ECDHE_ECDSA_WITH_.*\), the client offers 15 others; the server only has ECDSA-authenticated suites and the client offers none \(the server sent alert handshake_failure \(40\)\)$/,
      );
      expect(byName.get("Android 4.4.2")).toMatchObject({ ok: true, protocol: "TLSv1.2" });
    },
    TIMEOUT,
  );

  it(
    "no-shared-group: the server's only group is one the client does not offer",
    async () => {
      const tls13 = await againstOpenSsl({ protocol: "TLSv1.3", groups: "P-521" }, [
        "Chromium 137 (Win 11)",
        "Firefox 137 (Win 11)",
      ]);
      expect(tls13.byName.get("Chromium 137 (Win 11)")).toMatchObject({
        ok: false,
        reasonCode: "no-shared-group",
      });
      expect(tls13.byName.get("Chromium 137 (Win 11)")?.reason).toMatch(
        /^no shared key-exchange group in TLSv1\.3: the server accepts secp521r1; the client offers X25519MLKEM768, x25519, secp256r1, secp384r1 \(the server sent alert handshake_failure \(40\)\)$/,
      );
      // Firefox offers secp521r1 without a key share for it: a HelloRetryRequest names it.
      expect(tls13.byName.get("Firefox 137 (Win 11)")).toMatchObject({
        ok: true,
        protocol: "TLSv1.3",
        group: "secp521r1",
      });
      const tls12 = await againstOpenSsl(
        { protocol: "TLSv1.2", cipher: "ECDHE+AESGCM", groups: "P-521" },
        ["Chromium 137 (Win 11)"],
      );
      expect(tls12.byName.get("Chromium 137 (Win 11)")).toMatchObject({
        ok: false,
        reasonCode: "no-shared-group",
      });
      expect(tls12.byName.get("Chromium 137 (Win 11)")?.reason).toMatch(
        /^no shared key-exchange group in TLSv1\.2: the server accepts secp521r1;/,
      );
    },
    TIMEOUT,
  );

  it(
    "no-shared-signature: a certificate the client cannot verify a signature of",
    async () => {
      // TLS 1.3 binds ECDSA to the curve: Chrome has no ecdsa_secp521r1_sha512.
      const p521 = await createCredential({ key: { type: "ecdsa", curve: "P-521" } });
      const { byName } = await againstOpenSsl({ protocol: "TLSv1.3", credentials: [p521] }, [
        "Chromium 137 (Win 11)",
        "Firefox 137 (Win 11)",
      ]);
      expect(byName.get("Chromium 137 (Win 11)")).toMatchObject({
        ok: false,
        reasonCode: "no-shared-signature",
      });
      expect(byName.get("Chromium 137 (Win 11)")?.reason).toMatch(
        /^no shared signature algorithm: the server's certificate key is ECDSA secp521r1 and none of the client's signature algorithms can sign with it in TLSv1\.3 \(the client offers ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, rsa_pkcs1_sha256, ecdsa_secp384r1_sha384 and 4 more\) \(the server sent alert handshake_failure \(40\)\)$/,
      );
      expect(byName.get("Firefox 137 (Win 11)")).toMatchObject({ ok: true, protocol: "TLSv1.3" });
      // A server that signs only with RSA-PSS, and a TLS 1.2 client without it: protocol, suite
      // and group are shared, so the signature is what is left.
      const pss = await againstOpenSsl(
        { protocol: "TLSv1.2", cipher: "ECDHE+AESGCM", sigalgs: "RSA-PSS+SHA256" },
        ["IE 11 Win 10", "Edge 133 Win 11 23H2"],
      );
      expect(pss.byName.get("IE 11 Win 10")).toMatchObject({
        ok: false,
        reasonCode: "no-shared-signature",
      });
      expect(pss.byName.get("IE 11 Win 10")?.reason).toMatch(
        /^no shared signature algorithm or certificate type: protocol TLSv1\.2, a cipher suite and a group are shared, yet the server found no signature algorithm it will use among the client's \(the client offers rsa_pkcs1_sha256, /,
      );
      expect(pss.byName.get("Edge 133 Win 11 23H2")).toMatchObject({ ok: true });
    },
    TIMEOUT,
  );

  it(
    "client-rejects: the server's choice is outside the client's limits",
    async () => {
      // Java 7 cannot use DH primes over 1024 bits (the classic Java 7 outage).
      const dh = await againstOpenSsl(
        {
          cipher: "DHE-RSA-AES128-SHA:@SECLEVEL=0",
          minProtocol: "TLSv1.0",
          maxProtocol: "TLSv1.2",
          dhparam: dhParams(2048).path,
        },
        ["Java 7u25"],
      );
      expect(dh.byName.get("Java 7u25")).toMatchObject({
        ok: false,
        protocol: "TLSv1.0",
        cipher: "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
        group: "ffdhe2048",
        dhBits: 2048,
        reasonCode: "client-rejects",
        reason:
          "the client cannot use the server's 2048-bit DH group: it supports at most 1024 bits",
      });
      // OpenSSL 3.5 refuses RSA keys under 2048 bits: in TLS 1.2 from the Certificate message,
      // in TLS 1.3 (encrypted) from the certificate the scan saw.
      const rsa1024 = await getCredential("rsa1024");
      for (const protocol of ["TLSv1.2", "TLSv1.3"] as const) {
        const small = await againstOpenSsl(
          { protocol, credentials: [rsa1024], cipher: "DEFAULT:@SECLEVEL=1" },
          ["OpenSSL 3.5.0 (git)", "Android 13/14 (native)"],
        );
        expect(small.byName.get("OpenSSL 3.5.0 (git)"), protocol).toMatchObject({
          ok: false,
          protocol,
          reasonCode: "client-rejects",
          reason:
            "the client refuses the server's 1024-bit RSA key: it requires at least 2048 bits",
        });
        expect(small.byName.get("Android 13/14 (native)")).toMatchObject({ ok: true, protocol });
      }
      // A server that picks a suite the client never offered.
      const raw = await startRawServer((socket) => {
        const hello = encodeServerHello({
          legacyVersion: 0x0303,
          random: new Uint8Array(32).fill(7),
          cipherSuite: 0x0001,
          extensions: [],
        });
        const flight = [
          encodeHandshake(HANDSHAKE_TYPE.server_hello, hello),
          encodeHandshake(HANDSHAKE_TYPE.server_hello_done, new Uint8Array(0)),
        ];
        for (const message of flight) {
          socket.write(encodeRecord(CONTENT_TYPE.handshake, 0x0303, message));
        }
        socket.end();
      });
      try {
        const [chrome] = await simulateClients(
          { address: "127.0.0.1", port: raw.port },
          { sni: "localhost", profiles: ["Chromium 137 (Win 11)"] },
        );
        expect(chrome).toMatchObject({
          ok: false,
          protocol: "TLSv1.2",
          cipher: "TLS_RSA_WITH_NULL_MD5",
          reasonCode: "client-rejects",
          reason: "the server chose TLS_RSA_WITH_NULL_MD5, which the client does not offer",
        });
      } finally {
        await raw.stop();
      }
    },
    TIMEOUT,
  );

  it("server-alert: an alert no comparison explains, by name and number", async () => {
    const alerting = (description: number) =>
      startRawServer((socket: Socket) => {
        socket.end(
          encodeRecord(CONTENT_TYPE.alert, 0x0303, encodeAlert(ALERT_LEVEL.fatal, description)),
        );
      });
    const named = await alerting(ALERT_DESCRIPTION.unrecognized_name);
    const generic = await alerting(ALERT_DESCRIPTION.handshake_failure);
    try {
      const endpoint = { address: "127.0.0.1", port: named.port };
      const [sni] = await simulateClients(endpoint, {
        sni: "wrong.example",
        profiles: ["Firefox 137 (Win 11)"],
        // Even with a scan that says everything is shared, the alert names its own cause.
        server: sampleReport(),
      });
      expect(sni).toMatchObject({
        ok: false,
        reasonCode: "server-alert",
        reason: "the server sent alert unrecognized_name (112)",
      });
      const [handshake] = await simulateClients(
        { address: "127.0.0.1", port: generic.port },
        { sni: "localhost", profiles: ["Firefox 137 (Win 11)"] },
      );
      expect(handshake).toMatchObject({
        ok: false,
        reasonCode: "server-alert",
        reason:
          "the server sent alert handshake_failure (40): no shared cipher suite, group or signature algorithm (a full scan tells which)",
      });
    } finally {
      await Promise.all([named.stop(), generic.stop()]);
    }
  });

  it("server-closed: the server hangs up on the hello without a word", async () => {
    const closing = await startRawServer((socket) => {
      socket.end();
    });
    try {
      const endpoint = { address: "127.0.0.1", port: closing.port };
      const [alone] = await simulateClients(endpoint, {
        sni: "localhost",
        profiles: ["Firefox 137 (Win 11)"],
      });
      expect(alone).toMatchObject({
        ok: false,
        reasonCode: "server-closed",
        reason: "the server closed the connection without an alert",
      });
      // With a scan in which Firefox shares everything with the server, the close stays a close.
      const [scanned] = await simulateClients(endpoint, {
        sni: "localhost",
        profiles: ["Firefox 137 (Win 11)"],
        server: sampleReport(),
      });
      expect(scanned).toMatchObject({
        ok: false,
        reasonCode: "server-closed",
        reason:
          "the server closed the connection without an alert, although TLSv1.3, a cipher suite and a group are shared",
      });
    } finally {
      await closing.stop();
    }
  });

  it("connection-failed: no answer or no listener is inconclusive, never a refusal", async () => {
    const silent = await startRawServer(() => {});
    const gone = await startRawServer(() => {});
    await gone.stop();
    try {
      const [quiet] = await simulateClients(
        { address: "127.0.0.1", port: silent.port },
        { sni: "localhost", profiles: ["Firefox 137 (Win 11)"], timeoutMs: 300, retries: 0 },
      );
      expect(quiet).toMatchObject({
        ok: null,
        protocol: null,
        reasonCode: "connection-failed",
      });
      expect(quiet?.reason).toMatch(/^connection failure \(inconclusive\): timeout: /);
      const [refused] = await simulateClients(
        { address: "127.0.0.1", port: gone.port },
        { sni: "localhost", profiles: ["Firefox 137 (Win 11)"], retries: 1, timeoutMs: 1000 },
      );
      expect(refused).toMatchObject({ ok: null, reasonCode: "connection-failed" });
      expect(refused?.reason).toMatch(/^connection failure \(inconclusive\): refused: /);
    } finally {
      await silent.stop();
    }
  });

  it("judges profiles passed directly, in their order", async () => {
    const server = await startOpenSslServer({ protocol: "TLSv1.3" });
    try {
      const results = await simulateClients(
        { address: "127.0.0.1", port: server.port },
        {
          sni: null,
          profiles: [profile("Firefox 137 (Win 11)"), profile("Java 7u25")],
          concurrency: 1,
        },
      );
      expect(results.map((r) => [r.name, r.ok])).toEqual([
        ["Firefox 137 (Win 11)", true],
        ["Java 7u25", false],
      ]);
    } finally {
      await server.stop();
    }
  });
});
