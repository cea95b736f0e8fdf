/**
 * The demo's mail server: just enough ESMTP (RFC 5321) to offer STARTTLS (RFC 3207) — greeting,
 * EHLO, STARTTLS, QUIT — then TLS through node:tls on the same connection, so `tlsgate demo`
 * shows a STARTTLS scan. Lines are bounded and a silent client is dropped, so no peer can hold
 * it. Bytes a client sent after STARTTLS before the go-ahead are dropped, never read as TLS
 * commands (the STARTTLS injection of CVE-2011-0411).
 */
import { createServer, type AddressInfo, type Socket } from "node:net";
import { TLSSocket, createSecureContext, type SecureContextOptions } from "node:tls";

/** The longest command line accepted (RFC 5321 4.5.3.1.4: 512 octets). */
const MAX_LINE_BYTES = 512;
/** A client silent this long is dropped. */
const IDLE_MS = 30_000;

export interface SmtpStarttlsServer {
  port: number;
  close: () => Promise<void>;
}

/** Listens on 127.0.0.1 (a free port); TLS as `tls` configures it after STARTTLS. */
export async function startSmtpStarttlsServer(
  tls: SecureContextOptions & { key: string; cert: string },
): Promise<SmtpStarttlsServer> {
  const context = createSecureContext(tls);
  const connections = new Set<Socket>();

  const server = createServer((socket) => {
    connections.add(socket);
    socket.once("close", () => connections.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    socket.write("220 localhost ESMTP tlsgate demo\r\n");
    let secure: TLSSocket | null = null;
    const reply = (text: string): void => {
      (secure ?? socket).write(`${text}\r\n`);
    };
    const onLine = (line: string): void => {
      const verb = line.split(" ", 1)[0]?.toUpperCase() ?? "";
      if (verb === "EHLO") {
        reply(
          secure === null ? "250-localhost\r\n250-PIPELINING\r\n250 STARTTLS" : "250 localhost",
        );
      } else if (verb === "HELO") reply("250 localhost");
      else if (verb === "NOOP") reply("250 OK");
      else if (verb === "QUIT") {
        reply("221 Bye");
        (secure ?? socket).end();
      } else if (verb === "STARTTLS" && secure === null) {
        // Whatever followed STARTTLS in plain text is not read again.
        socket.removeAllListeners("data");
        reply("220 Ready to start TLS");
        secure = new TLSSocket(socket, { isServer: true, secureContext: context });
        secure.on("error", () => socket.destroy());
        secure.on("data", lines(false));
      } else reply("502 Command not implemented");
    };
    /** Splits a byte stream into CRLF lines, at most MAX_LINE_BYTES each. */
    function lines(plain: boolean): (chunk: Buffer) => void {
      let pending = "";
      return (chunk) => {
        pending += chunk.toString("latin1");
        let end: number;
        while ((end = pending.indexOf("\n")) !== -1) {
          const line = pending.slice(0, end).replace(/\r$/, "");
          pending = pending.slice(end + 1);
          if (line.length > MAX_LINE_BYTES) break;
          onLine(line);
          // STARTTLS hands the connection over: the rest of this plain-text chunk is dropped.
          if (plain && secure !== null) return;
        }
        if (pending.length > MAX_LINE_BYTES || end !== -1) {
          reply("500 Line too long");
          socket.destroy();
        }
      };
    }
    socket.on("data", lines(true));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of connections) socket.destroy();
      }),
  };
}
