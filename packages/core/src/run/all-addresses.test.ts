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
import { notScannedReason } from "../scan-report/not-scanned.js";
import { MAX_ADDRESSES_PER_NAME, expandAddresses } from "./all-addresses.js";
import { planRun } from "./plan.js";
import { DeadlineReached } from "../scan/deadline.js";
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

  it("reports a name that does not resolve as not scanned, with the look-up's error", async () => {
    const expanded = await expandAddresses([planned("nowhere.test")], {
      timeoutMs: 5000,
      lookupAll,
    });
    expect(expanded).toHaveLength(1);
    const [only] = expanded;
    // Judged as it is: scanning the name would resolve it again, to one address at most.
    expect(only?.target).toBeNull();
    expect(only?.saved?.target).toMatchObject({ input: "nowhere.test", address: null });
    expect(only?.saved?.errors).toEqual([
      { probe: "dns", code: "dns", message: "nowhere.test: queryA ENOTFOUND nowhere.test" },
    ]);
    expect(notScannedReason(only!.saved!)).toBe(
      "DNS look-up failed: nowhere.test: queryA ENOTFOUND nowhere.test",
    );
  });

  it("looks names up a few at a time, each timed from its start, so queued names never time out", async () => {
    // A resolver with 4 threads, as libuv's pool: a look-up waits for a free thread, then
    // answers after 50 ms. 64 names at once would queue up to 16 rounds (800 ms) past the
    // 200 ms deadline; a few at a time, each timed from its start, all answer.
    const THREADS = 4;
    let busy = 0;
    let peak = 0;
    const queue: (() => void)[] = [];
    const pooled: LookupAllFunction = async () => {
      if (busy >= THREADS) await new Promise<void>((resolve) => queue.push(resolve));
      busy += 1;
      peak = Math.max(peak, busy);
      await new Promise((resolve) => setTimeout(resolve, 50));
      busy -= 1;
      queue.shift()?.();
      return [{ address: "127.0.0.1" }];
    };
    const names = Array.from({ length: 64 }, (_, i) => planned(`name-${i}.test:443`));
    const expanded = await expandAddresses(names, { timeoutMs: 200, lookupAll: pooled });
    expect(expanded.map((one) => one.saved?.errors ?? [])).toEqual(names.map(() => []));
    expect(expanded.map((one) => one.input)).toEqual(
      names.map((_, i) => `name-${i}.test@127.0.0.1:443`),
    );
    expect(peak).toBe(THREADS);
  });

  it("a look-up cut by the run's deadline is reported as the deadline, not a DNS failure", async () => {
    const run = new AbortController();
    run.abort(new DeadlineReached("run", 1000));
    const expanded = await expandAddresses([planned("late.test")], {
      timeoutMs: 5000,
      signal: run.signal,
      lookupAll: () => new Promise(() => {}),
    });
    expect(expanded[0]?.saved?.errors).toEqual([
      { probe: "dns", code: "deadline", message: new DeadlineReached("run", 1000).message },
    ]);
    expect(notScannedReason(expanded[0]!.saved!)).toBe(
      "the deadline was reached before the name was resolved",
    );
  });

  it("scans at most 16 addresses of a name and reports the rest as not scanned", async () => {
    const addresses = Array.from({ length: 20 }, (_, i) => `127.0.1.${i + 1}`);
    const many: LookupAllFunction = () =>
      Promise.resolve(addresses.map((address) => ({ address })));
    const expanded = await expandAddresses([planned("many.test:8443")], {
      timeoutMs: 5000,
      lookupAll: many,
    });
    expect(MAX_ADDRESSES_PER_NAME).toBe(16);
    expect(expanded.map((p) => p.target?.connectAddress ?? null)).toEqual([
      ...addresses.slice(0, 16),
      null,
    ]);
    const capped = expanded[16]!.saved!;
    expect(capped.target).toMatchObject({
      input: "many.test:8443",
      host: "many.test",
      address: null,
    });
    const reason =
      "many.test resolves to 20 addresses and at most 16 are scanned per name: 4 not scanned (127.0.1.17, 127.0.1.18, 127.0.1.19, 127.0.1.20)";
    expect(capped.errors).toEqual([{ probe: "all-addresses", code: "dns", message: reason }]);
    expect(notScannedReason(capped)).toBe(reason);
    // A smaller cap names the first few left out and counts the rest.
    const small = await expandAddresses([planned("many.test:8443")], {
      timeoutMs: 5000,
      lookupAll: many,
      maxAddresses: 2,
    });
    expect(small).toHaveLength(3);
    expect(small[2]!.saved!.errors[0]!.message).toBe(
      "many.test resolves to 20 addresses and at most 2 are scanned per name: 18 not scanned (127.0.1.3, 127.0.1.4, 127.0.1.5, 127.0.1.6, 127.0.1.7, 127.0.1.8, 127.0.1.9, 127.0.1.10, and 10 more)",
    );
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

  it("never falls back to scanning one address when the look-up of every address fails", async () => {
    // localhost resolves through the system (hosts file, no network) to a real server, but the
    // look-up of all its addresses fails: the name is not scanned, and the gate says so.
    const { plan } = planRun({
      cwd: process.cwd(),
      config: false,
      targets: [`localhost:${port}`],
      allAddresses: true,
      timeout: "10000",
    });
    const { reports, gate } = await runPlan(plan!, { lookupAll });
    expect(reports.map((r) => [r.target.input, r.target.address, r.reachable])).toEqual([
      [`localhost:${port}`, null, null],
    ]);
    expect(reports[0]!.errors).toEqual([
      { probe: "dns", code: "dns", message: "localhost: queryA ENOTFOUND localhost" },
    ]);
    expect(gate.unscanned).toEqual([`localhost:${port}`]);
    expect(gate.verdict).toBe("fail");
  }, 60_000);

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
