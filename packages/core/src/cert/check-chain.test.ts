import { beforeAll, describe, expect, it } from "vitest";
import { PKI_NOW, createChain, createOcspResponse, type TestChain } from "@tlsgate/testing/pki";
import { checkCertificateChain } from "./check-chain.js";
import { createTrustStore, type TrustStore } from "./trust-store.js";

let chain: TestChain;
let store: TrustStore;
beforeAll(async () => {
  chain = await createChain({ name: "report" });
  store = createTrustStore([chain.root.pem]);
});

describe("checkCertificateChain", () => {
  it("assembles the certificate report", async () => {
    const ocspResponse = await createOcspResponse({
      certificate: chain.leaf,
      issuer: chain.intermediate,
      status: "good",
    });
    const { certificate, errors } = checkCertificateChain(
      [chain.leaf.der, chain.intermediate.der],
      {
        host: "leaf.test",
        store,
        now: PKI_NOW,
        ocspResponse,
      },
    );
    expect(errors).toEqual([]);
    expect(certificate).toMatchObject({
      trusted: true,
      trustError: null,
      hostnameMatch: true,
      chainComplete: true,
      chainOrder: true,
      ocspStapled: true,
      ocspStatus: "good",
    });
    expect(certificate?.chain.map((entry) => entry.subject)).toEqual([
      "CN=leaf.test,O=tlsgate",
      "CN=report intermediate,O=tlsgate",
    ]);
  });

  it("keeps unknown facts null and says why", () => {
    const served = [chain.leaf.der, new Uint8Array([0x30, 0x00]), chain.intermediate.der];
    const { certificate, errors } = checkCertificateChain(served, {
      host: "other.test",
      store,
      now: PKI_NOW,
      ocspResponse: new Uint8Array([0x30, 0x00]),
    });
    expect(certificate).toMatchObject({
      trusted: true,
      hostnameMatch: false,
      chainOrder: null,
      ocspStapled: true,
      ocspStatus: null,
    });
    expect(certificate?.chain).toHaveLength(2);
    expect(errors.map((error) => [error.probe, error.code])).toEqual([
      ["certificate", "certificate"],
      ["certificate", "certificate"],
      ["certificate/ocsp", "certificate"],
    ]);
  });

  it("says ocsp false only when a handshake told, and null otherwise", () => {
    const options = { host: "leaf.test", store, now: PKI_NOW };
    const der = [chain.leaf.der, chain.intermediate.der];
    expect(
      checkCertificateChain(der, { ...options, ocspResponse: null }).certificate,
    ).toMatchObject({
      ocspStapled: false,
      ocspStatus: null,
    });
    expect(checkCertificateChain(der, options).certificate).toMatchObject({
      ocspStapled: null,
      ocspStatus: null,
    });
    const rebuilt = checkCertificateChain(der, { ...options, servedOrder: false });
    expect(rebuilt.certificate?.chainOrder).toBeNull();
    expect(rebuilt.errors[0]?.message).toMatch(/served order/);
  });

  it("gives no report for an unreadable leaf or an empty chain", () => {
    const options = { host: "leaf.test", store, now: PKI_NOW };
    expect(checkCertificateChain([new Uint8Array([1])], options)).toMatchObject({
      certificate: null,
    });
    expect(checkCertificateChain([], options).errors[0]?.message).toBe(
      "the server sent no certificate",
    );
  });
});
