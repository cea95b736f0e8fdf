import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { dhParams, getCredential } from "./credentials.js";
import {
  confirmWithGnutlsClient,
  confirmWithOpenSslClient,
  gnutlsCipherCodes,
  gnutlsPriorityInfo,
  gnutlsServerTruth,
  gnutlsSuitePriority,
  opensslServerTruth,
  opensslCatalog,
  opensslCipherCodes,
  opensslCipherList,
  parseGnutlsList,
  parseOpenSslCiphers,
  parseSecurityLevel,
  sampleOf,
} from "./ground-truth.js";
import type { ServerTruth } from "./ground-truth.js";
import { startGnutlsServer } from "./servers/gnutls-server.js";
import type { GnutlsServer } from "./servers/gnutls-server.js";
import { startOpenSslServer } from "./servers/openssl-server.js";
import type { OpenSslServer } from "./servers/openssl-server.js";
import { TLS_VERSIONS } from "./tls-versions.js";

/** Fixed: a failing sample must be the same sample on the next run. */
const SEED = 0x7150;

const ECDHE_ECDSA_AES128_GCM = "0xC02B";
const ECDHE_RSA_AES128_GCM = "0xC02F";
const ECDHE_RSA_AES256_GCM = "0xC030";

describe("parsers", () => {
  it("parses `openssl ciphers -V` lines into ScanReport codes", () => {
    const output = [
      "          0xC0,0x2F - ECDHE-RSA-AES128-GCM-SHA256    TLSv1.2 Kx=ECDH     Au=RSA   Enc=AESGCM(128)            Mac=AEAD",
      "          0x13,0x03 - TLS_CHACHA20_POLY1305_SHA256   TLSv1.3 Kx=any      Au=any   Enc=CHACHA20/POLY1305(256) Mac=AEAD",
      "          0x00,0x2F - AES128-SHA                     SSLv3   Kx=RSA      Au=RSA   Enc=AES(128)               Mac=SHA1",
    ].join("\n");
    expect(parseOpenSslCiphers(output)).toEqual([
      {
        code: "0xC02F",
        name: "ECDHE-RSA-AES128-GCM-SHA256",
        minVersion: "TLSv1.2",
        kx: "ECDH",
        au: "RSA",
        enc: "AESGCM(128)",
        mac: "AEAD",
      },
      {
        code: "0x1303",
        name: "TLS_CHACHA20_POLY1305_SHA256",
        minVersion: "TLSv1.3",
        kx: "any",
        au: "any",
        enc: "CHACHA20/POLY1305(256)",
        mac: "AEAD",
      },
      {
        code: "0x002F",
        name: "AES128-SHA",
        minVersion: "SSLv3",
        kx: "RSA",
        au: "RSA",
        enc: "AES(128)",
        mac: "SHA1",
      },
    ]);
  });

  it("parses `gnutls-cli --list`", () => {
    const output = [
      "Cipher suites for NORMAL",
      "TLS_AES_256_GCM_SHA384                            \t0x13, 0x02\tTLS1.3",
      "TLS_ECDHE_RSA_AES_128_CBC_SHA1                    \t0xc0, 0x13\tTLS1.0",
      "",
      "Protocols: VERS-TLS1.3, VERS-TLS1.2, VERS-DTLS1.2",
      "Key Exchange Algorithms: ECDHE-RSA, RSA",
      "Groups: GROUP-SECP256R1, GROUP-X25519",
    ].join("\n");
    expect(parseGnutlsList(output)).toMatchObject({
      suites: [
        { code: "0x1302", name: "TLS_AES_256_GCM_SHA384", minVersion: "TLSv1.3" },
        { code: "0xC013", name: "TLS_ECDHE_RSA_AES_128_CBC_SHA1", minVersion: "TLSv1.0" },
      ],
      protocols: ["TLSv1.2", "TLSv1.3"],
      keyExchanges: ["ECDHE-RSA", "RSA"],
      groups: ["GROUP-SECP256R1", "GROUP-X25519"],
    });
  });

  it("reads the security level a cipher string names", () => {
    expect(parseSecurityLevel("ALL:@SECLEVEL=0")).toBe(0);
    expect(parseSecurityLevel("@SECLEVEL=2:ALL:@SECLEVEL=1")).toBe(1);
    expect(parseSecurityLevel("DEFAULT")).toBeNull();
  });

  it("samples deterministically, in order", () => {
    const items = Array.from({ length: 50 }, (_, index) => index);
    const sample = sampleOf(items, 10, SEED);
    expect(sample).toEqual(sampleOf(items, 10, SEED));
    expect(sample).toHaveLength(10);
    expect(new Set(sample).size).toBe(10);
    expect([...sample].sort((a, b) => a - b)).toEqual(sample);
    expect(sampleOf(items, 10, SEED + 1)).not.toEqual(sample);
    expect(sampleOf([1, 2], 10, SEED)).toEqual([1, 2]);
  });
});

