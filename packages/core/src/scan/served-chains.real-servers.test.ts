/**
 * Every served chain, chain completeness and OCSP stapling against real servers: openssl s_server
 * (-cert/-dcert, -cert_chain, -status_file, NULL only), nginx with two ssl_certificates and
 * gnutls-serv speaking RC4 only (node:tls cannot) with --ocsp-response. Ground truth is the server's
 * configuration (the files it was given), confirmed by a second client: openssl s_client
 * (-showcerts, -status) or gnutls-cli (--save-ocsp, read back with `openssl ocsp`).
 */
import { X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  getCredential,
  harnessTempDir,
  runCommand,
  startGnutlsServer,
  startNginxServer,
  startOpenSslServer,
  type CertKeyPair,
  type TestServer,
} from "@tlsgate/testing";
import { createOcspCa, type OcspCa, type OcspStaple } from "@tlsgate/testing/ocsp-ca";
import {
  PKI_NOW,
  createCertificate,
  createChain,
  pemBundle,
  writeServerFiles,
  type TestCertificate,
  type TestChain,
} from "@tlsgate/testing/pki";
import type { CertificateReport, ScanReport } from "../scan-report/types.js";
import { scanTarget } from "./scan-target.js";

const TEST_TIMEOUT = 180_000;

const fingerprint = (pem: string): string =>
  new X509Certificate(pem).fingerprint256.replace(/:/g, "").toLowerCase();

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** What openssl s_client got: the chain (fingerprints and certificates, leaf first) and its output. */
async function sClient(port: number, args: readonly string[]) {
  const result = await runCommand(
    "openssl",
    [
      "s_client",
      "-connect",
      `127.0.0.1:${port}`,
      "-servername",
      "localhost",
      "-showcerts",
      ...args,
    ],
    { timeoutMs: 30_000 },
  );
  const pems = result.stdout.match(PEM_BLOCK) ?? [];
  return {
    fingerprints: pems.map(fingerprint),
    certificates: pems.map((pem) => new X509Certificate(pem)),
    output: result.stdout,
  };
}

async function scan(port: number, options: { now?: Date; ca?: string[] } = {}) {
  return scanTarget(`localhost@127.0.0.1:${port}`, {
    timeoutMs: 10_000,
    concurrency: 4,
    ...options,
  });
}

async function withServer<T>(server: TestServer, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } finally {
    await server.stop();
  }
}

/** Leaf fingerprint by key type, one entry per chain. */
function leavesByKeyType(report: ScanReport): Record<string, string | undefined> {
  return Object.fromEntries(
    (report.certificates ?? []).map((certificate) => [
      certificate.keyType,
      certificate.chain[0]?.sha256,
    ]),
  );
}

describe("every served chain: dual RSA and ECDSA certificates", () => {
  let rsa: CertKeyPair;
  let ecdsa: CertKeyPair;
  beforeAll(async () => {
    rsa = await getCredential("rsa2048");
    ecdsa = await getCredential("ecdsa-p256");
  });

  /** The server's two certificates, confirmed: s_client gets each for its signature algorithms. */
  async function confirmDual(port: number) {
    const truth = {
      rsa: fingerprint(readFileSync(rsa.certPath, "utf8")),
      ecdsa: fingerprint(readFileSync(ecdsa.certPath, "utf8")),
    };
    for (const protocol of ["-tls1_2", "-tls1_3"]) {
      const gotEcdsa = await sClient(port, [protocol, "-sigalgs", "ECDSA+SHA256:ECDSA+SHA384"]);
      expect(gotEcdsa.fingerprints[0]).toBe(truth.ecdsa);
      const gotRsa = await sClient(port, [protocol, "-sigalgs", "RSA-PSS+SHA256:RSA+SHA256"]);
      expect(gotRsa.fingerprints[0]).toBe(truth.rsa);
    }
    return truth;
  }

  function expectBothChains(report: ScanReport, truth: { rsa: string; ecdsa: string }) {
    expect(report.certificates).toHaveLength(2);
    expect(leavesByKeyType(report)).toEqual(truth);
    for (const certificate of report.certificates ?? []) {
      // Each is a self-signed certificate, judged on its own.
      expect(certificate).toMatchObject({
        trusted: false,
        trustError: "self-signed",
        chainComplete: true,
        hostnameMatch: true,
        ocspStapled: false,
        ocsp: null,
      });
      expect(certificate.chain).toHaveLength(1);
    }
    // The default chain is one of them, and listed first.
    expect(report.certificates?.[0]).toEqual(report.certificate);
  }

  it(
    "openssl s_server -cert RSA -dcert ECDSA",
    async () => {
      const server = await startOpenSslServer({
        credentials: [rsa, ecdsa],
        www: true,
      });
      await withServer(server, async () => {
        const truth = await confirmDual(server.port);
        expectBothChains(await scan(server.port), truth);
      });
    },
    TEST_TIMEOUT,
  );

  it(
    "nginx with two ssl_certificate",
    async () => {
      const server = await startNginxServer({ credentials: [rsa, ecdsa] });
      await withServer(server, async () => {
        const truth = await confirmDual(server.port);
        expectBothChains(await scan(server.port), truth);
      });
    },
    TEST_TIMEOUT,
  );
});

