import { describe, expect, it } from "vitest";
import { resolveTarget, type LookupFunction } from "./resolve-target.js";

/** A lookup that counts its calls and answers from a table (loopback only). */
function table(answers: Record<string, string>): LookupFunction & { calls: string[] } {
  const calls: string[] = [];
  const lookup = async (hostname: string) => {
    calls.push(hostname);
    const address = answers[hostname];
    if (address === undefined)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return { address };
  };
  return Object.assign(lookup, { calls });
}

describe("resolveTarget", () => {
  it.each(["127.0.0.1", "::1"])(
    "takes the IP literal %s as it is, without a look-up",
    async (ip) => {
      const lookup = table({});
      expect(await resolveTarget({ connectAddress: ip }, { timeoutMs: 100, lookup })).toEqual({
        ok: true,
        address: ip,
      });
      expect(lookup.calls).toEqual([]);
    },
  );

  it("looks a host name up once", async () => {
    const lookup = table({ "svc.test": "127.0.0.5" });
    expect(
      await resolveTarget({ connectAddress: "svc.test" }, { timeoutMs: 1000, lookup }),
    ).toEqual({
      ok: true,
      address: "127.0.0.5",
    });
    expect(lookup.calls).toEqual(["svc.test"]);
  });

  it("resolves localhost with the system resolver to a loopback address", async () => {
    const resolution = await resolveTarget({ connectAddress: "localhost" }, { timeoutMs: 5000 });
    expect(resolution.ok && ["127.0.0.1", "::1"].includes(resolution.address)).toBe(true);
  });

  it("turns a failed look-up into a dns error naming the host", async () => {
    const lookup = table({});
    expect(
      await resolveTarget({ connectAddress: "nowhere.test" }, { timeoutMs: 1000, lookup }),
    ).toEqual({
      ok: false,
      code: "dns",
      message: "nowhere.test: getaddrinfo ENOTFOUND nowhere.test",
    });
  });

  it("refuses an answer that is not an address", async () => {
    const lookup = table({ "odd.test": "not-an-ip" });
    expect(
      await resolveTarget({ connectAddress: "odd.test" }, { timeoutMs: 1000, lookup }),
    ).toEqual({
      ok: false,
      code: "dns",
      message: 'odd.test: the look-up gave "not-an-ip"',
    });
  });

  it("gives up at its deadline and clears its timer when the answer comes first", async () => {
    const never: LookupFunction = () => new Promise(() => {});
    const started = Date.now();
    expect(
      await resolveTarget({ connectAddress: "slow.test" }, { timeoutMs: 50, lookup: never }),
    ).toEqual({
      ok: false,
      code: "timeout",
      message: "slow.test: no DNS answer within 50 ms",
    });
    expect(Date.now() - started).toBeLessThan(1000);
    // A timer left behind would keep the process alive: the count of active timers stays put.
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const before = timers();
    await resolveTarget(
      { connectAddress: "svc.test" },
      { timeoutMs: 60_000, lookup: table({ "svc.test": "127.0.0.1" }) },
    );
    expect(timers()).toBe(before);
  });

  it("stops when the scan is aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const lookup = table({ "svc.test": "127.0.0.1" });
    expect(
      await resolveTarget(
        { connectAddress: "svc.test" },
        { timeoutMs: 1000, lookup, signal: controller.signal },
      ),
    ).toEqual({ ok: false, code: "internal", message: "scan aborted" });
    expect(lookup.calls).toEqual([]);
  });
});