describe("openssl truth, confirmed by s_client", { timeout: 30_000 }, () => {
  describe("legacy s_server -cipher 'ALL:@SECLEVEL=0' -tls1_2 with an RSA certificate", () => {
    let server: OpenSslServer;
    let truth: ServerTruth;

    beforeAll(async () => {
      server = await startOpenSslServer({ cipher: "ALL:@SECLEVEL=0", protocol: "TLSv1.2" });
      truth = await opensslServerTruth(server.config);
    }, 30_000);
    afterAll(() => server.stop());

    it("derives the TLS 1.2 list and only it", () => {
      expect(truth.protocols).toEqual({
        "TLSv1.0": false,
        "TLSv1.1": false,
        "TLSv1.2": true,
        "TLSv1.3": false,
      });
      expect(truth.cipherSuites["TLSv1.2"]).toContain(ECDHE_RSA_AES128_GCM);
      // The certificate limits the list: openssl itself lists ECDSA suites for this string.
      expect(truth.cipherSuites["TLSv1.2"]).not.toContain(ECDHE_ECDSA_AES128_GCM);
    });

    it("each of a sample of 10 truth codes negotiates, alone, with s_client", async () => {
      const sample = sampleOf(truth.cipherSuites["TLSv1.2"], 10, SEED);
      expect(sample).toHaveLength(10);
      for (const code of sample) {
        const handshake = await confirmWithOpenSslClient(server, {
          protocol: "TLSv1.2",
          suites: [code],
        });
        expect({ code, ok: handshake.ok, negotiated: handshake.code }).toEqual({
          code,
          ok: true,
          negotiated: code,
        });
        expect(handshake.protocol).toBe("TLSv1.2");
      }
    });

    it("a code outside the truth does not negotiate (handshake_failure)", async () => {
      const handshake = await confirmWithOpenSslClient(server, {
        protocol: "TLSv1.2",
        suites: [ECDHE_ECDSA_AES128_GCM],
      });
      expect(handshake).toMatchObject({ ok: false, code: null, alert: 40 });
    });

    it("the versions outside the truth do not negotiate", async () => {
      for (const version of TLS_VERSIONS.filter((v) => !truth.protocols[v])) {
        const handshake = await confirmWithOpenSslClient(server, { protocol: version });
        // protocol_version
        expect({ version, ok: handshake.ok, alert: handshake.alert }).toEqual({
          version,
          ok: false,
          alert: 70,
        });
      }
    });
  });

  it("TLS 1.0 exists only at @SECLEVEL=0, although `ciphers -s -tls1` lists suites at level 1", async () => {
    const listedAtLevel1 = await opensslCipherList("ALL:@SECLEVEL=1", "TLSv1.0");
    expect(listedAtLevel1.length).toBeGreaterThan(0);
    expect(await opensslCipherCodes("ALL:@SECLEVEL=1", "TLSv1.0", { keyTypes: ["rsa"] })).toEqual(
      [],
    );

    const level1 = await startOpenSslServer({ cipher: "ALL:@SECLEVEL=1" });
    try {
      const truth = await opensslServerTruth(level1.config);
      expect(truth.protocols["TLSv1.0"]).toBe(false);
      const refused = await confirmWithOpenSslClient(level1, { protocol: "TLSv1.0" });
      // internal_error, not protocol_version: the security check fails, not the version.
      expect(refused).toMatchObject({ ok: false, alert: 80 });
    } finally {
      await level1.stop();
    }

    const level0 = await startOpenSslServer({ cipher: "ALL:@SECLEVEL=0" });
    try {
      const truth = await opensslServerTruth(level0.config);
      expect(truth.protocols).toEqual({
        "TLSv1.0": true,
        "TLSv1.1": true,
        "TLSv1.2": true,
        "TLSv1.3": true,
      });
      for (const code of sampleOf(truth.cipherSuites["TLSv1.0"], 5, SEED)) {
        const handshake = await confirmWithOpenSslClient(level0, {
          protocol: "TLSv1.0",
          suites: [code],
        });
        expect({ code, protocol: handshake.protocol, negotiated: handshake.code }).toEqual({
          code,
          protocol: "TLSv1.0",
          negotiated: code,
        });
      }
      // A TLS 1.2-only suite is not a TLS 1.0 suite.
      expect(truth.cipherSuites["TLSv1.0"]).not.toContain(ECDHE_RSA_AES128_GCM);
      const gcmAt10 = await confirmWithOpenSslClient(level0, {
        protocol: "TLSv1.0",
        suites: [ECDHE_RSA_AES128_GCM],
      });
      expect(gcmAt10.ok).toBe(false);
    } finally {
      await level0.stop();
    }
  });

  it("with RSA and ECDSA certificates (-cert/-dcert) both kinds of suite negotiate", async () => {
    const rsa = await getCredential("rsa2048");
    const ecdsa = await getCredential("ecdsa-p384");
    const server = await startOpenSslServer({
      credentials: [rsa, ecdsa],
      cipher: "ECDHE:@SECLEVEL=1",
      protocol: "TLSv1.2",
    });
    try {
      const truth = await opensslServerTruth(server.config);
      expect(truth.cipherSuites["TLSv1.2"]).toEqual(
        expect.arrayContaining([ECDHE_ECDSA_AES128_GCM, ECDHE_RSA_AES128_GCM]),
      );
      const ecdsaOnly = await opensslCipherCodes("ECDHE:@SECLEVEL=1", "TLSv1.2", {
        keyTypes: ["ecdsa"],
      });
      expect(ecdsaOnly).toContain(ECDHE_ECDSA_AES128_GCM);
      expect(ecdsaOnly).not.toContain(ECDHE_RSA_AES128_GCM);
      for (const code of [ECDHE_ECDSA_AES128_GCM, ECDHE_RSA_AES128_GCM]) {
        const handshake = await confirmWithOpenSslClient(server, {
          protocol: "TLSv1.2",
          suites: [code],
        });
        expect(handshake.code).toBe(code);
      }
    } finally {
      await server.stop();
    }
  });

  it("-serverpref picks the server's first suite (openssl's list order); without it, the client's", async () => {
    const cipher = "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=1";
    const preferring = await startOpenSslServer({ cipher, serverPreference: true });
    const following = await startOpenSslServer({ cipher });
    try {
      const truth = await opensslServerTruth(preferring.config);
      expect(truth.serverPreference).toBe(true);
      expect(truth.cipherSuites["TLSv1.2"]).toEqual([ECDHE_RSA_AES256_GCM, ECDHE_RSA_AES128_GCM]);
      for (const offer of [
        [ECDHE_RSA_AES128_GCM, ECDHE_RSA_AES256_GCM],
        [ECDHE_RSA_AES256_GCM, ECDHE_RSA_AES128_GCM],
      ]) {
        const server = await confirmWithOpenSslClient(preferring, {
          protocol: "TLSv1.2",
          suites: offer,
        });
        expect(server.code).toBe(ECDHE_RSA_AES256_GCM);
        const client = await confirmWithOpenSslClient(following, {
          protocol: "TLSv1.2",
          suites: offer,
        });
        expect(client.code).toBe(offer[0]);
      }
    } finally {
      await Promise.all([preferring.stop(), following.stop()]);
    }
  });

  it("TLS 1.3 follows -ciphersuites", async () => {
    const server = await startOpenSslServer({
      protocol: "TLSv1.3",
      ciphersuites: "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256",
    });
    try {
      const truth = await opensslServerTruth(server.config);
      expect(truth.cipherSuites["TLSv1.3"]).toEqual(["0x1303", "0x1304"]);
      for (const code of truth.cipherSuites["TLSv1.3"]) {
        const handshake = await confirmWithOpenSslClient(server, {
          protocol: "TLSv1.3",
          suites: [code],
        });
        expect(handshake).toMatchObject({ ok: true, protocol: "TLSv1.3", code });
      }
      const outside = await confirmWithOpenSslClient(server, {
        protocol: "TLSv1.3",
        suites: ["0x1301"],
      });
      expect(outside.ok).toBe(false);
    } finally {
      await server.stop();
    }
  });

  it("DH size follows -dhparam, and ECDHE dies when -groups names no curve", async () => {
    const server = await startOpenSslServer({
      cipher: "ALL:@SECLEVEL=0",
      protocol: "TLSv1.2",
      dhparam: dhParams(1024).path,
      groups: "ffdhe2048",
    });
    try {
      const dhe = await confirmWithOpenSslClient(server, {
        protocol: "TLSv1.2",
        suites: ["0x009E"], // DHE-RSA-AES128-GCM-SHA256
      });
      expect(dhe).toMatchObject({ ok: true, keyExchange: "DH, 1024 bits" });

      const truth = await opensslServerTruth(server.config);
      const listed = await opensslCipherList("ALL:@SECLEVEL=0", "TLSv1.2");
      expect(listed.map((cipher) => cipher.code)).toContain(ECDHE_RSA_AES128_GCM);
      expect(truth.cipherSuites["TLSv1.2"]).not.toContain(ECDHE_RSA_AES128_GCM);
      const ecdhe = await confirmWithOpenSslClient(server, {
        protocol: "TLSv1.2",
        suites: [ECDHE_RSA_AES128_GCM],
      });
      expect(ecdhe.ok).toBe(false);
    } finally {
      await server.stop();
    }
  });

  it("knows every suite of the local openssl by code and by name", async () => {
    const catalog = await opensslCatalog();
    expect(catalog.byCode.get("0xC02F")?.name).toBe("ECDHE-RSA-AES128-GCM-SHA256");
    expect(catalog.byName.get("TLS_AES_128_CCM_8_SHA256")?.code).toBe("0x1305");
  });
});

