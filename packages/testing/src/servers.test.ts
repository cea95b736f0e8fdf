import { connect, createServer } from "node:net";
import type { Socket } from "node:net";
import { connect as connectTls } from "node:tls";

import { describe, expect, it } from "vitest";

import { getCredential } from "./credentials.js";
import { HarnessError } from "./errors.js";
import { confirmWithGnutlsClient, confirmWithOpenSslClient } from "./ground-truth.js";
import { gnutlsReadiness, startGnutlsServer } from "./servers/gnutls-server.js";
import { startNodeTlsServer } from "./servers/node-server.js";
import { parseOpenSslAccept, startOpenSslServer } from "./servers/openssl-server.js";
import { startRawServer } from "./servers/raw-server.js";
import type { LoopbackHost } from "./tls-versions.js";

/** Whether `port` can be bound on `host` right now (i.e. the server really let it go). */
function canListen(host: LoopbackHost, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** Holds `port` on 127.0.0.1 until the returned function is called. */
async function occupy(): Promise<{ port: number; release: () => Promise<void> }> {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen({ host: "127.0.0.1", port: 0 }, resolve));
  const address = holder.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return { port, release: () => new Promise((resolve) => holder.close(() => resolve())) };
}

/** One HTTPS GET over TLS (certificate not checked), returning the whole response. */
function httpsGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connectTls({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => {
      socket.write("GET / HTTP/1.0\r\n\r\n");
    });
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.once("error", reject);
    socket.once("close", () => resolve(Buffer.concat(chunks).toString("latin1")));
  });
}

/** Connects, sends `payload`, and collects everything until the server closes. */
function exchange(
  port: number,
  payload: Buffer | null,
): Promise<{ data: Buffer; error: string | null }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket: Socket = connect({ host: "127.0.0.1", port }, () => {
      if (payload !== null) socket.write(payload);
    });
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.once("error", (error: NodeJS.ErrnoException) =>
      resolve({ data: Buffer.concat(chunks), error: error.code ?? error.message }),
    );
    socket.once("close", () => resolve({ data: Buffer.concat(chunks), error: null }));
  });
}

