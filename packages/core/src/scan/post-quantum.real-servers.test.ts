// Post-quantum hybrid groups against an independent TLS stack: a node:tls server under Node 24
// (OpenSSL 3.5, ML-KEM hybrids) in a child process. Truth: the server's `ecdhCurve`, confirmed by a
// Node 24 client that offers one group at a time and reads the group of the key exchange.
//
// Which peers remain own-codec only (raw servers in scan.raw-servers.test.ts), and why:
// - SSLv3: Debian's openssl 3.0 is built without it (s_server has -no_ssl3 only, no -ssl3),
//   GnuTLS 3.7 has no VERS-SSL3.0 any more, Node refuses "SSLv3" as minVersion, and node-forge
//   speaks TLS 1.0/1.1 only. No Debian or npm stack here still serves SSLv3.
// - SSLv2: no stack in Debian or npm speaks it (removed from OpenSSL in 1.1.0).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confirmGroupsWithNode24Client, startNode24TlsServer } from "@tlsgate/testing";
import type { Node24TlsServer } from "@tlsgate/testing";
import type { ScanReport } from "../scan-report/types.js";
import {
  expectValidReport,
  groupCodes,
  groupsOf,
  targetOf,
} from "../../test/support/scan-truth.js";
import { scan } from "./scan.js";

const CONFIGURED = ["X25519MLKEM768", "SecP256r1MLKEM768", "X25519"];
/** Offered one at a time by the second client: the configured groups and some that are not. */
const CANDIDATES = [...CONFIGURED, "SecP384r1MLKEM1024", "P-256", "P-384", "X448"];

describe("ML-KEM hybrids: node:tls under Node 24 with ecdhCurve X25519MLKEM768:SecP256r1MLKEM768:X25519", () => {
  let server: Node24TlsServer;
  let report: ScanReport;
  beforeAll(async () => {
    server = await startNode24TlsServer({ ecdhCurve: CONFIGURED.join(":") });
    report = await scan(targetOf(server));
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("finds exactly the configured TLS 1.3 groups, as a Node 24 client negotiates them", async () => {
    expectValidReport(report);
    const confirmed = await confirmGroupsWithNode24Client(server, CANDIDATES);
    expect(groupCodes(confirmed)).toEqual(groupCodes(CONFIGURED));
    expect(groupsOf(report, "TLSv1.3")).toEqual(groupCodes(CONFIGURED));
    const hybrids = (report.groups ?? []).filter((group) => group.postQuantum);
    expect(hybrids.map((group) => group.name).sort()).toEqual([
      "SecP256r1MLKEM768",
      "X25519MLKEM768",
    ]);
  });
});
