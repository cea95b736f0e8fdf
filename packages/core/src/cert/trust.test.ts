import { X509Certificate } from "node:crypto";
import { rootCertificates } from "node:tls";
import { beforeAll, describe, expect, it } from "vitest";
import {
  PKI_NOW,
  createCertificate,
  createChain,
  pemBundle,
  type TestCertificate,
  type TestChain,
} from "@tlsgate/testing/pki";
import { checkChainOrder } from "./chain-order.js";
import { certificateNames, derToPem, nameKey, pemToDer } from "./der.js";
import { CertificateError } from "./errors.js";
import { parseCertificate } from "./parse.js";
import { checkTrust } from "./trust.js";
import { createTrustStore, type TrustStore } from "./trust-store.js";

const DAY = 86_400_000;
const parse = (...certificates: TestCertificate[]) =>
  certificates.map((c) => parseCertificate(c.der));
const verdict = (store: TrustStore, ...served: TestCertificate[]) => {
  const { trusted, trustError, chainComplete } = checkTrust(parse(...served), store, PKI_NOW);
  return { trusted, trustError, chainComplete };
};

let chain: TestChain;
let withRoot: TrustStore;
let empty: TrustStore;
beforeAll(async () => {
  chain = await createChain();
  withRoot = createTrustStore([chain.root.pem]);
  empty = createTrustStore([]);
});

