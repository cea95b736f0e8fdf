/**
 * `allAddresses`: one report per address a name resolves to, through the `lookupAll` seam (no
 * real DNS). Two real node:tls servers share a port, one on 127.0.0.1 (TLS 1.2 only) and one on
 * ::1 (TLS 1.3 only), so each report shows which server it came from; openssl s_client confirms
 * what each address speaks.
 */
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confirmWithOpenSslClient, getCredential } from "@tlsgate/testing";
import { resolveAllAddresses, type LookupAllFunction } from "../probe/resolve-target.js";
import { parseTarget } from "../probe/target.js";
import { expandAddresses } from "./all-addresses.js";
import { planRun } from "./plan.js";
import { runPlan } from "./run.js";

const NAME = "round-robin.test";
let v4: Server;
let v6: Server;
let port = 0;

const listen = (server: Server, host: string, at: number): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(at, host, () => resolve((server.address() as AddressInfo).port));
  });

beforeAll(async () => {
  const credential = await getCredential("ecdsa-p256");
  const tls = { cert: credential.certPem, key: credential.keyPem };
  // The same port on both addresses; another process may hold it on ::1, so try a few.
  for (let attempt = 0; attempt < 10 && port === 0; attempt++) {
    v4 = createServer({ ...tls, minVersion: "TLSv1.2", maxVersion: "TLSv1.2" }, (s) => s.end());
    v6 = createServer({ ...tls, minVersion: "TLSv1.3" }, (s) => s.end());
    const chosen = await listen(v4, "127.0.0.1", 0);
    try {
      port = await listen(v6, "::1", chosen);
    } catch {
      v4.close();
    }
  }
  expect(port).toBeGreaterThan(0);
}, 60_000);

afterAll(() => {
  v4.close();
  v6.close();
});

const lookups: string[] = [];
const lookupAll: LookupAllFunction = (hostname) => {
  lookups.push(hostname);
  return Promise.resolve(
    hostname === NAME
      ? [{ address: "127.0.0.1" }, { address: "::1" }, { address: "127.0.0.1" }]
      : Promise.reject(new Error(`queryA ENOTFOUND ${hostname}`)),
  );
};

describe("expandAddresses", () => {
  const planned = (input: string) => ({
    input,
    target: parseTarget(input),
    saved: null,
    policy: null as never,
    policyRef: "baseline",
    policyFile: null,
  });

  it("names one target per distinct address, host@address:port, keeping SNI and the host", async () => {
    const expanded = await expandAddresses([planned(`https://${NAME}:8443/path`)], {
      timeoutMs: 5000,
      lookupAll,
    });
    expect(expanded.map((p) => p.input)).toEqual([`${NAME}@127.0.0.1:8443`, `${NAME}@[::1]:8443`]);
    expect(expanded.map((p) => p.target)).toMatchObject([
      {
        input: `${NAME}@127.0.0.1:8443`,
        host: NAME,
        port: 8443,
        sni: NAME,
        connectAddress: "127.0.0.1",
        isWeb: true,
      },
      {
        input: `${NAME}@[::1]:8443`,
        host: NAME,
        port: 8443,
        sni: NAME,
        connectAddress: "::1",
        isWeb: true,
      },
    ]);
  });

  it("leaves IP literals and host@ip alone without a look-up", async () => {
    lookups.length = 0;
    const inputs = ["127.0.0.1:9000", "[::1]:9000", `${NAME}@127.0.0.1:9000`];
    const expanded = await expandAddresses(inputs.map(planned), { timeoutMs: 5000, lookupAll });
    expect(expanded.map((p) => p.input)).toEqual(inputs);
    expect(lookups).toEqual([]);
  });

  it("keeps a name that does not resolve as it is, for its scan to report the DNS failure", async () => {
    const expanded = await expandAddresses([planned("nowhere.test")], {
      timeoutMs: 5000,
      lookupAll,
    });
    expect(expanded.map((p) => p.input)).toEqual(["nowhere.test"]);
  });
});

describe("resolveAllAddresses", () => {
  it("reports a failed look-up as dns and a silent one as timeout", async () => {
    await expect(
      resolveAllAddresses(parseTarget("nowhere.test"), { timeoutMs: 5000, lookupAll }),
    ).resolves.toEqual({
      ok: false,
      code: "dns",
      message: "nowhere.test: queryA ENOTFOUND nowhere.test",
    });
    await expect(
      resolveAllAddresses(parseTarget("silent.test"), {
        timeoutMs: 100,
        lookupAll: () => new Promise(() => {}),
      }),
    ).resolves.toEqual({
      ok: false,
      code: "timeout",
      message: "silent.test: no DNS answer within 100 ms",
    });
  });

  it("refuses an answer that is not an IP address", async () => {
    await expect(
      resolveAllAddresses(parseTarget("odd.test"), {
        timeoutMs: 5000,
        lookupAll: () => Promise.resolve([{ address: "not-an-ip" }]),
      }),
    ).resolves.toMatchObject({ ok: false, code: "dns" });
  });
});

describe("runPlan with allAddresses", () => {
  it("scans each address on its own and reports each under host@address:port", async () => {
    // Ground truth from the servers' configuration, confirmed by a second client.
    const v4Tls12 = await confirmWithOpenSslClient(
      { host: "127.0.0.1", port },
      { protocol: "TLSv1.2" },
    );
    const v4Tls13 = await confirmWithOpenSslClient(
      { host: "127.0.0.1", port },
      { protocol: "TLSv1.3" },
    );
    const v6Tls12 = await confirmWithOpenSslClient({ host: "::1", port }, { protocol: "TLSv1.2" });
    const v6Tls13 = await confirmWithOpenSslClient({ host: "::1", port }, { protocol: "TLSv1.3" });
    expect([v4Tls12.ok, v4Tls13.ok, v6Tls12.ok, v6Tls13.ok]).toEqual([true, false, false, true]);

    const { plan, errors } = planRun({
      cwd: process.cwd(),
      config: false,
      targets: [`${NAME}:${port}`],
      allAddresses: true,
      timeout: "10000",
    });
    expect(errors).toEqual([]);
    expect(plan!.allAddresses).toBe(true);
    const { reports, evaluations } = await runPlan(plan!, { lookupAll });
    expect(reports.map((r) => [r.target.input, r.target.address, r.target.sni])).toEqual([
      [`${NAME}@127.0.0.1:${port}`, "127.0.0.1", NAME],
      [`${NAME}@[::1]:${port}`, "::1", NAME],
    ]);
    expect(evaluations.map((e) => e.target)).toEqual(reports.map((r) => r.target.input));
    expect(reports.map((r) => [r.protocols["TLSv1.2"], r.protocols["TLSv1.3"]])).toEqual([
      [v4Tls12.ok, v4Tls13.ok],
      [v6Tls12.ok, v6Tls13.ok],
    ]);
  }, 120_000);

  it("is off unless asked for, and a bad value is an input error", () => {
    const off = planRun({ cwd: process.cwd(), config: false, targets: ["a.test"] });
    expect(off.plan!.allAddresses).toBe(false);
    const bad = planRun({
      cwd: process.cwd(),
      config: false,
      targets: ["a.test"],
      allAddresses: "yes",
    });
    expect(bad.errors.map((e) => e.message)).toEqual([
      'all-addresses: expected true or false, got "yes"',
    ]);
  });
});
