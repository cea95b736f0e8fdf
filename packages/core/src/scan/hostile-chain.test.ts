/**
 * A real node:tls server that serves a hostile chain: its leaf followed by CA certificates that
 * all certify one another. Path building is bounded (cert/trust.ts), so the scan judges the chain
 * and says where it stopped; before, 15 such certificates blocked the event loop for over a
 * minute. The work is counted in cert/trust-limits.test.ts; here the whole scan must finish (the
 * test's timeout is the bound) with the cut named in the report.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNodeTlsServer } from "@tlsgate/testing";
import { PKI_NOW, createCrossSignedMesh } from "@tlsgate/testing/pki";
import { scanTarget } from "./scan-target.js";

type Server = Awaited<ReturnType<typeof startNodeTlsServer>>;
let mesh20: Server;
let mesh40: Server;

beforeAll(async () => {
  const [twenty, forty] = await Promise.all([
    createCrossSignedMesh({ certificates: 20, cas: 2, name: "e2e20" }),
    createCrossSignedMesh({ certificates: 40, cas: 2, name: "e2e40" }),
  ]);
  const serve = (mesh: typeof twenty): Promise<Server> =>
    startNodeTlsServer({
      key: mesh.leaf.keyPem,
      cert: [mesh.leaf.pem, ...mesh.crossCertificates.map((c) => c.pem)].join("\n"),
      minVersion: "TLSv1.2",
    });
  [mesh20, mesh40] = await Promise.all([serve(twenty), serve(forty)]);
}, 60_000);

afterAll(async () => {
  await Promise.all([mesh20.stop(), mesh40.stop()]);
});

describe("a server serving mutually-issuing CA certificates", () => {
  it("is judged with the search cut at its caps, and the report says so", async () => {
    const report = await scanTarget(`127.0.0.1:${mesh20.port}`, { timeoutMs: 5000, now: PKI_NOW });
    const certificate = report.certificate!;
    expect(certificate.chain).toHaveLength(21);
    // The search was cut: whether a trusted path exists is unknown, not false.
    expect(certificate.trusted).toBeNull();
    expect(certificate.trustError).toBe("path-limit");
    expect(certificate.chainComplete).toBeNull();
    expect(report.errors.map((e) => e.message)).toContainEqual(
      expect.stringMatching(/^path building was cut: /),
    );
  }, 60_000);

  it("judges at most 32 of 41 served certificates and names the cut", async () => {
    const report = await scanTarget(`127.0.0.1:${mesh40.port}`, { timeoutMs: 5000, now: PKI_NOW });
    expect(report.certificate!.chain).toHaveLength(32);
    expect(report.errors.map((e) => e.message)).toContain(
      "the server sent 41 certificates: only the first 32 were judged",
    );
    expect(report.certificate!.trustError).toBe("path-limit");
  }, 60_000);
});