describe("checkTrust", () => {
  it("trusts a complete chain only when its root is an anchor", () => {
    expect(verdict(withRoot, chain.leaf, chain.intermediate)).toEqual({
      trusted: true,
      trustError: null,
      chainComplete: true,
    });
    expect(verdict(withRoot, chain.leaf, chain.intermediate, chain.root)).toMatchObject({
      trusted: true,
    });
    expect(verdict(empty, chain.leaf, chain.intermediate)).toEqual({
      trusted: false,
      trustError: "unknown-issuer",
      chainComplete: false,
    });
    // A served root that nobody trusts: no missing link (complete), but not trusted.
    expect(verdict(empty, chain.leaf, chain.intermediate, chain.root)).toEqual({
      trusted: false,
      trustError: "untrusted-root",
      chainComplete: true,
    });
    const path = checkTrust(parse(chain.leaf, chain.intermediate), withRoot, PKI_NOW).path;
    expect(path.map((certificate) => certificate.subject)).toEqual([
      "CN=leaf.test,O=tlsgate",
      "CN=tlsgate test intermediate,O=tlsgate",
      "CN=tlsgate test root,O=tlsgate",
    ]);
  });

  it("does not trust our root through Mozilla's store", () => {
    const mozilla = createTrustStore(rootCertificates);
    expect(mozilla.anchors.length).toBeGreaterThan(100);
    expect(verdict(mozilla, chain.leaf, chain.intermediate)).toMatchObject({
      trustError: "unknown-issuer",
    });
    const both = createTrustStore([chain.root.pem], mozilla);
    expect(both.anchors.length).toBe(mozilla.anchors.length + 1);
    expect(verdict(both, chain.leaf, chain.intermediate)).toMatchObject({ trusted: true });
  });

  it("builds the path whatever the served order", () => {
    expect(verdict(withRoot, chain.leaf, chain.root, chain.intermediate)).toMatchObject({
      trusted: true,
      chainComplete: true,
    });
    expect(checkChainOrder(parse(chain.leaf, chain.root, chain.intermediate))).toBe(false);
    expect(checkChainOrder(parse(chain.leaf, chain.intermediate, chain.root))).toBe(true);
    expect(checkChainOrder(parse(chain.leaf))).toBe(true);
    expect(checkChainOrder(parse(chain.leaf, chain.intermediate, chain.leaf))).toBe(false);
  });

  it("tells a missing intermediate: unknown-issuer, or incomplete-chain when a bundle knows it", () => {
    expect(verdict(withRoot, chain.leaf)).toEqual({
      trusted: false,
      trustError: "unknown-issuer",
      chainComplete: false,
    });
    const bundle = createTrustStore([pemBundle(chain.root, chain.intermediate)]);
    expect(bundle.anchors.length).toBe(1);
    expect(bundle.intermediates.length).toBe(1);
    expect(verdict(bundle, chain.leaf)).toEqual({
      trusted: false,
      trustError: "incomplete-chain",
      chainComplete: false,
    });
    // Without its root the known intermediate leads nowhere.
    expect(verdict(createTrustStore([chain.intermediate.pem]), chain.leaf)).toMatchObject({
      trustError: "unknown-issuer",
    });
  });

  it("reports expiry and not-yet-valid anywhere in the path", async () => {
    const expired = await createCertificate({
      subject: "O=tlsgate, CN=expired.test",
      issuer: chain.intermediate,
      notBefore: new Date(PKI_NOW.getTime() - 100 * DAY),
      notAfter: new Date(PKI_NOW.getTime() - DAY),
    });
    const future = await createCertificate({
      subject: "O=tlsgate, CN=future.test",
      issuer: chain.intermediate,
      notBefore: new Date(PKI_NOW.getTime() + DAY),
      notAfter: new Date(PKI_NOW.getTime() + 100 * DAY),
    });
    expect(verdict(withRoot, expired, chain.intermediate)).toEqual({
      trusted: false,
      trustError: "expired",
      chainComplete: true,
    });
    expect(verdict(withRoot, future, chain.intermediate)).toMatchObject({
      trustError: "not-yet-valid",
    });
    const late = checkTrust(
      parse(chain.leaf, chain.intermediate),
      withRoot,
      new Date(PKI_NOW.getTime() + 61 * DAY),
    );
    expect(late.trustError).toBe("expired");
    const expiredCa = await createChain({
      name: "expired ca",
      intermediate: { notAfter: new Date(PKI_NOW.getTime() - DAY) },
    });
    expect(
      verdict(createTrustStore([expiredCa.root.pem]), expiredCa.leaf, expiredCa.intermediate),
    ).toMatchObject({
      trustError: "expired",
    });
  });

  it("ranks validity last: an expired chain with another flaw is named for that flaw", async () => {
    const lapsed = { notAfter: new Date(PKI_NOW.getTime() - DAY) };
    const sha1 = await createCertificate({
      subject: "CN=sha1-expired.test",
      issuer: chain.intermediate,
      hash: "SHA-1",
      notBefore: new Date(PKI_NOW.getTime() - 100 * DAY),
      ...lapsed,
    });
    expect(verdict(withRoot, sha1, chain.intermediate)).toMatchObject({
      trusted: false,
      trustError: "weak-signature",
    });
    const notCa = await createCertificate({
      subject: "O=tlsgate, CN=not a ca, expired",
      issuer: chain.root,
      ca: false,
      keyCertSign: true,
      notBefore: new Date(PKI_NOW.getTime() - 100 * DAY),
      ...lapsed,
    });
    const under = await createCertificate({ subject: "CN=under-expired.test", issuer: notCa });
    expect(verdict(withRoot, under, notCa)).toMatchObject({
      trusted: false,
      trustError: "invalid-ca",
    });
  });

  it("calls a lone self-signed leaf self-signed, and trusts it once it is an anchor", async () => {
    const own = await createCertificate({ subject: "CN=self.test", dns: ["self.test"] });
    // Nothing is missing from a self-signed leaf: complete, and not trusted.
    expect(verdict(empty, own)).toEqual({
      trusted: false,
      trustError: "self-signed",
      chainComplete: true,
    });
    expect(verdict(withRoot, own)).toMatchObject({ trustError: "self-signed" });
    expect(verdict(createTrustStore([own.pem]), own)).toEqual({
      trusted: true,
      trustError: null,
      chainComplete: true,
    });
  });

  it("finds a bad signature", () => {
    const tampered = new Uint8Array(chain.leaf.der);
    tampered[tampered.length - 3] = (tampered[tampered.length - 3] ?? 0) ^ 0xff;
    const leaf = parseCertificate(tampered);
    const result = checkTrust([leaf, ...parse(chain.intermediate)], withRoot, PKI_NOW);
    expect(result).toMatchObject({
      trusted: false,
      trustError: "bad-signature",
      chainComplete: false,
    });
    expect(checkChainOrder([leaf, ...parse(chain.intermediate)])).toBe(false);
  });

  it("requires issuers to be CAs within their path length", async () => {
    const notCa = await createCertificate({
      subject: "O=tlsgate, CN=not a ca",
      issuer: chain.root,
      ca: false,
      keyCertSign: true,
    });
    const underNotCa = await createCertificate({ subject: "CN=under.test", issuer: notCa });
    expect(verdict(withRoot, underNotCa, notCa)).toEqual({
      trusted: false,
      trustError: "invalid-ca",
      chainComplete: true,
    });
    const noBasicConstraints = await createCertificate({
      subject: "O=tlsgate, CN=no basic constraints",
      issuer: chain.root,
      keyCertSign: true,
    });
    const underNoBc = await createCertificate({
      subject: "CN=under2.test",
      issuer: noBasicConstraints,
    });
    expect(verdict(withRoot, underNoBc, noBasicConstraints)).toMatchObject({
      trustError: "invalid-ca",
    });
    // Without keyCertSign the would-be issuer is not an issuer at all (X509_check_issued).
    const noKeyCertSign = await createCertificate({
      subject: "O=tlsgate, CN=no kcs",
      issuer: chain.root,
      ca: true,
      keyCertSign: false,
    });
    const underNoKcs = await createCertificate({
      subject: "CN=under3.test",
      issuer: noKeyCertSign,
    });
    expect(verdict(withRoot, underNoKcs, noKeyCertSign)).toMatchObject({
      trustError: "unknown-issuer",
    });
    const deep = await createCertificate({
      subject: "O=tlsgate, CN=too deep",
      issuer: chain.intermediate,
      ca: true,
    });
    const deepLeaf = await createCertificate({ subject: "CN=deep.test", issuer: deep });
    expect(verdict(withRoot, deepLeaf, deep, chain.intermediate)).toEqual({
      trusted: false,
      trustError: "invalid-ca",
      chainComplete: true,
    });
  });

  it("flags weak keys and weak signatures outside the anchor", async () => {
    const rsa1024 = await createCertificate({
      subject: "CN=rsa1024.test",
      key: "rsa-1024",
      issuer: chain.intermediate,
    });
    expect(verdict(withRoot, rsa1024, chain.intermediate)).toEqual({
      trusted: false,
      trustError: "weak-key",
      chainComplete: true,
    });
    const sha1 = await createCertificate({
      subject: "CN=sha1.test",
      issuer: chain.intermediate,
      hash: "SHA-1",
    });
    expect(verdict(withRoot, sha1, chain.intermediate)).toMatchObject({
      trustError: "weak-signature",
    });
    // A SHA-1 self-signature on the anchor itself does not matter.
    const sha1Root = await createChain({ name: "sha1 root", root: { hash: "SHA-1" } });
    expect(
      verdict(createTrustStore([sha1Root.root.pem]), sha1Root.leaf, sha1Root.intermediate),
    ).toMatchObject({
      trusted: true,
    });
  });

  it("trusts Ed25519, P-384 and RSA-PSS chains", async () => {
    const mixed = await createChain({
      name: "mixed",
      root: { key: "rsa-2048", keySlot: "mixed-root" },
      intermediate: { key: "p384", pss: true },
      leaf: { key: "ed25519", hash: "SHA-384" },
    });
    expect(verdict(createTrustStore([mixed.root.pem]), mixed.leaf, mixed.intermediate)).toEqual({
      trusted: true,
      trustError: null,
      chainComplete: true,
    });
  });

  it("refuses a CA bundle without certificates", () => {
    expect(() => createTrustStore(["not a pem"])).toThrow(CertificateError);
  });
});