describe("startOpenSslServer", { timeout: 20_000 }, () => {
  it("reads the OS-chosen port from s_server's ACCEPT line", () => {
    expect(parseOpenSslAccept("Using default temp DH parameters\nACCEPT 127.0.0.1:41821\n")).toBe(
      41821,
    );
    expect(parseOpenSslAccept("ACCEPT [::1]:4433\n")).toBe(4433);
    expect(parseOpenSslAccept("ACCEPT\n")).toBeNull();
  });

  it("serves a handshake on 127.0.0.1 and frees its port on stop()", async () => {
    const server = await startOpenSslServer({ cipher: "DEFAULT:@SECLEVEL=1" });
    expect(server.host).toBe("127.0.0.1");
    expect(server.args).toContain("127.0.0.1:0");

    const handshake = await confirmWithOpenSslClient(server, { protocol: "TLSv1.2" });
    expect(handshake.ok).toBe(true);
    expect(handshake.protocol).toBe("TLSv1.2");

    await server.stop();
    await server.stop();
    expect(await canListen("127.0.0.1", server.port)).toBe(true);
  });

  it("serves on ::1", async () => {
    const server = await startOpenSslServer({ host: "::1" });
    try {
      const handshake = await confirmWithOpenSslClient(server, { protocol: "TLSv1.3" });
      expect(handshake).toMatchObject({ ok: true, protocol: "TLSv1.3" });
    } finally {
      await server.stop();
    }
    expect(await canListen("::1", server.port)).toBe(true);
  });

  it("answers HTTP in -www mode and passes extraArgs through", async () => {
    const server = await startOpenSslServer({ www: true, extraArgs: ["-no_ticket"] });
    try {
      expect(server.args.slice(-2)).toEqual(["-www", "-no_ticket"]);
      expect(await httpsGet(server.port)).toMatch(/^HTTP\/1\.0 200 ok\r\n/);
    } finally {
      await server.stop();
    }
  });

  it("fails with s_server's own words when it refuses its configuration", async () => {
    const credential = await getCredential("rsa1024");
    const error: unknown = await startOpenSslServer({
      credentials: [credential],
      cipher: "DEFAULT:@SECLEVEL=2",
    }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(HarnessError);
    expect(error).toMatchObject({ code: "server-exited" });
    expect((error as HarnessError).output).toContain("ee key too small");
  });
});

describe("startGnutlsServer", { timeout: 20_000 }, () => {
  it("reads gnutls-serv's bind report for the requested address family", () => {
    const both =
      "HTTP Server listening on IPv4 0.0.0.0 port 4433...done\n" +
      "HTTP Server listening on IPv6 :: port 4433...bind() failed: Address already in use\n";
    expect(gnutlsReadiness("127.0.0.1", 4433, both)).toEqual({ state: "ready", port: 4433 });
    expect(gnutlsReadiness("::1", 4433, both)).toMatchObject({ state: "retry" });
    expect(
      gnutlsReadiness("127.0.0.1", 4433, "HTTP Server listening on IPv4 0.0.0.0 port 4433..."),
    ).toEqual({ state: "waiting" });
  });

  it("serves a handshake to gnutls-cli and s_client, and frees its port on stop()", async () => {
    const server = await startGnutlsServer({ priority: "NORMAL:-VERS-ALL:+VERS-TLS1.2" });

    const gnutls = await confirmWithGnutlsClient(server, { protocol: "TLSv1.2" });
    expect(gnutls).toMatchObject({ ok: true, protocol: "TLSv1.2" });
    expect(gnutls.code).toMatch(/^0x[0-9A-F]{4}$/);
    const openssl = await confirmWithOpenSslClient(server, { protocol: "TLSv1.2" });
    expect(openssl).toMatchObject({ ok: true, protocol: "TLSv1.2" });
    const refused = await confirmWithOpenSslClient(server, { protocol: "TLSv1.3" });
    expect(refused.ok).toBe(false);

    await server.stop();
    expect(await canListen("127.0.0.1", server.port)).toBe(true);
  });
});

describe("startGnutlsServer, port taken", { timeout: 20_000 }, () => {
  it("moves to another port when gnutls-serv cannot bind the one it was given", async () => {
    const taken = await occupy();
    try {
      const server = await startGnutlsServer({ preferredPort: taken.port });
      try {
        expect(server.port).not.toBe(taken.port);
        const handshake = await confirmWithGnutlsClient(server, { protocol: "TLSv1.3" });
        expect(handshake).toMatchObject({ ok: true, protocol: "TLSv1.3" });
        expect(await httpsGet(server.port)).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
      } finally {
        await server.stop();
      }
    } finally {
      await taken.release();
    }
  });
});

describe("startNodeTlsServer", { timeout: 20_000 }, () => {
  it("listens on port 0 and records the handshakes it completes", async () => {
    const server = await startNodeTlsServer({
      minVersion: "TLSv1.2",
      maxVersion: "TLSv1.2",
      ciphers: "ECDHE-RSA-AES128-GCM-SHA256",
    });
    try {
      const accepted = await confirmWithOpenSslClient(server, { protocol: "TLSv1.2" });
      expect(accepted).toMatchObject({
        ok: true,
        protocol: "TLSv1.2",
        code: "0xC02F",
        cipher: "ECDHE-RSA-AES128-GCM-SHA256",
      });
      const refused = await confirmWithOpenSslClient(server, { protocol: "TLSv1.3" });
      expect(refused.ok).toBe(false);
      expect(server.handshakes).toEqual([
        {
          protocol: "TLSv1.2",
          cipher: "ECDHE-RSA-AES128-GCM-SHA256",
          servername: null,
          alpnProtocol: null,
        },
      ]);
      expect(server.clientErrors).toHaveLength(1);
    } finally {
      await server.stop();
    }
    expect(await canListen("127.0.0.1", server.port)).toBe(true);
  });
});

describe("startRawServer", { timeout: 20_000 }, () => {
  it("runs a script against the client's first chunk", async () => {
    const server = await startRawServer((socket, firstChunk) => {
      // An alert record echoing the first byte we got: 21 03 03 00 02 02 <byte>.
      socket.end(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, firstChunk[0] ?? 0]));
    });
    try {
      const reply = await exchange(server.port, Buffer.from([0x16, 0x03, 0x01]));
      expect([...reply.data]).toEqual([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x16]);
      expect(server.connections).toBe(1);
      expect(server.errors).toEqual([]);
    } finally {
      await server.stop();
    }
  });

  it("can act before the client speaks, and records script errors", async () => {
    const server = await startRawServer(
      (socket) => {
        socket.resetAndDestroy();
        throw new Error("scripted failure");
      },
      { waitForData: false },
    );
    try {
      const reply = await exchange(server.port, null);
      expect(reply).toEqual({ data: Buffer.alloc(0), error: "ECONNRESET" });
      expect(server.errors).toEqual([new Error("scripted failure")]);
    } finally {
      await server.stop();
    }
  });

  it("destroys scripts that never end on stop()", async () => {
    const server = await startRawServer((socket) => {
      // Endless trickle: one byte every 10 ms until the socket goes away.
      const timer = setInterval(() => socket.write(Buffer.from([0x16])), 10);
      socket.once("close", () => clearInterval(timer));
    });
    const client = connect({ host: "127.0.0.1", port: server.port }, () => client.write("hello"));
    client.on("error", () => undefined);
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    const first = await new Promise<Buffer>((resolve) => client.once("data", resolve));
    await server.stop();
    await closed;

    expect([...first].every((byte) => byte === 0x16)).toBe(true);
    expect(await canListen("127.0.0.1", server.port)).toBe(true);
  });
});
