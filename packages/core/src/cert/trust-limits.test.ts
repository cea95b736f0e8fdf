// Path building on hostile chains: the work is counted (signature checks, extensions), never
// timed; `npm run bench:trust` measures the time.
import { beforeAll, describe, expect, it } from "vitest";
import {
  PKI_NOW,
  createCertificate,
  createChain,
  createCrossSignedMesh,
  pemBundle,
  type CrossSignedMesh,
  type TestCertificate,
  type TestChain,
} from "@tlsgate/testing/pki";
import { MAX_SERVED_CERTIFICATES, checkCertificateChain } from "./check-chain.js";
import { parseCertificate, type ParsedCertificate } from "./parse.js";
import { TRUST_LIMITS, checkTrust, describeTrustLimits } from "./trust.js";
import { createTrustStore } from "./trust-store.js";

const parse = (certificates: readonly TestCertificate[]) =>
  certificates.map((certificate) => parseCertificate(certificate.der));

/**
 * Ordered pairs (child, issuer) of `certificates` that match by name and key identifier: the
 * edges of the issuer graph. Verifying each pair at most once bounds the signature checks by
 * this number, at most V·(V−1) for V certificates: polynomial, where the paths through the
 * same graph grow exponentially with its breadth.
 */
function issuerPairs(certificates: readonly ParsedCertificate[]): number {
  let pairs = 0;
  for (const child of certificates) {
    for (const issuer of certificates) {
      if (issuer !== child && child.x509.checkIssued(issuer.x509)) pairs++;
    }
  }
  return pairs;
}

let mesh: CrossSignedMesh;
let chain: TestChain;
beforeAll(async () => {
  // 20 cross-certificates over 2 CAs: each certificate has 7 to 10 valid issuers among them.
  mesh = await createCrossSignedMesh({ certificates: 20, cas: 2 });
  chain = await createChain({ name: "limits" });
});

describe("checkTrust on a mesh of mutually cross-signed CAs", () => {
  it("judges the first 16 certificates, checks each issuer pair once, and says it was cut", () => {
    const served = parse([mesh.leaf, ...mesh.crossCertificates]);
    const verdict = checkTrust(served, createTrustStore([]), PKI_NOW);
    expect(verdict).toMatchObject({
      trusted: null,
      trustError: "path-limit",
      chainComplete: null,
      anchored: false,
      limitsHit: ["servedCertificates"],
    });
    const considered = served.slice(0, TRUST_LIMITS.servedCertificates);
    // leaf: 8 issuers; 8 CA-0 certificates: 7 each; 7 CA-1 certificates: 8 each.
    expect(issuerPairs(considered)).toBe(120);
    expect(verdict.work.signatureChecks).toBeGreaterThan(0);
    expect(verdict.work.signatureChecks).toBeLessThanOrEqual(issuerPairs(considered));
    expect(verdict.work.extensions).toBe(considered.length);
    expect(describeTrustLimits(verdict)).toEqual([
      "path building was cut: only the first 16 distinct served certificates were considered",
    ]);
  });

  it("is exact below the caps, and a second search (known intermediates) repeats no check", () => {
    const served = parse([mesh.leaf, ...mesh.crossCertificates.slice(0, 15)]);
    // A known intermediate makes checkTrust search again with the store's certificates.
    const store = createTrustStore([chain.intermediate.pem]);
    expect(store.intermediates).toHaveLength(1);
    const verdict = checkTrust(served, store, PKI_NOW);
    expect(verdict).toMatchObject({
      trusted: false,
      trustError: "unknown-issuer",
      chainComplete: false,
      limitsHit: [],
    });
    expect(verdict.work.signatureChecks).toBeLessThanOrEqual(issuerPairs(served));
    expect(verdict.work.extensions).toBe(2 * served.length);
  });

  it("finds the shortest path to an anchor and notes the cut", () => {
    const anchor = mesh.roots[1] as TestCertificate;
    const served = [mesh.leaf, ...mesh.crossCertificates];
    const verdict = checkTrust(parse(served), createTrustStore([anchor.pem]), PKI_NOW);
    expect(verdict).toMatchObject({
      trusted: true,
      trustError: null,
      chainComplete: true,
      limitsHit: ["servedCertificates"],
    });
    expect(verdict.path.map((certificate) => certificate.subject)).toEqual([
      "CN=mesh.test,O=tlsgate",
      "CN=mesh ca 0,O=tlsgate",
      "CN=mesh ca 1,O=tlsgate",
    ]);
    expect(verdict.path[2]?.sha256).toBe(parseCertificate(anchor.der).sha256);
    // The leaf's first issuer verifies, then the anchor over it: nothing else is tried.
    expect(verdict.work).toEqual({ signatureChecks: 2, extensions: 2 });

    const { certificate, errors } = checkCertificateChain(
      served.map((c) => c.der),
      { host: "mesh.test", store: createTrustStore([anchor.pem]), now: PKI_NOW },
    );
    expect(certificate).toMatchObject({ trusted: true, chainComplete: true, hostnameMatch: true });
    expect(errors.map((error) => error.message)).toEqual([
      "path building was cut: only the first 16 distinct served certificates were considered",
    ]);
  });
});

