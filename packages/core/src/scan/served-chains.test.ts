import { beforeAll, describe, expect, it } from "vitest";
import { startFirstRecordRelay, startNodeTlsServer } from "@tlsgate/testing";
import {
  PKI_NOW,
  createChain,
  createOcspResponse,
  pemBundle,
  type TestChain,
} from "@tlsgate/testing/pki";
import { checkCertificateChain } from "../cert/check-chain.js";
import { HalfCloseState } from "../probe/hello-probe.js";
import { startRelayStoppingOnFin } from "../../test/support/fin-relay.js";
import { createTrustStore } from "../cert/trust-store.js";
import {
  distinctChains,
  judgeServedChains,
  probeServedChains,
  type ServedChainSighting,
} from "./served-chains.js";

let ecdsa: TestChain;
let rsa: TestChain;
beforeAll(async () => {
  ecdsa = await createChain({ name: "judge ecdsa" });
  rsa = await createChain({ name: "judge rsa", leaf: { key: "rsa-2048" } });
});

const sighting = (
  chain: TestChain,
  ocspResponse: Uint8Array | null | undefined,
  protocol: ServedChainSighting["protocol"] = "TLSv1.2",
): ServedChainSighting => ({
  askedFor: "ecdsa",
  protocol,
  chain: [chain.leaf.der, chain.intermediate.der],
  ocspResponse,
});

describe("distinctChains", () => {
  it("lists each chain once, with the staple any sighting could tell", async () => {
    const staple = await createOcspResponse({
      certificate: ecdsa.leaf,
      issuer: ecdsa.intermediate,
      status: "good",
    });
    const chains = distinctChains([
      sighting(ecdsa, undefined, "SSLv3"),
      sighting(rsa, null),
      sighting(ecdsa, staple),
      sighting(ecdsa, null),
    ]);
    expect(chains.map((c) => c.chain[0])).toEqual([ecdsa.leaf.der, rsa.leaf.der]);
    expect(chains.map((c) => c.ocspResponse)).toEqual([staple, null]);
  });
});

describe("judgeServedChains", () => {
  const options = () => ({
    host: "leaf.test",
    store: createTrustStore([ecdsa.root.pem, rsa.root.pem]),
    now: PKI_NOW,
  });
  const judgedDefault = (chain: TestChain, ocspResponse?: Uint8Array | null) => {
    const der = [chain.leaf.der, chain.intermediate.der];
    const report = checkCertificateChain(der, { ...options(), ocspResponse }).certificate;
    if (report === null) throw new Error("the chain is readable");
    return { chain: der, report };
  };

  it("lists the default chain first, then every other chain judged on its own", () => {
    const judged = judgeServedChains(
      judgedDefault(ecdsa, null),
      { sightings: [sighting(ecdsa, null), sighting(rsa, null)], complete: true, errors: [] },
      options(),
    );
    expect(judged.certificates?.map((c) => c.keyType)).toEqual(["ecdsa", "rsa"]);
    expect(judged.certificates?.[0]).toBe(judged.certificate);
    expect(judged.certificates?.[1]).toMatchObject({ trusted: true, ocspStapled: false });
  });

  it("reads the default chain's staple from the probes when node:tls could not tell it", async () => {
    const staple = await createOcspResponse({
      certificate: ecdsa.leaf,
      issuer: ecdsa.intermediate,
      status: "revoked",
    });
    const judged = judgeServedChains(
      judgedDefault(ecdsa),
      { sightings: [sighting(ecdsa, staple)], complete: true, errors: [] },
      options(),
    );
    expect(judged.certificates).toHaveLength(1);
    expect(judged.certificate).toMatchObject({
      ocspStapled: true,
      ocspStatus: "revoked",
      ocsp: { signatureValid: true, expired: false },
    });
  });

  it("is null, never a shorter list, when a probe failed", () => {
    const failure = {
      probe: "certificates/rsa/TLSv1.2",
      code: "timeout" as const,
      message: "no reply",
    };
    const judged = judgeServedChains(
      judgedDefault(ecdsa, null),
      { sightings: [sighting(ecdsa, null)], complete: false, errors: [failure] },
      options(),
    );
    expect(judged.certificates).toBeNull();
    expect(judged.certificate).not.toBeNull();
    expect(judged.errors).toEqual([failure]);
    // Nothing served and nothing known: no list either.
    expect(
      judgeServedChains(null, { sightings: [], complete: true, errors: [] }, options())
        .certificates,
    ).toBeNull();
  });
});