describe("every served chain: Ed25519 beside RSA", () => {
  it(
    "openssl s_server -cert Ed25519 -dcert RSA",
    async () => {
      const ed25519 = await createCertificate({
        subject: "CN=localhost",
        dns: ["localhost"],
        key: "ed25519",
        keySlot: "served-chains-ed25519",
      });
      const rsa = await getCredential("rsa2048");
      const { credential } = writeServerFiles(ed25519);
      const server = await startOpenSslServer({ credentials: [credential, rsa], www: true });
      await withServer(server, async () => {
        const truth = {
          ed25519: fingerprint(ed25519.pem),
          rsa: fingerprint(readFileSync(rsa.certPath, "utf8")),
        };
        for (const protocol of ["-tls1_2", "-tls1_3"]) {
          const gotEd = await sClient(server.port, [protocol, "-sigalgs", "ed25519"]);
          expect(gotEd.fingerprints[0]).toBe(truth.ed25519);
          const gotRsa = await sClient(server.port, [protocol, "-sigalgs", "RSA-PSS+SHA256"]);
          expect(gotRsa.fingerprints[0]).toBe(truth.rsa);
        }
        const report = await scan(server.port);
        expect(report.certificates).toHaveLength(2);
        expect(leavesByKeyType(report)).toEqual(truth);
      });
    },
    TEST_TIMEOUT,
  );
});

describe("chain completeness is not trust", () => {
  let chain: TestChain;
  let selfSigned: TestCertificate;
  beforeAll(async () => {
    chain = await createChain({ name: "served chains" });
    selfSigned = await createCertificate({
      subject: "CN=localhost",
      dns: ["localhost"],
      keySlot: "served-chains-self",
    });
  });

  async function serve(leaf: TestCertificate, rest: TestCertificate[]) {
    const { credential, paths } = writeServerFiles(
      leaf,
      rest.length === 0 ? {} : { chain: pemBundle(...rest) },
    );
    return startOpenSslServer({
      credentials: [credential],
      www: true,
      ...(paths.chain === undefined ? {} : { certChain: paths.chain }),
    });
  }

  /** The single chain the scan reports, after s_client confirmed what the server sends. */
  async function servedAndScanned(
    leaf: TestCertificate,
    rest: TestCertificate[],
  ): Promise<{ sent: X509Certificate[]; certificate: CertificateReport | undefined }> {
    const server = await serve(leaf, rest);
    return withServer(server, async () => {
      const sent = (await sClient(server.port, [])).certificates;
      const report = await scan(server.port, { now: PKI_NOW });
      expect(report.certificates).toHaveLength(1);
      return { sent, certificate: report.certificates?.[0] };
    });
  }

  it(
    "a self-signed leaf: complete, trustError self-signed, nothing to concatenate",
    async () => {
      const { sent, certificate } = await servedAndScanned(selfSigned, []);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.subject).toBe(sent[0]?.issuer);
      expect(certificate).toMatchObject({
        chainComplete: true,
        trusted: false,
        trustError: "self-signed",
      });
    },
    TEST_TIMEOUT,
  );

  it(
    "leaf + intermediate + its own untrusted root: complete, trustError untrusted-root",
    async () => {
      const { sent, certificate } = await servedAndScanned(chain.leaf, [
        chain.intermediate,
        chain.root,
      ]);
      expect(sent).toHaveLength(3);
      expect(sent[2]?.subject).toBe(sent[2]?.issuer);
      expect(sent[2]?.checkIssued(sent[2])).toBe(true);
      expect(certificate).toMatchObject({
        chainComplete: true,
        trusted: false,
        trustError: "untrusted-root",
      });
      expect(certificate?.chain.map((c) => c.sha256)).toEqual(
        sent.map((c) => fingerprint(c.toString())),
      );
    },
    TEST_TIMEOUT,
  );

  it(
    "a missing intermediate: incomplete",
    async () => {
      const { sent, certificate } = await servedAndScanned(chain.leaf, []);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.issuer).not.toBe(sent[0]?.subject);
      expect(certificate).toMatchObject({
        chainComplete: false,
        trusted: false,
        trustError: "unknown-issuer",
      });
    },
    TEST_TIMEOUT,
  );
});

