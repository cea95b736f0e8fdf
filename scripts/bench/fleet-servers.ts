// N TLS endpoints with Mozilla's intermediate configuration, spread over 127.0.0.1..127.0.0.16:
// one nginx with N listening ports when nginx is installed (one worker), otherwise one node:tls
// server per endpoint in this process.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect as connectTcp, createServer as createNetServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type Server } from "node:tls";
import { getCredential, startNginxServer, type TestServer } from "@tlsgate/testing";
import { which } from "./process-stats.js";

export interface Fleet {
  kind: "nginx" | "node:tls";
  endpoints: { host: string; port: number }[];
  stop: () => Promise<void>;
}

/** Mozilla intermediate (guidelines 5.8) without the ML-KEM group this OpenSSL may lack. */
export const CIPHERS = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
].join(":");
export const CURVES = "X25519:prime256v1:secp384r1";

/** One nginx with Mozilla's intermediate configuration (the benchmarks' "intermediate nginx"). */
export async function startIntermediateNginx(): Promise<TestServer> {
  return startNginxServer({
    credentials: [await getCredential("rsa2048")],
    directives: [
      `ssl_ciphers ${CIPHERS};`,
      `ssl_ecdh_curve ${CURVES};`,
      "ssl_prefer_server_ciphers off;",
      "ssl_session_cache shared:bench:10m;",
    ],
  });
}

export const FLEET_HOSTS = Array.from({ length: 16 }, (_, i) => `127.0.0.${i + 1}`);

/** `n` distinct ports free on their hosts, host i % 16 for endpoint i. */
async function freeEndpoints(n: number): Promise<{ host: string; port: number }[]> {
  const endpoints: { host: string; port: number }[] = [];
  const taken = new Set<number>();
  while (endpoints.length < n) {
    const host = FLEET_HOSTS[endpoints.length % FLEET_HOSTS.length]!;
    const port = await new Promise<number>((resolve, reject) => {
      const probe = createNetServer();
      probe.once("error", reject);
      probe.listen({ host, port: 0, exclusive: true }, () => {
        const found = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(found));
      });
    });
    if (taken.has(port)) continue;
    taken.add(port);
    endpoints.push({ host, port });
  }
  return endpoints;
}

export async function startFleet(n: number, options: { nginx?: boolean } = {}): Promise<Fleet> {
  const credential = await getCredential("rsa2048");
  const nginx = options.nginx === false ? null : which("nginx");
  const endpoints = await freeEndpoints(n);
  if (nginx === null) {
    const servers: Server[] = [];
    for (const endpoint of endpoints) {
      const server = createServer(
        {
          key: credential.keyPem,
          cert: credential.certPem,
          minVersion: "TLSv1.2",
          ciphers: CIPHERS,
          ecdhCurve: CURVES,
          honorCipherOrder: false,
        },
        (socket) => socket.end("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
      );
      server.on("tlsClientError", () => undefined);
      await new Promise<void>((resolve) => server.listen(endpoint.port, endpoint.host, resolve));
      servers.push(server);
    }
    return {
      kind: "node:tls",
      endpoints,
      stop: async () => {
        await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "tlsgate-bench-nginx-"));
  const conf = join(dir, "nginx.conf");
  writeFileSync(
    conf,
    [
      // Root would hand the worker to "nobody", who cannot read the harness's key.
      process.getuid?.() === 0 ? "user root;" : "",
      "worker_processes 1;",
      `pid ${join(dir, "nginx.pid")};`,
      `error_log ${join(dir, "error.log")} warn;`,
      "events { worker_connections 8192; }",
      "http {",
      "  access_log off;",
      `  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;`,
      `  fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;`,
      "  server {",
      ...endpoints.map((e) => `    listen ${e.host}:${e.port} ssl;`),
      `    ssl_certificate ${credential.certPath};`,
      `    ssl_certificate_key ${credential.keyPath};`,
      "    ssl_protocols TLSv1.2 TLSv1.3;",
      `    ssl_ciphers ${CIPHERS};`,
      `    ssl_ecdh_curve ${CURVES};`,
      "    ssl_prefer_server_ciphers off;",
      "    ssl_session_cache shared:bench:10m;",
      '    add_header Strict-Transport-Security "max-age=63072000" always;',
      "    location / { return 200 'ok'; }",
      "  }",
      "}",
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn(nginx, ["-p", dir, "-c", conf, "-g", "daemon off;"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  await waitListening(endpoints, child, () => stderr);
  return {
    kind: "nginx",
    endpoints,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGQUIT");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once the last endpoint accepts a TCP connection; throws if nginx exits first. */
async function waitListening(
  endpoints: readonly { host: string; port: number }[],
  child: ChildProcess,
  stderr: () => string,
): Promise<void> {
  const last = endpoints[endpoints.length - 1]!;
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createNetConnection(last, resolve);
      socket.setTimeout(500, () => socket.destroy());
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nginx did not listen on ${last.host}:${last.port}: ${stderr()}`);
}

function createNetConnection(
  to: { host: string; port: number },
  done: (ok: boolean) => void,
): Socket {
  const socket = connectTcp(to.port, to.host);
  socket.once("connect", () => {
    socket.destroy();
    done(true);
  });
  socket.once("error", () => done(false));
  socket.once("timeout", () => done(false));
  return socket;
}