describe("probeServedChains at TLS 1.3", () => {
  const noLegacy = {
    SSLv2: false,
    SSLv3: false,
    "TLSv1.0": false,
    "TLSv1.1": false,
    "TLSv1.2": false,
    "TLSv1.3": true,
  } as const;

  it("reads a close in the middle of the server's flight as unknown, not as no chain", async () => {
    // A real node:tls server holding one ECDSA chain, behind a relay that passes back only its
    // first record: the refusals of RSA and EdDSA are alerts (one record, passed whole); the
    // ECDSA handshake is cut after its ServerHello.
    const server = await startNodeTlsServer({
      key: ecdsa.leaf.keyPem,
      cert: pemBundle(ecdsa.leaf, ecdsa.intermediate),
      minVersion: "TLSv1.3",
    });
    const relay = await startFirstRecordRelay(server.port);
    try {
      const served = await probeServedChains(noLegacy, {
        endpoint: { address: "127.0.0.1", port: relay.port },
        sni: "leaf.test",
        timeoutMs: 5000,
        runConnection: (connection) => connection(),
      });
      expect(relay.connections).toBe(3);
      expect(served.sightings).toEqual([]);
      expect(served.complete).toBe(false);
      expect(served.errors).toEqual([
        {
          probe: "certificates/ecdsa/TLSv1.3",
          code: "closed",
          message: expect.stringMatching(/during the handshake, after sending \d+ bytes$/),
        },
      ]);
      // Without the relay the same server serves its chain to the ECDSA probe only.
      const direct = await probeServedChains(noLegacy, {
        endpoint: { address: "127.0.0.1", port: server.port },
        sni: "leaf.test",
        timeoutMs: 5000,
        runConnection: (connection) => connection(),
      });
      expect(direct.errors).toEqual([]);
      expect(direct.complete).toBe(true);
      expect(direct.sightings.map((s) => [s.askedFor, s.chain[0]])).toEqual([
        ["ecdsa", ecdsa.leaf.der],
      ]);
    } finally {
      await Promise.all([relay.stop(), server.stop()]);
    }
  });
});

describe("probeServedChains half-close", () => {
  const tls12Only = {
    SSLv2: false,
    SSLv3: false,
    "TLSv1.0": false,
    "TLSv1.1": false,
    "TLSv1.2": true,
    "TLSv1.3": false,
  } as const;
  /** One connection at a time, in the order asked: what one probe learns, the next uses. */
  const oneAtATime = (): (<T>(connection: () => Promise<T>) => Promise<T>) => {
    let tail: Promise<unknown> = Promise.resolve();
    return <T>(connection: () => Promise<T>): Promise<T> => {
      const run = tail.then(connection);
      tail = run.catch(() => undefined);
      return run;
    };
  };

  it("shares the scan's half-close state behind a relay that stops on the client's FIN", async () => {
    // A real node:tls server with one RSA chain, behind a scripted relay (see fin-relay.ts).
    const server = await startNodeTlsServer({
      key: rsa.leaf.keyPem,
      cert: pemBundle(rsa.leaf, rsa.intermediate),
      maxVersion: "TLSv1.2",
    });
    const relay = await startRelayStoppingOnFin(server.port);
    try {
      const options = {
        endpoint: { address: "127.0.0.1", port: relay.port },
        sni: "leaf.test",
        timeoutMs: 1000,
        retries: 0,
        runConnection: oneAtATime(),
      };
      // On its own, the first half-closed hello times out, is asked again plainly, and the
      // rest go plain.
      const state = new HalfCloseState(true);
      const alone = await probeServedChains(tls12Only, { ...options, halfClose: state });
      expect(alone.errors).toEqual([]);
      expect(alone.sightings.map((s) => [s.askedFor, s.chain[0]])).toEqual([["rsa", rsa.leaf.der]]);
      expect(state.on).toBe(false);
      expect(relay.halfClosed[0]).toBe(true);
      expect(relay.halfClosed.slice(1)).toEqual(relay.halfClosed.slice(1).map(() => false));
      // With the scan's state (turned off by its own probes), none is half-closed at all.
      const before = relay.halfClosed.length;
      const shared = await probeServedChains(tls12Only, { ...options, halfClose: state });
      expect(shared.sightings.map((s) => [s.askedFor, s.chain[0]])).toEqual([
        ["rsa", rsa.leaf.der],
      ]);
      expect(relay.halfClosed.length).toBeGreaterThan(before);
      expect(relay.halfClosed.slice(before).includes(true)).toBe(false);
    } finally {
      await Promise.all([relay.stop(), server.stop()]);
    }
  });
});
