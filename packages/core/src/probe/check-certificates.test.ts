import { createHash } from "node:crypto";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import { CertificateError } from "../cert/errors.js";
import {
  pickFreePort,
  startNodeTlsServer,
  startOpenSslServer,
  startRawServer,
  type NodeTlsServerOptions,
  type OpenSslServerOptions,
} from "@tlsgate/testing";
import {
  PKI_NOW,
  createCertificate,
  createChain,
  createOcspResponse,
  pemBundle,
  writeServerFiles,
  type TestCertificate,
  type TestChain,
} from "@tlsgate/testing/pki";
import {
  checkCertificatesAndFeatures,
  type CheckCertificatesOptions,
} from "./check-certificates.js";
import { TargetError } from "./target.js";

const DAY = 86_400_000;
const sha256 = (certificate: TestCertificate) =>
  createHash("sha256").update(certificate.der).digest("hex");
const OPTIONS = {
  timeoutMs: 5000,
  now: PKI_NOW,
  ticketWaitMs: 300,
} satisfies CheckCertificatesOptions;

let chain: TestChain;
beforeAll(async () => {
  chain = await createChain({ name: "probe" });
});

/** Serves `served` (leaf first) with node:tls and checks `host@127.0.0.1:port`. */
async function viaNode(
  served: TestCertificate[],
  host: string | null,
  options: Partial<CheckCertificatesOptions> = {},
  server: NodeTlsServerOptions = {},
) {
  const [leaf] = served;
  if (leaf === undefined) throw new Error("nothing to serve");
  const running = await startNodeTlsServer({
    key: leaf.keyPem,
    cert: pemBundle(...served),
    ...server,
  });
  try {
    const target =
      host === null ? `127.0.0.1:${running.port}` : `${host}@127.0.0.1:${running.port}`;
    return await checkCertificatesAndFeatures(target, { ...OPTIONS, ...options });
  } finally {
    await running.stop();
  }
}

/** Serves `leaf` with `openssl s_server -cert_chain` (the rest, in the order given). */
async function viaOpenSsl(
  leaf: TestCertificate,
  certChain: TestCertificate[],
  options: Partial<CheckCertificatesOptions> = {},
  server: OpenSslServerOptions & { statusFile?: Uint8Array } = {},
) {
  const { statusFile, ...serverOptions } = server;
  const extra: Record<string, string | Uint8Array> = {};
  if (certChain.length > 0) extra.chain = pemBundle(...certChain);
  if (statusFile !== undefined) extra.ocsp = statusFile;
  const { credential, paths } = writeServerFiles(leaf, extra);
  const running = await startOpenSslServer({
    credentials: [credential],
    ...(paths.chain === undefined ? {} : { certChain: paths.chain }),
    ...serverOptions,
    extraArgs: [
      ...(paths.ocsp === undefined ? [] : ["-status_file", paths.ocsp]),
      ...(serverOptions.extraArgs ?? []),
    ],
  });
  try {
    return await checkCertificatesAndFeatures(`leaf.test@127.0.0.1:${running.port}`, {
      ...OPTIONS,
      ...options,
    });
  } finally {
    await running.stop();
  }
}

