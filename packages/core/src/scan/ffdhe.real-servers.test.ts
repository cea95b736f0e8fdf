// Finite-field DHE in TLS ≤ 1.2: RFC 7919 groups negotiated by gnutls-serv (truth: its priority
// string, confirmed one group at a time by gnutls-cli), and the primes of openssl s_server
// -dhparam named or not (truth: the parameter file, confirmed by the dh_p that openssl s_client
// -trace reads from the ServerKeyExchange).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { devNull } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  confirmWithGnutlsClient,
  confirmWithOpenSslClient,
  dhParams,
  dhPrimeOfPem,
  harnessTempDir,
  startGnutlsServer,
  startOpenSslServer,
} from "@tlsgate/testing";
import type { TestServer } from "@tlsgate/testing";
import { groupByName } from "../registry/index.js";
import type { ScanReport } from "../scan-report/types.js";
import { expectValidReport, groupsOf, targetOf } from "../../test/support/scan-truth.js";
import { scan } from "./scan.js";

const DHE_ONLY_TLS12 = "NORMAL:-VERS-TLS1.3:-KX-ALL:+DHE-RSA";
const FFDHE = ["FFDHE2048", "FFDHE3072", "FFDHE4096", "FFDHE6144", "FFDHE8192"] as const;
/** The groups the gnutls-serv below is configured with. */
const FFDHE_CONFIGURED = ["ffdhe3072", "ffdhe4096"];

/** The prime of a PEM "DH PARAMETERS" file, upper-case hex without leading zeros. */
function primeOfPemFile(path: string): string {
  return Buffer.from(dhPrimeOfPem(readFileSync(path, "utf8")))
    .toString("hex")
    .toUpperCase();
}

/** dh_p of the ServerKeyExchange as openssl s_client -trace prints it (upper-case hex). */
async function servedPrime(server: TestServer, cipher: string): Promise<string> {
  const handshake = await confirmWithOpenSslClient(server, {
    protocol: "TLSv1.2",
    cipher,
    extraArgs: ["-trace"],
  });
  const prime = /dh_p \(len=\d+\): ([0-9A-F]+)/.exec(handshake.output)?.[1];
  if (!handshake.ok || prime === undefined) throw new Error(`no dh_p:\n${handshake.output}`);
  return prime.replace(/^(?:00)+/, "");
}

describe("FFDHE groups in TLS 1.2: gnutls-serv with ffdhe3072 and ffdhe4096 only", () => {
  let server: TestServer;
  let report: ScanReport;
  beforeAll(async () => {
    server = await startGnutlsServer({
      priority: `${DHE_ONLY_TLS12}:-GROUP-ALL:+GROUP-FFDHE3072:+GROUP-FFDHE4096`,
    });
    report = await scan(targetOf(server));
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("lists exactly the configured groups, as gnutls-cli negotiates them", async () => {
    expectValidReport(report);
    const truth = FFDHE_CONFIGURED.map((name) => groupByName(name)?.hex);
    const confirmed = await Promise.all(
      FFDHE.map(async (group) => {
        const handshake = await confirmWithGnutlsClient(server, {
          protocol: "TLSv1.2",
          priority: `${DHE_ONLY_TLS12}:-GROUP-ALL:+GROUP-${group}`,
        });
        return handshake.keyExchange === `DHE-${group}` ? groupByName(group)?.hex : null;
      }),
    );
    expect(confirmed.filter((code) => code !== null)).toEqual(truth);
    expect(groupsOf(report, "TLSv1.2")).toEqual(truth);
    expect(report.errors.filter((error) => error.probe.startsWith("groups"))).toEqual([]);
  });

  it("names the prime the server uses when the client offers no group", async () => {
    // Without an ffdhe offer GnuTLS keeps a group of its own; s_client -trace reads which.
    const served = await servedPrime(server, "DHE:@SECLEVEL=0");
    // Which RFC 7919 group that is, by OpenSSL's own primes for the groups configured, not by
    // tlsgate's table.
    const named = FFDHE_CONFIGURED.find(
      (name) =>
        Buffer.from(
          dhPrimeOfPem(
            execFileSync(
              "openssl",
              ["genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", `group:${name}`],
              {
                encoding: "utf8",
              },
            ),
          ),
        ).toString("hex") === served.toLowerCase(),
    );
    expect(named).toBeDefined();
    expect(report.dh).toEqual({
      supported: true,
      bits: served.length * 4,
      primes: [
        {
          name: named,
          bits: served.length * 4,
          wellKnown: true,
          short: false,
          reference: expect.stringContaining("RFC 7919") as unknown as string,
        },
      ],
    });
  });
});

describe("DH primes of openssl s_server -dhparam: named when well known, flagged when short", () => {
  const cases = [
    {
      name: "a custom 1024-bit prime",
      file: () => dhParams(1024).path,
      cipher: "DHE-RSA-AES128-SHA:@SECLEVEL=0",
      expected: { name: null, bits: 1024, wellKnown: false, short: true, reference: null },
    },
    {
      name: "RFC 3526 group 14 (2048 bits)",
      file: () => {
        const path = join(harnessTempDir(), "modp2048.pem");
        execFileSync(
          "openssl",
          ["genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:modp_2048", "-out", path],
          { env: { ...process.env, OPENSSL_CONF: devNull } },
        );
        return path;
      },
      cipher: "DHE-RSA-AES128-GCM-SHA256",
      expected: {
        name: "modp2048",
        bits: 2048,
        wellKnown: true,
        short: false,
        reference: expect.stringContaining("RFC 3526") as unknown as string,
      },
    },
  ];
  for (const testCase of cases) {
    it(
      testCase.name,
      async () => {
        const file = testCase.file();
        const server = await startOpenSslServer({
          protocol: "TLSv1.2",
          cipher: `${testCase.cipher.split(":")[0] ?? ""}:@SECLEVEL=0`,
          dhparam: file,
        });
        try {
          const [report, served] = await Promise.all([
            scan(targetOf(server)),
            servedPrime(server, testCase.cipher),
          ]);
          // The server serves the prime of its file (truth), as s_client reads it.
          expect(served).toBe(primeOfPemFile(file));
          expectValidReport(report);
          expect(report.dh).toEqual({
            supported: true,
            bits: testCase.expected.bits,
            primes: [testCase.expected],
          });
          // OpenSSL does not negotiate RFC 7919 groups in TLS 1.2: its own prime is no offered group.
          expect(groupsOf(report, "TLSv1.2")).toEqual([]);
        } finally {
          await server.stop();
        }
      },
      120_000,
    );
  }
});