// Node's roots are decoded only when a chain names one: the store looks issuers up by a key of
// the DER Name (der.ts nameKey). OpenSSL's X509_check_issued, which still decides every link,
// is the ground truth the key must agree with.
describe("the trust store's name index", () => {
  const names = (pem: string) => {
    const der = pemToDer(pem)[0]!;
    const { issuer, subject } = certificateNames(der);
    return { x509: new X509Certificate(der), issuer: nameKey(issuer), subject: nameKey(subject) };
  };

  it("matches names exactly when OpenSSL's issuer check does, over Node's roots", () => {
    const roots = rootCertificates.map(names);
    let issued = 0;
    for (const child of roots) {
      for (const parent of roots) {
        const openssl = child.x509.checkIssued(parent.x509);
        if (openssl) issued++;
        // checkIssued also compares key identifiers: a name match is necessary, not sufficient.
        if (openssl) expect(child.issuer).toBe(parent.subject);
        if (child.issuer !== parent.subject) expect(openssl).toBe(false);
      }
    }
    // Every root issues itself at least.
    expect(issued).toBeGreaterThanOrEqual(roots.length);
    const distinct = new Set(roots.map((root) => root.subject));
    expect(distinct.size).toBeGreaterThan(100);
  });

  it("finds a root whose name differs from the issuer's only in case and spacing", async () => {
    const spelled = await createCertificate({
      subject: "O=tlsgate, CN=Spelled Root",
      keySlot: "spelled-root",
      ca: true,
    });
    const leaf = await createCertificate({ subject: "CN=spelled.test", issuer: spelled });
    const respelled = await createCertificate({
      subject: "O=TLSGATE, CN=  spelled   ROOT ",
      keySlot: "spelled-root",
      ca: true,
    });
    const other = await createCertificate({
      subject: "O=tlsgate, CN=Spelled Root 2",
      keySlot: "spelled-root",
      ca: true,
    });
    // Ground truth: OpenSSL's canonical name comparison.
    const x509 = (c: TestCertificate) => new X509Certificate(c.der);
    expect(x509(leaf).checkIssued(x509(respelled))).toBe(true);
    expect(x509(leaf).checkIssued(x509(other))).toBe(false);
    expect(verdict(createTrustStore([respelled.pem]), leaf)).toMatchObject({ trusted: true });
    expect(verdict(createTrustStore([other.pem]), leaf)).toMatchObject({
      trustError: "unknown-issuer",
    });
  });

  it("takes a served root of Node's store as an anchor, and adds bundles to Node's store", () => {
    const mozilla = createTrustStore(rootCertificates);
    const root = parseCertificate(pemToDer(rootCertificates[0]!)[0]!);
    expect(checkTrust([root], mozilla, new Date(root.notBefore.getTime() + DAY))).toMatchObject({
      trusted: true,
      anchored: true,
    });
    const both = createTrustStore([chain.root.pem], mozilla);
    expect(verdict(both, chain.leaf, chain.intermediate)).toMatchObject({ trusted: true });
  });

  it("refuses a CA bundle whose certificate does not decode", () => {
    const der = pemToDer(chain.root.pem)[0]!;
    const broken = derToPem(der.subarray(0, der.length - 10));
    expect(() => createTrustStore([broken])).toThrow(/^CA bundle 1: /);
    expect(() => nameKey(new Uint8Array([0x30, 0x05, 0x31, 0x03]))).toThrow(CertificateError);
  });
});