describe("checkCertificatesAndFeatures: chains served by node:tls", () => {
  it("a valid CA → intermediate → leaf chain, trusted only with --ca", async () => {
    const withCa = await viaNode([chain.leaf, chain.intermediate], "leaf.test", {
      ca: [chain.root.pem],
    });
    expect(withCa.errors).toEqual([]);
    expect(withCa.address).toBe("127.0.0.1");
    expect(withCa.negotiated).toEqual({ protocol: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384" });
    expect(withCa.certificate).toMatchObject({
      trusted: true,
      trustError: null,
      hostnameMatch: true,
      chainComplete: true,
      chainOrder: true,
      ocspStapled: false,
      ocspStatus: null,
    });
    expect(withCa.certificate?.chain.map((entry) => entry.sha256)).toEqual([
      sha256(chain.leaf),
      sha256(chain.intermediate),
    ]);
    expect(withCa.certificate?.chain[0]).toMatchObject({
      subject: "CN=leaf.test,O=tlsgate",
      issuer: "CN=probe intermediate,O=tlsgate",
      daysRemaining: 60,
      lifespanDays: 90,
      san: ["DNS:leaf.test", "IP:127.0.0.1", "IP:::1"],
    });
    expect(withCa.features).toEqual({
      sessionResumption: { sessionId: false, ticket: true },
      alpn: { offered: ["h2", "http/1.1"], selected: null },
      earlyData: false,
      hsts: null,
    });

    // Mozilla's store alone does not know the test root.
    const withoutCa = await viaNode([chain.leaf, chain.intermediate], "leaf.test");
    expect(withoutCa.certificate).toMatchObject({
      trusted: false,
      trustError: "unknown-issuer",
      hostnameMatch: true,
      chainComplete: false,
      chainOrder: true,
    });
  });

  it("an expired leaf and a leaf not yet valid", async () => {
    const expired = await createCertificate({
      subject: "O=tlsgate, CN=leaf.test",
      issuer: chain.intermediate,
      dns: ["leaf.test"],
      notBefore: new Date(PKI_NOW.getTime() - 120 * DAY),
      notAfter: new Date(PKI_NOW.getTime() - 30 * DAY - 1000),
      keySlot: "probe-expired",
    });
    const result = await viaNode([expired, chain.intermediate], "leaf.test", {
      ca: [chain.root.pem],
    });
    expect(result.certificate).toMatchObject({
      trusted: false,
      trustError: "expired",
      chainComplete: true,
    });
    expect(result.certificate?.chain[0]).toMatchObject({ daysRemaining: -31, lifespanDays: 90 });

    const future = await createCertificate({
      subject: "O=tlsgate, CN=leaf.test",
      issuer: chain.intermediate,
      dns: ["leaf.test"],
      notBefore: new Date(PKI_NOW.getTime() + DAY),
      notAfter: new Date(PKI_NOW.getTime() + 91 * DAY),
      keySlot: "probe-future",
    });
    const early = await viaNode([future, chain.intermediate], "leaf.test", {
      ca: [chain.root.pem],
    });
    expect(early.certificate).toMatchObject({ trusted: false, trustError: "not-yet-valid" });
    expect(early.certificate?.chain[0]?.daysRemaining).toBe(91);
  });

  it("a self-signed certificate", async () => {
    const own = await createCertificate({
      subject: "CN=self.test",
      dns: ["self.test"],
      keySlot: "probe-self",
    });
    const result = await viaNode([own], "self.test", { ca: [chain.root.pem] });
    expect(result.certificate).toMatchObject({
      trusted: false,
      trustError: "self-signed",
      hostnameMatch: true,
      // Nothing is missing: completeness is not trust.
      chainComplete: true,
      chainOrder: true,
    });
    expect(result.certificate?.chain).toHaveLength(1);
    expect(result.certificate?.chain[0]).toMatchObject({
      selfSigned: true,
      subject: "CN=self.test",
      issuer: "CN=self.test",
    });
  });

  it("the wrong host, wildcards right and wrong, IP SANs", async () => {
    expect(
      (await viaNode([chain.leaf, chain.intermediate], "other.test")).certificate?.hostnameMatch,
    ).toBe(false);
    const wildcard = await createCertificate({
      subject: "CN=*.wild.test",
      issuer: chain.intermediate,
      dns: ["*.wild.test"],
      keySlot: "probe-wild",
    });
    const served = [wildcard, chain.intermediate];
    expect((await viaNode(served, "a.wild.test")).certificate?.hostnameMatch).toBe(true);
    expect((await viaNode(served, "a.b.wild.test")).certificate?.hostnameMatch).toBe(false);
    expect((await viaNode(served, "wild.test")).certificate?.hostnameMatch).toBe(false);
    // An IP target: no SNI, matched against the iPAddress SANs only.
    const byIp = await viaNode([chain.leaf, chain.intermediate], null, { ca: [chain.root.pem] });
    expect(byIp.certificate).toMatchObject({ trusted: true, hostnameMatch: true });
    expect((await viaNode(served, null)).certificate?.hostnameMatch).toBe(false);
  });

  it("IPv6 on ::1", async () => {
    const running = await startNodeTlsServer({
      host: "::1",
      key: chain.leaf.keyPem,
      cert: pemBundle(chain.leaf, chain.intermediate),
    });
    try {
      const result = await checkCertificatesAndFeatures(`[::1]:${running.port}`, {
        ...OPTIONS,
        ca: [chain.root.pem],
      });
      expect(result.address).toBe("::1");
      expect(result.certificate).toMatchObject({ trusted: true, hostnameMatch: true });
      expect(running.handshakes[0]?.servername).toBeNull();
    } finally {
      await running.stop();
    }
  });

  it("a missing intermediate: unknown-issuer, incomplete-chain when the bundle holds it", async () => {
    const rootOnly = await viaNode([chain.leaf], "leaf.test", { ca: [chain.root.pem] });
    expect(rootOnly.certificate).toMatchObject({
      trusted: false,
      trustError: "unknown-issuer",
      chainComplete: false,
      chainOrder: true,
    });
    const bundle = await viaNode([chain.leaf], "leaf.test", {
      ca: [pemBundle(chain.root, chain.intermediate)],
    });
    expect(bundle.certificate).toMatchObject({
      trusted: false,
      trustError: "incomplete-chain",
      chainComplete: false,
    });
  });

  it("the served order, over TLS 1.3 (decrypted) and TLS 1.2 (clear)", async () => {
    for (const maxVersion of ["TLSv1.3", "TLSv1.2"] as const) {
      const result = await viaNode(
        [chain.leaf, chain.root, chain.intermediate],
        "leaf.test",
        { ca: [chain.root.pem] },
        { maxVersion },
      );
      expect(result.negotiated?.protocol).toBe(maxVersion);
      expect(result.certificate?.chain.map((entry) => entry.sha256)).toEqual([
        sha256(chain.leaf),
        sha256(chain.root),
        sha256(chain.intermediate),
      ]);
      expect(result.certificate).toMatchObject({
        trusted: true,
        chainComplete: true,
        chainOrder: false,
      });
    }
  });

  it("RSA-1024, SHA-1, ECDSA P-256 and P-384, Ed25519 leaves", async () => {
    const rsa1024 = await createCertificate({
      subject: "CN=leaf.test",
      key: "rsa-1024",
      issuer: chain.intermediate,
      dns: ["leaf.test"],
    });
    // Node 24's OpenSSL 3.5 refuses to load an RSA-1024 key above security level 0.
    const weak = await viaNode(
      [rsa1024, chain.intermediate],
      "leaf.test",
      { ca: [chain.root.pem] },
      { ciphers: "DEFAULT:@SECLEVEL=0" },
    );
    expect(weak.certificate?.chain[0]).toMatchObject({
      keyType: "rsa",
      keyBits: 1024,
      curve: null,
    });
    expect(weak.certificate).toMatchObject({ trusted: false, trustError: "weak-key" });

    const sha1 = await createCertificate({
      subject: "CN=sha1.test",
      hash: "SHA-1",
      issuer: chain.intermediate,
      dns: ["leaf.test"],
    });
    // Node's OpenSSL refuses to load a SHA-1 signed certificate above security level 0.
    const old = await viaNode(
      [sha1, chain.intermediate],
      "leaf.test",
      { ca: [chain.root.pem] },
      { ciphers: "DEFAULT:@SECLEVEL=0" },
    );
    expect(old.certificate?.chain[0]?.signatureAlgorithm).toBe("ecdsa-with-SHA1");
    expect(old.certificate).toMatchObject({ trusted: false, trustError: "weak-signature" });

    for (const [key, bits, curve, signature] of [
      ["p256", 256, "prime256v1", "ecdsa-with-SHA256"],
      ["p384", 384, "secp384r1", "ecdsa-with-SHA384"],
    ] as const) {
      const leaf = await createCertificate({
        subject: `CN=${key}.test`,
        key,
        hash: key === "p384" ? "SHA-384" : "SHA-256",
        issuer: chain.intermediate,
        dns: ["leaf.test"],
      });
      const result = await viaNode([leaf, chain.intermediate], "leaf.test", {
        ca: [chain.root.pem],
      });
      expect(result.certificate?.chain[0]).toMatchObject({
        keyType: "ecdsa",
        keyBits: bits,
        curve,
        signatureAlgorithm: signature,
      });
      expect(result.certificate).toMatchObject({ trusted: true, trustError: null });
    }

    const ed = await createCertificate({
      subject: "CN=ed.test",
      key: "ed25519",
      dns: ["leaf.test"],
      issuer: chain.intermediate,
    });
    const edResult = await viaNode([ed, chain.intermediate], "leaf.test", { ca: [chain.root.pem] });
    expect(edResult.certificate?.chain[0]).toMatchObject({
      keyType: "ed25519",
      keyBits: 256,
      curve: null,
    });
    expect(edResult.certificate).toMatchObject({ trusted: true });
    const edSelf = await createCertificate({
      subject: "CN=ed-self.test",
      key: "ed25519",
      dns: ["leaf.test"],
    });
    const edSelfResult = await viaNode([edSelf], "leaf.test");
    expect(edSelfResult.certificate?.chain[0]).toMatchObject({
      signatureAlgorithm: "ED25519",
      selfSigned: true,
    });
    expect(edSelfResult.certificate?.trustError).toBe("self-signed");
  });

  it("ALPN as the server selects it", async () => {
    const h1 = await viaNode(
      [chain.leaf, chain.intermediate],
      "leaf.test",
      {},
      { ALPNProtocols: ["http/1.1"] },
    );
    expect(h1.features.alpn).toEqual({ offered: ["h2", "http/1.1"], selected: "http/1.1" });
    const h2 = await viaNode(
      [chain.leaf, chain.intermediate],
      "leaf.test",
      {},
      { ALPNProtocols: ["h2", "http/1.1"] },
    );
    expect(h2.features.alpn?.selected).toBe("h2");
  });

  it("a stapled OCSP response from node:tls", async () => {
    const response = await createOcspResponse({
      certificate: chain.leaf,
      issuer: chain.intermediate,
      status: "revoked",
    });
    const running = await startNodeTlsServer({
      key: chain.leaf.keyPem,
      cert: pemBundle(chain.leaf, chain.intermediate),
    });
    running.server.on(
      "OCSPRequest",
      (_certificate: Buffer, _issuer: Buffer, callback: (error: null, response: Buffer) => void) =>
        callback(null, Buffer.from(response)),
    );
    try {
      const result = await checkCertificatesAndFeatures(
        `leaf.test@127.0.0.1:${running.port}`,
        OPTIONS,
      );
      expect(result.certificate).toMatchObject({ ocspStapled: true, ocspStatus: "revoked" });
    } finally {
      await running.stop();
    }
  });
});

describe("checkCertificatesAndFeatures: HSTS of a web target (node:https)", () => {
  it.each([
    [
      "max-age=63072000; includeSubDomains; preload",
      { present: true, maxAge: 63072000, includeSubDomains: true, preload: true },
    ],
    [null, { present: false, maxAge: null, includeSubDomains: false, preload: false, raw: null }],
    [
      "max-age=forever",
      {
        present: true,
        maxAge: null,
        includeSubDomains: false,
        preload: false,
        raw: "max-age=forever",
      },
    ],
  ] as const)("Strict-Transport-Security %j", async (header, expected) => {
    const server = createHttpsServer(
      { key: chain.leaf.keyPem, cert: pemBundle(chain.leaf, chain.intermediate) },
      (_req, res) => {
        res.writeHead(200, header === null ? {} : { "strict-transport-security": header }).end();
      },
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const result = await checkCertificatesAndFeatures(`https://leaf.test@127.0.0.1:${port}/`, {
        ...OPTIONS,
        ca: [chain.root.pem],
      });
      expect(result.features.hsts).toMatchObject(expected);
      expect(result.certificate).toMatchObject({ trusted: true, hostnameMatch: true });
      expect(result.errors).toEqual([]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("checkCertificatesAndFeatures: openssl s_server", () => {
  it("stapled OCSP good and revoked (-status_file), with -cert_chain", async () => {
    for (const status of ["good", "revoked"] as const) {
      const response = await createOcspResponse({
        certificate: chain.leaf,
        issuer: chain.intermediate,
        status,
      });
      const result = await viaOpenSsl(
        chain.leaf,
        [chain.intermediate],
        { ca: [chain.root.pem] },
        { statusFile: response },
      );
      expect(result.certificate).toMatchObject({
        trusted: true,
        chainOrder: true,
        ocspStapled: true,
        ocspStatus: status,
      });
      expect(result.certificate?.chain.map((entry) => entry.sha256)).toEqual([
        sha256(chain.leaf),
        sha256(chain.intermediate),
      ]);
    }
  });

  it("a must-staple leaf without a staple", async () => {
    const mustStaple = await createCertificate({
      subject: "CN=leaf.test",
      issuer: chain.intermediate,
      dns: ["leaf.test"],
      mustStaple: true,
      sctCount: 2,
    });
    const result = await viaOpenSsl(mustStaple, [chain.intermediate]);
    expect(result.certificate?.chain[0]).toMatchObject({ mustStaple: true, sctCount: 2 });
    expect(result.certificate).toMatchObject({ ocspStapled: false, ocspStatus: null });
  });

  it("wrong order (-cert_chain root then intermediate)", async () => {
    const result = await viaOpenSsl(chain.leaf, [chain.root, chain.intermediate], {
      ca: [chain.root.pem],
    });
    expect(result.certificate).toMatchObject({
      trusted: true,
      chainComplete: true,
      chainOrder: false,
    });
    expect(result.certificate?.chain.map((entry) => entry.sha256)).toEqual([
      sha256(chain.leaf),
      sha256(chain.root),
      sha256(chain.intermediate),
    ]);
  });

  it("resumption on (session ID and ticket), off, and early data", async () => {
    const on = await viaOpenSsl(
      chain.leaf,
      [chain.intermediate],
      {},
      { extraArgs: ["-early_data"] },
    );
    expect(on.errors).toEqual([]);
    expect(on.features.sessionResumption).toEqual({ sessionId: true, ticket: true });
    expect(on.features.earlyData).toBe(true);

    const off = await viaOpenSsl(
      chain.leaf,
      [chain.intermediate],
      {},
      { extraArgs: ["-no_ticket", "-no_cache", "-num_tickets", "0"] },
    );
    expect(off.features.sessionResumption).toEqual({ sessionId: false, ticket: false });
    // No ticket: whether one would allow 0-RTT is unknown, with the reason.
    expect(off.features.earlyData).toBeNull();
    expect(off.errors.map((error) => [error.probe, error.code])).toEqual([
      ["earlyData", "timeout"],
    ]);

    const tls12 = await viaOpenSsl(chain.leaf, [chain.intermediate], {}, { protocol: "TLSv1.2" });
    expect(tls12.negotiated?.protocol).toBe("TLSv1.2");
    expect(tls12.features).toMatchObject({
      sessionResumption: { sessionId: true, ticket: true },
      earlyData: false,
    });
    expect(tls12.certificate?.chainOrder).toBe(true);
  });

  it("TLS 1.3 only: no session IDs", async () => {
    const result = await viaOpenSsl(chain.leaf, [chain.intermediate], {}, { protocol: "TLSv1.3" });
    expect(result.features.sessionResumption).toEqual({ sessionId: false, ticket: true });
    expect(result.errors).toEqual([]);
  });
});

describe("checkCertificatesAndFeatures: failures are data", () => {
  it("falls back to the prober's raw chain when no handshake completes", async () => {
    const raw = await startRawServer((socket) => {
      socket.end();
    });
    try {
      const result = await checkCertificatesAndFeatures(`leaf.test@127.0.0.1:${raw.port}`, {
        ...OPTIONS,
        ca: [chain.root.pem],
        rawChain: [chain.leaf.der, chain.intermediate.der],
      });
      expect(result.certificate).toMatchObject({
        trusted: true,
        hostnameMatch: true,
        chainOrder: true,
        ocspStapled: null,
        ocspStatus: null,
      });
      expect(result.features).toEqual({
        sessionResumption: { sessionId: null, ticket: null },
        alpn: null,
        earlyData: null,
        hsts: null,
      });
      expect(result.errors.map((error) => [error.probe, error.code])).toEqual([
        ["handshake", "closed"],
        ["features", "closed"],
      ]);
    } finally {
      await raw.stop();
    }
  });

  it("reports a refused connection without a chain", async () => {
    const port = await pickFreePort("127.0.0.1");
    const result = await checkCertificatesAndFeatures(`127.0.0.1:${port}`, OPTIONS);
    expect(result.certificate).toBeNull();
    expect(result.errors[0]).toMatchObject({ probe: "handshake", code: "refused" });
  });

  it("times out on a silent server", async () => {
    const silent = await startRawServer(() => {});
    try {
      const result = await checkCertificatesAndFeatures(`127.0.0.1:${silent.port}`, {
        ...OPTIONS,
        timeoutMs: 300,
      });
      expect(result.certificate).toBeNull();
      expect(result.errors[0]).toMatchObject({ probe: "handshake", code: "timeout" });
    } finally {
      await silent.stop();
    }
  });

  it("throws only for bad input", async () => {
    await expect(checkCertificatesAndFeatures("http://x", OPTIONS)).rejects.toBeInstanceOf(
      TargetError,
    );
    await expect(
      checkCertificatesAndFeatures("127.0.0.1:1", { ...OPTIONS, ca: ["nothing"] }),
    ).rejects.toBeInstanceOf(CertificateError);
  });
});
