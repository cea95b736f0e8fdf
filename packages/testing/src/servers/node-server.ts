import type { Socket } from "node:net";
import { createServer } from "node:tls";
import type { Server, TLSSocket, TlsOptions } from "node:tls";

import { getCredential } from "../credentials.js";
import type { LoopbackHost } from "../tls-versions.js";
import type { TestServer } from "./test-server.js";

export type NodeTlsServerOptions = TlsOptions & {
  /** Default 127.0.0.1. */
  readonly host?: LoopbackHost;
  /**
   * Called for each completed handshake. Default: answer the first bytes received with a minimal
   * `HTTP/1.1 200` response and close.
   */
  readonly onSecureConnection?: (socket: TLSSocket) => void;
};

/** What the server saw of one completed handshake. */
export interface NodeHandshake {
  readonly protocol: string | null;
  readonly cipher: string;
  readonly servername: string | null;
  readonly alpnProtocol: string | null;
}

export interface NodeTlsServer extends TestServer {
  readonly kind: "node";
  readonly server: Server;
  /** The options as given plus the default certificate when none was given. */
  readonly config: NodeTlsServerOptions;
  /** Completed handshakes, in order. */
  readonly handshakes: readonly NodeHandshake[];
  /** `tlsClientError`s (failed handshakes), in order. */
  readonly clientErrors: readonly Error[];
}

function answerHttp(socket: TLSSocket): void {
  socket.once("data", () => {
    socket.end("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
  });
}

/**
 * An in-process `tls.createServer` on port 0. Node's OpenSSL is not the `openssl` CLI's (Node 20
 * bundles 3.0, Node 24 a newer 3.x with other defaults, e.g. ML-KEM groups): truth derived from the
 * CLI must be confirmed by a second client. TLS 1.0/1.1 need `minVersion: "TLSv1"` and a cipher
 * string ending in `@SECLEVEL=0`.
 */
export async function startNodeTlsServer(
  options: NodeTlsServerOptions = {},
): Promise<NodeTlsServer> {
  const { host = "127.0.0.1", onSecureConnection = answerHttp, ...tlsOptions } = options;
  let config: NodeTlsServerOptions = options;
  if (tlsOptions.key === undefined && tlsOptions.pfx === undefined) {
    const credential = await getCredential("rsa2048");
    config = { ...options, key: credential.keyPem, cert: credential.certPem };
  }
  const { host: _host, onSecureConnection: _handler, ...serverOptions } = config;
  const handshakes: NodeHandshake[] = [];
  const clientErrors: Error[] = [];
  const sockets = new Set<Socket>();

  const server = createServer(serverOptions, (socket) => {
    const servername = (socket as TLSSocket & { servername?: string | false }).servername;
    handshakes.push({
      protocol: socket.getProtocol(),
      cipher: socket.getCipher().name,
      servername: typeof servername === "string" ? servername : null,
      alpnProtocol: typeof socket.alpnProtocol === "string" ? socket.alpnProtocol : null,
    });
    socket.on("error", () => undefined);
    onSecureConnection(socket);
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.on("tlsClientError", (error) => clientErrors.push(error));

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port: 0 }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;

  let stopping: Promise<void> | null = null;
  return {
    kind: "node",
    host,
    port,
    server,
    config,
    handshakes,
    clientErrors,
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return stopping;
    },
  };
}
