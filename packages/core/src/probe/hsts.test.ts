import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChain, pemBundle, type TestChain } from "@tlsgate/testing/pki";
import { parseHstsHeader, probeHsts } from "./hsts.js";
import { parseTarget } from "./target.js";

describe("parseHstsHeader", () => {
  it.each([
    ["max-age=31536000", 31536000, false, false],
    ["max-age=63072000; includeSubDomains; preload", 63072000, true, true],
    ['MAX-AGE="300";INCLUDESUBDOMAINS', 300, true, false],
    ["  max-age = 0 ; ; preload ", 0, false, true],
    ['includeSubDomains; max-age=10; unknown="x y"', 10, true, false],
    ["max-age=99999999999999999999", Number.MAX_SAFE_INTEGER, false, false],
  ])("%j", (raw, maxAge, includeSubDomains, preload) => {
    expect(parseHstsHeader(raw)).toEqual({
      present: true,
      maxAge,
      includeSubDomains,
      preload,
      raw,
    });
  });

  it.each([
    "includeSubDomains",
    "max-age",
    "max-age=",
    "max-age=-1",
    "max-age=1.5",
    "max-age=abc",
    "max-age=1; max-age=2",
    "max-age=1; includeSubDomains; includeSubDomains",
    "max-age=1, max-age=2",
    'max-age="1',
    "",
  ])("%j is malformed", (raw) => {
    expect(parseHstsHeader(raw)).toEqual({
      present: true,
      maxAge: null,
      includeSubDomains: false,
      preload: false,
      raw,
    });
  });
});

describe("probeHsts over node:https", () => {
  let chain: TestChain;
  let server: Server;
  let port: number;
  const seen: { path: string; host: string | undefined; servername: string | false }[] = [];
  type Route = (port: number) => { status: number; headers: Record<string, string | string[]> };
  const HSTS_ROOT: Route = () => ({
    status: 200,
    headers: { "strict-transport-security": "max-age=63072000; includeSubDomains; preload" },
  });
  const routes: Record<string, Route | undefined> = { "/": HSTS_ROOT };

  beforeAll(async () => {
    chain = await createChain({ name: "hsts" });
    server = createServer(
      { key: chain.leaf.keyPem, cert: pemBundle(chain.leaf, chain.intermediate) },
      (req, res) => {
        const socket = req.socket as typeof req.socket & { servername?: string | false };
        seen.push({
          path: req.url ?? "",
          host: req.headers.host,
          servername: socket.servername ?? false,
        });
        const route =
          routes[req.headers.host?.split(":")[0] === "plain.test" ? "plain" : (req.url ?? "/")];
        const { status, headers } = route?.(port) ?? { status: 404, headers: {} };
        res.writeHead(status, headers).end("body");
      },
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const probe = (input: string) => probeHsts(parseTarget(input), "127.0.0.1", { timeoutMs: 3000 });

  it("reads HSTS present, with the host and SNI of the target", async () => {
    seen.length = 0;
    expect(await probe(`https://leaf.test@127.0.0.1:${port}/ignored`)).toEqual({
      hsts: {
        present: true,
        maxAge: 63072000,
        includeSubDomains: true,
        preload: true,
        raw: "max-age=63072000; includeSubDomains; preload",
      },
      errors: [],
    });
    expect(seen).toEqual([{ path: "/", host: `leaf.test:${port}`, servername: "leaf.test" }]);
  });

  it("reports HSTS absent", async () => {
    routes.plain = () => ({ status: 200, headers: {} });
    expect((await probe(`https://plain.test@127.0.0.1:${port}`)).hsts).toEqual({
      present: false,
      maxAge: null,
      includeSubDomains: false,
      preload: false,
      raw: null,
    });
  });

  it("reports a malformed header with its raw value, reading only the first header line", async () => {
    routes["/bad"] = () => ({
      status: 200,
      headers: { "strict-transport-security": ["max-age=soon", "max-age=10"] },
    });
    routes["/"] = () => ({ status: 302, headers: { location: "/bad" } });
    try {
      expect((await probe(`https://leaf.test@127.0.0.1:${port}`)).hsts).toEqual({
        present: true,
        maxAge: null,
        includeSubDomains: false,
        preload: false,
        raw: "max-age=soon",
      });
    } finally {
      routes["/"] = HSTS_ROOT;
    }
  });

  it("follows redirects on the same host only, at most 3", async () => {
    routes["/a"] = () => ({ status: 301, headers: { location: "/b" } });
    routes["/b"] = (p) => ({ status: 302, headers: { location: `https://leaf.test:${p}/c?x=1` } });
    routes["/c?x=1"] = () => ({
      status: 200,
      headers: { "strict-transport-security": "max-age=5" },
    });
    routes["/other-host"] = (p) => ({
      status: 302,
      headers: { location: `https://elsewhere.test:${p}/c?x=1` },
    });
    routes["/other-port"] = () => ({
      status: 302,
      headers: { location: "https://leaf.test:1/c?x=1" },
    });
    routes["/http"] = (p) => ({
      status: 302,
      headers: { location: `http://leaf.test:${p}/c?x=1` },
    });
    routes["/loop"] = () => ({ status: 302, headers: { location: "/loop" } });
    const from = async (start: string) => {
      routes["/"] = routes[start];
      try {
        seen.length = 0;
        const result = await probe(`https://leaf.test@127.0.0.1:${port}`);
        return {
          maxAge: result.hsts?.maxAge,
          present: result.hsts?.present,
          paths: seen.map((entry) => entry.path),
        };
      } finally {
        routes["/"] = HSTS_ROOT;
      }
    };
    expect(await from("/a")).toEqual({ maxAge: 5, present: true, paths: ["/", "/b", "/c?x=1"] });
    expect(await from("/other-host")).toEqual({ maxAge: null, present: false, paths: ["/"] });
    expect(await from("/other-port")).toEqual({ maxAge: null, present: false, paths: ["/"] });
    expect(await from("/http")).toEqual({ maxAge: null, present: false, paths: ["/"] });
    expect(await from("/loop")).toEqual({
      maxAge: null,
      present: false,
      paths: ["/", "/loop", "/loop", "/loop"],
    });
  });

  it("turns a failed request into an error entry", async () => {
    const result = await probeHsts(parseTarget("https://127.0.0.1:1"), "127.0.0.1", {
      timeoutMs: 1000,
    });
    expect(result.hsts).toBeNull();
    expect(result.errors).toEqual([
      { probe: "hsts", code: "refused", message: expect.stringContaining("GET /") },
    ]);
  });
});
