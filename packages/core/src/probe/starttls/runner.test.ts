/**
 * The STARTTLS runner on real connections: its retry of a busy server within the step (a real
 * Exim over its smtp_accept_max, and a listener that drops a first connection before any byte,
 * in front of that Exim), a server that closes after its greeting, and one that never answers.
 * The failing servers are node:net listeners speaking the start of ESMTP: no daemon closes
 * after its greeting or stays silent on demand.
 */
import { once } from "node:events";
import { X509Certificate } from "node:crypto";
import { connect as netConnect, createServer, type Server, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getCredential, startExim, type Daemon } from "@tlsgate/testing";
import type { Endpoint } from "../exchange.js";
import { StarttlsFailure, starttlsConnector } from "./runner.js";

type Outcome = { connected: true } | { connected: false; error: unknown };

/** The runner's verdict: "connect" (the go-ahead) or the error it was destroyed with. */
function outcomeOf(socket: Socket): Promise<Outcome> {
  return new Promise((resolve) => {
    socket.once("connect", () => resolve({ connected: true }));
    socket.once("error", (error) => resolve({ connected: false, error }));
  });
}

/** A connect seam that records, per connection, the first bytes the server sent. */
function recordingConnect(onFirstBytes: (index: number, text: string) => void = () => {}) {
  const firstBytes: string[] = [];
  const inner = (to: Endpoint): Socket => {
    const socket = netConnect({ host: to.address, port: to.port });
    const index = firstBytes.length;
    firstBytes.push("");
    socket.once("data", (chunk: Buffer) => {
      firstBytes[index] = chunk.toString("latin1");
      onFirstBytes(index, firstBytes[index]);
    });
    return socket;
  };
  return { inner, firstBytes };
}

const servers: Server[] = [];
const sockets = new Set<Socket>();
async function listen(handler: (socket: Socket, index: number) => void): Promise<number> {
  let connections = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.once("close", () => sockets.delete(socket));
    handler(socket, connections++);
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as { port: number }).port;
}
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

