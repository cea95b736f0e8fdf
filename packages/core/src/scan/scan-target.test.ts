/**
 * scanTarget() merges the probes with the full handshake; where node:tls cannot complete one, the
 * certificate is judged from the raw chain the prober read, and the handshake-only features stay
 * unknown with a reason.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCredential, startGnutlsServer } from "@tlsgate/testing";
import type { GnutlsServer } from "@tlsgate/testing";
import { validateScanReport } from "../scan-report/validate.js";
import { scanTarget } from "./scan-target.js";

let rc4Only: GnutlsServer;

beforeAll(async () => {
  // RC4 is the one suite: OpenSSL 3 (and so node:tls) has no RC4 and cannot finish a handshake.
  rc4Only = await startGnutlsServer({
    priority: "NONE:+VERS-TLS1.2:+ARCFOUR-128:+RSA:+SHA1:+COMP-NULL:+SIGN-ALL:+CTYPE-X509",
    credentials: [await getCredential("rsa2048")],
  });
});

afterAll(async () => {
  await rc4Only?.stop();
});

describe("scanTarget", () => {
  it("judges the prober's raw chain when node:tls cannot handshake", async () => {
    const credential = await getCredential("rsa2048");
    const report = await scanTarget(`localhost@127.0.0.1:${rc4Only.port}`, { timeoutMs: 3000 });
    expect(validateScanReport(report).valid).toBe(true);
    expect(report.cipherSuites?.map((s) => s.iana)).toEqual(["TLS_RSA_WITH_RC4_128_SHA"]);
    const leaf = report.certificate?.chain[0];
    expect(leaf?.keyType).toBe("rsa");
    expect(leaf?.keyBits).toBe(credential.keyBits);
    expect(report.certificate?.hostnameMatch).toBe(true);
    expect(report.certificate?.trusted).toBe(false);
    // No handshake, so nothing about resumption or ALPN can be said: unknown, with a reason.
    expect(report.features.sessionResumption).toEqual({ sessionId: null, ticket: null });
    expect(report.features.alpn).toBeNull();
    expect(report.errors.some((e) => e.probe === "handshake")).toBe(true);
  });
});
