/**
 * Every wait of a scan is held by a timer the scan owns. An AbortSignal.timeout() that nothing
 * references can be garbage-collected before it fires (nodejs/node#57736): a scan against a peer
 * that never answers then hangs for good. This runs the built scanner in a child process with
 * --expose-gc, collecting garbage every few milliseconds, against peers that never answer each
 * kind of wait: TCP probes and full handshakes (a silent TCP peer), the HSTS request (TLS that
 * never answers HTTP), the DNS look-up (a lookup that never settles), the target deadline.
 * Each must end, with a timeout in the report. Without owned timers the child hangs and is killed.
 */
import { execFile } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNodeTlsServer } from "@tlsgate/testing";

const DIST = new URL("../../dist/", import.meta.url).href;

const CHILD = `
const [dist, silentPort, mutePort] = process.argv.slice(1);
const { scanTarget, scanTargets } = await import(dist + "index.js");
const { probeHsts } = await import(dist + "probe/hsts.js");
const { resolveTarget } = await import(dist + "probe/resolve-target.js");
setInterval(() => globalThis.gc(), 2).unref();
const silent = await scanTarget("https://127.0.0.1:" + silentPort + "/", { timeoutMs: 300, retries: 0 });
const hsts = await probeHsts(
  { input: "mute", host: "localhost", port: Number(mutePort), sni: "localhost", connectAddress: "127.0.0.1", isWeb: true },
  "127.0.0.1",
  { timeoutMs: 300 },
);
const dns = await resolveTarget({ connectAddress: "never.example" }, { timeoutMs: 300, lookup: () => new Promise(() => {}) });
const [cut] = await scanTargets(["127.0.0.1:" + silentPort], { timeoutMs: 60000, retries: 0, deadlineMs: 500 });
console.log(JSON.stringify({
  silent: silent.errors.map((e) => e.probe + " " + e.code),
  hsts: hsts.errors.map((e) => e.probe + " " + e.code),
  dns,
  cut: cut.errors.filter((e) => e.probe === "deadline").map((e) => e.message),
}));
`;

let silent: Server;
let silentPort = 0;
const sockets = new Set<Socket>();
let mute: Awaited<ReturnType<typeof startNodeTlsServer>>;

beforeAll(async () => {
  // Accepts TCP and never says a word.
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((done) => silent.listen(0, "127.0.0.1", done));
  silentPort = (silent.address() as AddressInfo).port;
  // Completes TLS handshakes, then never answers the HTTP request.
  mute = await startNodeTlsServer({ onSecureConnection: () => {} });
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((done) => silent.close(done));
  await mute.stop();
});

describe("timers under garbage collection", () => {
  it("end every wait with a timeout while the collector runs every 2 ms", async () => {
    const { code, stdout, stderr } = await new Promise<{
      code: number | null;
      stdout: string;
      stderr: string;
    }>((done) => {
      execFile(
        process.execPath,
        [
          "--expose-gc",
          "--input-type=module",
          "-e",
          CHILD,
          DIST,
          String(silentPort),
          String(mute.port),
        ],
        { timeout: 45_000 },
        (error, out, err) =>
          done({
            code: error === null ? 0 : (error.code as number | null),
            stdout: out,
            stderr: err,
          }),
      );
    });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as {
      silent: string[];
      hsts: string[];
      dns: { ok: boolean; code?: string };
      cut: string[];
    };
    expect(result.silent).toEqual(
      expect.arrayContaining([
        "protocols/SSLv2 timeout",
        "protocols/SSLv3 timeout",
        "protocols/TLSv1.0 timeout",
        "protocols/TLSv1.1 timeout",
        "protocols/TLSv1.2 timeout",
        "protocols/TLSv1.3 timeout",
        "handshake timeout",
        "features timeout",
      ]),
    );
    expect(result.hsts).toEqual(["hsts timeout"]);
    expect(result.dns).toMatchObject({ ok: false, code: "timeout" });
    expect(result.cut).toEqual([
      "the target's deadline of 500 ms was reached: what was not established by then is null",
    ]);
  }, 60_000);
});