describe("starttlsConnector against Exim", () => {
  let exim: Daemon;
  let certificate: X509Certificate;
  beforeAll(async () => {
    exim = await startExim({ priority: "NORMAL", acceptMax: 1 });
    certificate = new X509Certificate((await getCredential("rsa2048")).certPem);
  }, 240_000);
  afterAll(async () => {
    await exim?.stop();
  });
  const smtpPort = (): number => exim.ports["smtp"] as number;

  /** TLS over the runner's socket: the certificate Exim was configured with. */
  async function handshake(socket: Socket): Promise<string> {
    const secure = tlsConnect({ socket, servername: "localhost", rejectUnauthorized: false });
    await once(secure, "secureConnect");
    const fingerprint = secure.getPeerX509Certificate()?.fingerprint256 ?? "";
    secure.destroy();
    return fingerprint;
  }

  /** An SMTP session greeted with 220 (a session still closing, e.g. the start-up check's, may hold the slot a moment). */
  async function holdSlot(port: number): Promise<Socket> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const holder = netConnect({ host: "127.0.0.1", port });
      holder.on("error", () => {});
      const [greeting] = (await once(holder, "data")) as [Buffer];
      if (greeting.toString("latin1").startsWith("220 ")) return holder;
      holder.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error("Exim never freed its one connection slot");
  }

  it("retries within the step when Exim is over smtp_accept_max, then starts TLS", async () => {
    // One SMTP session holds Exim's only slot; it quits once the runner has been told 421.
    const holder = await holdSlot(smtpPort());
    const { inner, firstBytes } = recordingConnect((index) => {
      if (index === 0) holder.end("QUIT\r\n");
    });
    const socket = starttlsConnector(
      { protocol: "smtp", host: "localhost", stepTimeoutMs: 20_000 },
      inner,
    )({ address: "127.0.0.1", port: smtpPort() });
    expect(await outcomeOf(socket)).toEqual({ connected: true });
    expect(firstBytes[0]).toMatch(/^421 .*Too many concurrent SMTP connections/);
    expect(firstBytes.at(-1)).toMatch(/^220 localhost ESMTP Exim/);
    expect(firstBytes.length).toBeGreaterThanOrEqual(2);
    expect(await handshake(socket)).toBe(certificate.fingerprint256);
  }, 60_000);

  it("gives up before the step's time is out, with Exim's words, when the slot stays taken", async () => {
    const holder = await holdSlot(smtpPort());
    try {
      const { inner, firstBytes } = recordingConnect();
      const socket = starttlsConnector(
        { protocol: "smtp", host: "localhost", stepTimeoutMs: 3000 },
        inner,
      )({ address: "127.0.0.1", port: smtpPort() });
      const outcome = await outcomeOf(socket);
      expect(outcome.connected).toBe(false);
      // What the server said, not a timeout: the next pause would have outlasted the step.
      expect((outcome as { error: unknown }).error).toMatchObject({
        kind: "busy",
        message: expect.stringMatching(/^starttls\/smtp: .*421 .*Too many concurrent/),
      });
      expect(firstBytes.length).toBeGreaterThanOrEqual(2);
      expect(firstBytes.every((text) => text.startsWith("421 "))).toBe(true);
    } finally {
      holder.destroy();
    }
  }, 60_000);

  it("retries a connection closed before a byte of greeting, then starts TLS", async () => {
    // In front of Exim: the first connection is dropped at once (a daemon over its limit may do
    // that), the next ones are relayed.
    const port = await listen((client, index) => {
      if (index === 0) {
        client.destroy();
        return;
      }
      const upstream = netConnect({ host: "127.0.0.1", port: smtpPort() });
      upstream.on("error", () => client.destroy());
      client.on("close", () => upstream.destroy());
      client.pipe(upstream).pipe(client);
    });
    const { inner, firstBytes } = recordingConnect();
    const socket = starttlsConnector(
      { protocol: "smtp", host: "localhost", stepTimeoutMs: 20_000 },
      inner,
    )({ address: "127.0.0.1", port });
    expect(await outcomeOf(socket)).toEqual({ connected: true });
    expect(firstBytes).toEqual(["", expect.stringMatching(/^220 localhost ESMTP Exim/)]);
    expect(await handshake(socket)).toBe(certificate.fingerprint256);
  }, 60_000);
});

describe("starttlsConnector against failing servers", () => {
  it("fails 'closed' at EHLO when the server closes after its greeting, with no retry", async () => {
    let connections = 0;
    const port = await listen((socket) => {
      connections += 1;
      socket.end("220 mail.test ESMTP\r\n");
    });
    const socket = starttlsConnector({
      protocol: "smtp",
      host: "mail.test",
      stepTimeoutMs: 10_000,
    })({ address: "127.0.0.1", port });
    const outcome = await outcomeOf(socket);
    expect(outcome.connected).toBe(false);
    const error = (outcome as { error: unknown }).error;
    expect(error).toBeInstanceOf(StarttlsFailure);
    expect(error).toMatchObject({
      kind: "closed",
      code: "ESTARTTLS",
      message: "starttls/smtp: the server closed the connection (at EHLO)",
    });
    // A server that spoke is not busy: the connection is not tried again.
    expect(connections).toBe(1);
  });

  it("fails 'timeout' at the greeting when the server never answers, and closes the connection", async () => {
    let connections = 0;
    let serverSawClose: Promise<unknown> = Promise.resolve();
    const port = await listen((socket) => {
      connections += 1;
      serverSawClose = once(socket, "close");
    });
    const socket = starttlsConnector({ protocol: "smtp", host: "mail.test", stepTimeoutMs: 300 })({
      address: "127.0.0.1",
      port,
    });
    const outcome = await outcomeOf(socket);
    expect(outcome.connected).toBe(false);
    expect((outcome as { error: unknown }).error).toMatchObject({
      kind: "timeout",
      message: "starttls/smtp: no reply within 300 ms (at greeting)",
    });
    expect(connections).toBe(1);
    // The runner's own deadline ended the connection: the silent server sees it closed.
    await serverSawClose;
    expect(socket.destroyed).toBe(true);
  });
});