describe("checkTrust's caps", () => {
  it("never turns a cut search into a silent verdict", () => {
    const store = createTrustStore([chain.root.pem]);
    const filler = mesh.crossCertificates.slice(0, 15);
    expect(
      checkTrust(parse([chain.leaf, chain.intermediate, ...filler]), store, PKI_NOW),
    ).toMatchObject({ trusted: true, chainComplete: true, limitsHit: ["servedCertificates"] });
    // The one issuer the leaf needs comes after the cap: unknown, not "unknown-issuer".
    expect(
      checkTrust(parse([chain.leaf, ...filler, chain.intermediate]), store, PKI_NOW),
    ).toMatchObject({ trusted: null, trustError: "path-limit", chainComplete: null });
    // Duplicates are not counted against the cap.
    const repeated = Array.from({ length: 20 }, () => chain.intermediate);
    expect(checkTrust(parse([chain.leaf, ...repeated]), store, PKI_NOW)).toMatchObject({
      trusted: true,
      limitsHit: [],
    });
  });

  it("caps the issuers tried per certificate", () => {
    const served = parse([mesh.leaf, ...mesh.crossCertificates.slice(0, 15)]);
    const limits = { issuersPerCertificate: 3 };
    const verdict = checkTrust(served, createTrustStore([]), PKI_NOW, { limits });
    expect(verdict).toMatchObject({ trustError: "path-limit", chainComplete: null });
    // Fewer issuers per step make the search go deeper, into the path length cap too.
    expect(verdict.limitsHit).toContain("issuersPerCertificate");
    expect(verdict.work.signatureChecks).toBeLessThanOrEqual(3 * served.length);
    expect(describeTrustLimits(verdict, { limits })).toContain(
      "path building was cut: at most 3 candidate issuers were tried per certificate",
    );
  });

  it("counts the path length in certificates before the anchor", () => {
    const store = createTrustStore([chain.root.pem]);
    const served = parse([chain.leaf, chain.intermediate]);
    expect(checkTrust(served, store, PKI_NOW, { limits: { pathLength: 2 } }).trusted).toBe(true);
    expect(checkTrust(served, store, PKI_NOW, { limits: { pathLength: 1 } })).toMatchObject({
      trusted: null,
      trustError: "path-limit",
      chainComplete: null,
      limitsHit: ["pathLength"],
    });
  });

  it("caps the known intermediates one chain draws from the store", async () => {
    // Same name as the real intermediate, another key: drawn by name, then not an issuer.
    const decoy = await createCertificate({
      subject: "O=tlsgate, CN=limits intermediate",
      keySlot: "limits decoy",
      issuer: chain.root,
      ca: true,
    });
    const store = createTrustStore([pemBundle(chain.root, decoy, chain.intermediate)]);
    const served = parse([chain.leaf]);
    expect(checkTrust(served, store, PKI_NOW)).toMatchObject({
      trustError: "incomplete-chain",
      chainComplete: false,
      limitsHit: [],
    });
    expect(checkTrust(served, store, PKI_NOW, { limits: { knownIntermediates: 1 } })).toMatchObject(
      {
        trusted: null,
        trustError: "path-limit",
        chainComplete: false,
        limitsHit: ["knownIntermediates"],
      },
    );
  });
});

describe("checkCertificateChain's cap on served certificates", () => {
  const host = "leaf.test";
  it(`judges the first ${MAX_SERVED_CERTIFICATES} and says the rest were cut`, () => {
    const store = createTrustStore([chain.root.pem]);
    // A root repeats in order (it issues itself), so the judged part is in order: unknown.
    const inOrder = [chain.leaf, chain.intermediate, ...Array(38).fill(chain.root)].map(
      (certificate: TestCertificate) => certificate.der,
    );
    const { certificate, errors } = checkCertificateChain(inOrder, { host, store, now: PKI_NOW });
    expect(certificate?.chain).toHaveLength(MAX_SERVED_CERTIFICATES);
    expect(certificate).toMatchObject({ trusted: true, chainComplete: true, chainOrder: null });
    expect(errors.map((error) => error.message)).toEqual([
      `the server sent 40 certificates: only the first ${MAX_SERVED_CERTIFICATES} were judged`,
    ]);
    // Out of order within the judged part: false whatever follows.
    const swapped = [inOrder[0], inOrder[2], inOrder[1], ...inOrder.slice(3)] as Uint8Array[];
    expect(
      checkCertificateChain(swapped, { host, store, now: PKI_NOW }).certificate?.chainOrder,
    ).toBe(false);
    // At the cap, nothing is cut.
    const atCap = inOrder.slice(0, MAX_SERVED_CERTIFICATES);
    const whole = checkCertificateChain(atCap, { host, store, now: PKI_NOW });
    expect(whole.errors).toEqual([]);
    expect(whole.certificate?.chainOrder).toBe(true);
  });
});
