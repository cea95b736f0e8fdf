/**
 * Scripted servers for the STARTTLS preamble, raw bytes on loopback (no real stack can be made to
 * misbehave on demand, and NNTP and IRC have no small Debian server):
 * - `startPreambleProxy`: an RFC-faithful NNTP (RFC 3977, 4642) or IRC (IRCv3 tls) front that,
 *   after its go-ahead, pipes the connection to a real TLS server (openssl s_server);
 * - `startHostileServer`: a server that answers the preamble with an endless line, garbage, or a
 *   close in the middle of the exchange.
 */
import { connect, type Socket } from "node:net";
import { startRawServer, type RawServer } from "@tlsgate/testing";
import type { StarttlsProtocol } from "../../src/probe/starttls/preamble.js";

/** Protocols whose server speaks first. */
const SERVER_FIRST: ReadonlySet<StarttlsProtocol> = new Set([
  "smtp",
  "lmtp",
  "imap",
  "pop3",
  "ftp",
  "sieve",
  "nntp",
  "mysql",
]);

function lines(socket: Socket, onLine: (line: string) => void): void {
  let pending = "";
  socket.on("data", (chunk: Buffer) => {
    pending += chunk.toString("latin1");
    for (let end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n")) {
      const line = pending.slice(0, end).replace(/\r$/, "");
      pending = pending.slice(end + 1);
      onLine(line);
    }
  });
}

function pipeTo(client: Socket, backendPort: number): void {
  client.removeAllListeners("data");
  const backend = connect({ host: "127.0.0.1", port: backendPort });
  client.pipe(backend).pipe(client);
  const close = (): void => {
    client.destroy();
    backend.destroy();
  };
  client.on("error", close);
  backend.on("error", close);
  client.on("close", close);
  backend.on("close", close);
}

/** NNTP or IRC in front of a TLS server on `backendPort`. */
export function startPreambleProxy(
  protocol: "nntp" | "irc",
  backendPort: number,
): Promise<RawServer> {
  return startRawServer(
    (socket) => {
      if (protocol === "nntp") {
        socket.write("200 news.test NNTP Service Ready, posting prohibited\r\n");
        lines(socket, (line) => {
          const command = line.split(" ")[0]?.toUpperCase();
          if (command === "CAPABILITIES") {
            socket.write("101 Capability list:\r\nVERSION 2\r\nREADER\r\nSTARTTLS\r\n.\r\n");
          } else if (command === "STARTTLS") {
            socket.write("382 Continue with TLS negotiation\r\n");
            pipeTo(socket, backendPort);
          } else socket.write("500 Unknown command\r\n");
        });
        return;
      }
      // No NOTICE before the reply: s_client -starttls irc reads only numerics.
      lines(socket, (line) => {
        if (/^STARTTLS\b/i.test(line)) {
          socket.write(":irc.test 670 * :STARTTLS successful, proceed with TLS handshake\r\n");
          pipeTo(socket, backendPort);
        } else socket.write(`:irc.test 421 * ${line.split(" ")[0] ?? ""} :Unknown command\r\n`);
      });
    },
    { waitForData: false },
  );
}

export const HOSTILE_BEHAVIOURS = ["endless line", "garbage", "close mid-exchange"] as const;
export type HostileBehaviour = (typeof HOSTILE_BEHAVIOURS)[number];

/** The first half of a greeting the protocol's client would accept, for the close. */
const HALF_GREETING: Readonly<Record<StarttlsProtocol, string>> = {
  smtp: "220 mail.test ES",
  lmtp: "220 lmtp.test LM",
  imap: "* OK [CAPA",
  pop3: "+OK PO",
  ftp: "220 ftp.te",
  sieve: '"IMPLEMENTATION" "Te',
  nntp: "200 news.te",
  irc: ":irc.test NOTI",
  xmpp: "<?xml version='1.0'?><stream:str",
  "xmpp-server": "<?xml version='1.0'?><stream:str",
  ldap: "\x30\x0c\x02\x01",
  postgres: "",
  mysql: "\x4a\x00\x00\x00\x0a5.5",
};

export function startHostileServer(
  protocol: StarttlsProtocol,
  behaviour: HostileBehaviour,
): Promise<RawServer> {
  const serverFirst = SERVER_FIRST.has(protocol);
  return startRawServer(
    (socket) => {
      socket.on("error", () => {});
      if (behaviour === "close mid-exchange") {
        // PostgreSQL's answer is one byte: closing without it is the middle of its exchange.
        socket.end(Buffer.from(HALF_GREETING[protocol], "latin1"));
        return;
      }
      const chunk =
        behaviour === "endless line"
          ? Buffer.alloc(16 * 1024, 0x41)
          : Buffer.from(Array.from({ length: 16 * 1024 }, (_, i) => (i * 7919 + 13) & 0xff));
      // Endless: write until the client goes away (the socket's backpressure paces it).
      const write = (): void => {
        while (!socket.destroyed && socket.write(chunk));
        if (!socket.destroyed) socket.once("drain", write);
      };
      write();
    },
    { waitForData: !serverFirst },
  );
}