/** What `openssl ocsp` reads in a response, verified against the issuer. */
async function readOcsp(der: Uint8Array, issuerPem: string) {
  const dir = harnessTempDir();
  const name = `ocsp-${Math.random().toString(36).slice(2)}`;
  const response = join(dir, `${name}.der`);
  const issuer = join(dir, `${name}-issuer.pem`);
  writeFileSync(response, der);
  writeFileSync(issuer, issuerPem);
  const result = await runCommand("openssl", [
    "ocsp",
    "-respin",
    response,
    "-resp_text",
    "-VAfile",
    issuer,
  ]);
  const text = `${result.stdout}\n${result.stderr}`;
  const nextUpdate = /Next Update: (.+)/.exec(text)?.[1];
  return {
    certStatus: /Cert Status: (\w+)/.exec(text)?.[1] ?? null,
    verified: /Response verify OK/.test(text),
    nextUpdate: nextUpdate === undefined ? null : new Date(nextUpdate),
  };
}

describe("OCSP stapling read by the prober", () => {
  let ca: OcspCa;
  let rsaCa: OcspCa;
  beforeAll(async () => {
    ca = await createOcspCa({ name: "served chains ocsp" });
    rsaCa = await createOcspCa({ name: "served chains ocsp rsa", leafKey: "rsa-2048" });
  });

  const RC4_ONLY =
    "NONE:+VERS-TLS1.2:+ARCFOUR-128:+RSA:+ECDHE-RSA:+SHA1:+COMP-NULL:+SIGN-ALL:+CURVE-ALL";

  const EXPECTED: Record<
    OcspStaple,
    { certStatus: string; signatureValid: boolean; expired: boolean }
  > = {
    good: { certStatus: "good", signatureValid: true, expired: false },
    revoked: { certStatus: "revoked", signatureValid: true, expired: false },
    expired: { certStatus: "good", signatureValid: true, expired: true },
    "bad-signature": { certStatus: "good", signatureValid: false, expired: false },
  };

  /** What every stapling case reads: the one chain, trusted, with the staple's details. */
  function expectStaple(report: ScanReport, kind: OcspStaple, nextUpdate: Date | null) {
    // node:tls could not complete a handshake: everything below came from the prober's flights.
    expect(report.errors.some((error) => error.probe === "handshake")).toBe(true);
    expect(report.protocols).toMatchObject({ "TLSv1.2": true, "TLSv1.3": false });
    expect(report.certificates).toHaveLength(1);
    const certificate = report.certificates?.[0];
    expect(certificate).toEqual(report.certificate);
    expect(certificate).toMatchObject({
      keyType: "rsa",
      trusted: true,
      chainComplete: true,
      ocspStapled: true,
      ocspStatus: EXPECTED[kind].certStatus,
      ocsp: {
        responseStatus: "successful",
        certStatus: EXPECTED[kind].certStatus,
        signatureValid: EXPECTED[kind].signatureValid,
        expired: EXPECTED[kind].expired,
      },
    });
    expect(certificate?.ocsp?.nextUpdate).toBe(nextUpdate?.toISOString());
    expect(certificate?.ocsp?.revocationTime === null).toBe(kind !== "revoked");
  }

  // GnuTLS refuses to load a revoked response and does not staple an expired one: those two
  // are served by s_server below.
  it.each(["good", "bad-signature"] as const)(
    "gnutls-serv, RC4 only (node:tls cannot connect), staples a %s response",
    async (kind) => {
      const staple = await rsaCa.staple(kind);
      const { credential, paths } = writeServerFiles(rsaCa.chain.leaf, {
        chain: pemBundle(rsaCa.chain.leaf, rsaCa.chain.intermediate),
        ocsp: staple,
      });
      const server = await startGnutlsServer({
        priority: RC4_ONLY,
        credentials: [{ ...credential, certPath: paths.chain ?? credential.certPath }],
        extraArgs: ["--ocsp-response", paths.ocsp ?? ""],
      });
      await withServer(server, async () => {
        // Second client: gnutls-cli saves the staple it received; openssl reads it back.
        const saved = join(harnessTempDir(), `saved-${kind}-${server.port}.der`);
        const cli = await runCommand(
          "gnutls-cli",
          [
            "--port",
            String(server.port),
            "--priority",
            RC4_ONLY,
            "--insecure",
            `--save-ocsp=${saved}`,
            "localhost",
          ],
          { timeoutMs: 30_000 },
        );
        expect(cli.stdout).toContain("ARCFOUR-128");
        const got = new Uint8Array(readFileSync(saved));
        expect(Buffer.from(got).equals(Buffer.from(staple))).toBe(true);
        const truth = await readOcsp(got, rsaCa.chain.intermediate.pem);
        expect(truth.certStatus).toBe(EXPECTED[kind].certStatus);
        expect(truth.verified).toBe(EXPECTED[kind].signatureValid);

        const report = await scan(server.port, { ca: [rsaCa.chain.root.pem] });
        expect(report.cipherSuites?.length).toBeGreaterThan(0);
        for (const suite of report.cipherSuites ?? []) expect(suite.encryption).toMatch(/RC4/);
        expectStaple(report, kind, truth.nextUpdate);
      });
    },
    TEST_TIMEOUT,
  );

  it.each(["revoked", "expired"] as const)(
    "openssl s_server, NULL only (node:tls cannot connect), staples a %s response",
    async (kind) => {
      const staple = await rsaCa.staple(kind);
      const { credential, paths } = writeServerFiles(rsaCa.chain.leaf, {
        chain: pemBundle(rsaCa.chain.intermediate),
        ocsp: staple,
      });
      const cipher = "NULL-SHA256:@SECLEVEL=0";
      const server = await startOpenSslServer({
        credentials: [credential],
        certChain: paths.chain ?? "",
        protocol: "TLSv1.2",
        cipher,
        www: true,
        extraArgs: ["-status_file", paths.ocsp ?? ""],
      });
      await withServer(server, async () => {
        const got = await sClient(server.port, ["-tls1_2", "-cipher", cipher, "-status"]);
        expect(got.output).toMatch(/Cipher is NULL-SHA256/);
        expect(got.output).toMatch(/OCSP Response Status: successful/);
        expect(got.output).toContain(`Cert Status: ${EXPECTED[kind].certStatus}`);
        const truth = await readOcsp(staple, rsaCa.chain.intermediate.pem);
        expect(truth.verified).toBe(true);
        expect((truth.nextUpdate?.getTime() ?? 0) < rsaCa.now.getTime()).toBe(
          EXPECTED[kind].expired,
        );

        const report = await scan(server.port, { ca: [rsaCa.chain.root.pem] });
        expect(report.cipherSuites?.map((suite) => suite.iana)).toEqual([
          "TLS_RSA_WITH_NULL_SHA256",
        ]);
        expectStaple(report, kind, truth.nextUpdate);
      });
    },
    TEST_TIMEOUT,
  );

  it.each(["-tls1_3", "-tls1_2"] as const)(
    "openssl s_server -status_file %s",
    async (protocol) => {
      const staple = await ca.staple("good");
      const { credential, paths } = writeServerFiles(ca.chain.leaf, {
        chain: pemBundle(ca.chain.intermediate),
        ocsp: staple,
      });
      const server = await startOpenSslServer({
        credentials: [credential],
        certChain: paths.chain ?? "",
        protocol: protocol === "-tls1_3" ? "TLSv1.3" : "TLSv1.2",
        www: true,
        extraArgs: ["-status_file", paths.ocsp ?? ""],
      });
      await withServer(server, async () => {
        const got = await sClient(server.port, [protocol, "-status"]);
        expect(got.output).toMatch(/OCSP Response Status: successful/);
        expect(got.output).toMatch(/Cert Status: good/);

        const report = await scan(server.port, { ca: [ca.chain.root.pem] });
        expect(report.certificates).toHaveLength(1);
        expect(report.certificate).toMatchObject({
          keyType: "ecdsa",
          trusted: true,
          chainComplete: true,
          ocspStapled: true,
          ocspStatus: "good",
          ocsp: { certStatus: "good", signatureValid: true, expired: false },
        });
      });
    },
    TEST_TIMEOUT,
  );
});