describe("GnuTLS truth, confirmed by gnutls-cli and s_client", { timeout: 30_000 }, () => {
  const LEGACY =
    "NORMAL:+VERS-TLS1.0:+VERS-TLS1.1:+3DES-CBC:+ARCFOUR-128:+CAMELLIA-128-CBC:+CAMELLIA-256-CBC:+ANON-DH:+ANON-ECDH";
  let server: GnutlsServer;
  let truth: ServerTruth;

  beforeAll(async () => {
    server = await startGnutlsServer({ priority: LEGACY });
    truth = await gnutlsServerTruth(server.config);
  }, 30_000);
  afterAll(() => server.stop());

  it("derives per-version lists filtered by the RSA certificate", async () => {
    expect(truth.protocols["TLSv1.2"]).toBe(true);
    expect(truth.protocols["TLSv1.3"]).toBe(true);
    expect(truth.serverPreference).toBe(false);
    const listed = (await gnutlsPriorityInfo(LEGACY)).suites.map((suite) => suite.code);
    expect(listed).toContain(ECDHE_ECDSA_AES128_GCM);
    expect(truth.cipherSuites["TLSv1.2"]).not.toContain(ECDHE_ECDSA_AES128_GCM);
    expect(truth.cipherSuites["TLSv1.3"].every((code) => code.startsWith("0x13"))).toBe(true);
  });

  it("each of a sample of 10 TLS 1.2 truth codes negotiates with gnutls-cli, and with s_client where openssl knows it", async () => {
    const sample = sampleOf(truth.cipherSuites["TLSv1.2"], 10, SEED);
    expect(sample).toHaveLength(10);
    const catalog = await opensslCatalog();
    for (const code of sample) {
      const gnutls = await confirmWithGnutlsClient(server, { protocol: "TLSv1.2", suite: code });
      expect({ code, ok: gnutls.ok, negotiated: gnutls.code }).toEqual({
        code,
        ok: true,
        negotiated: code,
      });
      if (catalog.byCode.has(code)) {
        const openssl = await confirmWithOpenSslClient(server, {
          protocol: "TLSv1.2",
          suites: [code],
        });
        expect({ code, negotiated: openssl.code }).toEqual({ code, negotiated: code });
      }
    }
  });

  it("TLS 1.0 and 1.3 truth codes negotiate too", async () => {
    for (const version of ["TLSv1.0", "TLSv1.3"] as const) {
      for (const code of sampleOf(truth.cipherSuites[version], 3, SEED)) {
        const handshake = await confirmWithGnutlsClient(server, { protocol: version, suite: code });
        expect({ code, protocol: handshake.protocol, negotiated: handshake.code }).toEqual({
          code,
          protocol: version,
          negotiated: code,
        });
      }
    }
  });

  it("a code outside the truth does not negotiate", async () => {
    const handshake = await confirmWithGnutlsClient(server, {
      protocol: "TLSv1.2",
      suite: ECDHE_ECDSA_AES128_GCM,
    });
    expect(handshake).toMatchObject({ ok: false, code: null, alert: 40 });
  });

  it("builds a one-suite priority and checks it against --list", async () => {
    expect(await gnutlsSuitePriority("0x000A", "TLSv1.0")).toBe(
      "NONE:+VERS-TLS1.0:+RSA:+3DES-CBC:+SHA1:+SIGN-ALL:+GROUP-ALL:+COMP-NULL",
    );
    await expect(gnutlsSuitePriority(ECDHE_RSA_AES128_GCM, "TLSv1.0")).rejects.toMatchObject({
      code: "bad-input",
    });
  });

  it("`+NULL` silently removes TLS 1.3 from a priority", async () => {
    expect((await gnutlsPriorityInfo("NORMAL")).protocols).toContain("TLSv1.3");
    expect((await gnutlsPriorityInfo("NORMAL:+NULL")).protocols).not.toContain("TLSv1.3");
    expect(
      await gnutlsCipherCodes("NORMAL:+NULL", { keyTypes: ["rsa"], protocol: "TLSv1.3" }),
    ).toEqual([]);
  });
});
