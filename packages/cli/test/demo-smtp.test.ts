/**
 * The demo's mail server: SMTP STARTTLS that a second client (openssl s_client -starttls smtp)
 * completes, at the versions its configuration allows, that the scanner reads through the
 * STARTTLS preamble, and that never reads plain-text bytes sent after STARTTLS as commands.
 */
import { once } from "node:events";
import { connect as netConnect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanTarget } from "@tlsgate/core";
import { confirmWithOpenSslClient } from "@tlsgate/testing";
import { makeDemoCredentials } from "../src/demo/certificates.js";
import { startSmtpStarttlsServer, type SmtpStarttlsServer } from "../src/demo/smtp-server.js";

let mail: SmtpStarttlsServer;
beforeAll(async () => {
  const credentials = await makeDemoCredentials();
  mail = await startSmtpStarttlsServer({
    key: credentials.good.key,
    cert: credentials.good.cert,
    minVersion: "TLSv1.2",
  });
});
afterAll(async () => {
  await mail?.close();
});

/** CRLF lines of a stream, read in order; nothing is lost between two reads. */
function lineReader(stream: NodeJS.ReadableStream): (count: number) => Promise<string[]> {
  let text = "";
  let wake: (() => void) | null = null;
  stream.on("data", (chunk: Buffer) => {
    text += chunk.toString("latin1");
    wake?.();
  });
  return async (count) => {
    while (text.split("\r\n").length - 1 < count) {
      await new Promise<void>((resolve) => (wake = resolve));
    }
    const lines = text.split("\r\n");
    text = lines.slice(count).join("\r\n");
    return lines.slice(0, count);
  };
}

describe("the demo's SMTP STARTTLS server", () => {
  it("completes STARTTLS for openssl s_client at TLS 1.2 and 1.3 only, and the scan agrees", async () => {
    const endpoint = { host: "127.0.0.1", port: mail.port };
    const truth = {
      "TLSv1.1": await confirmWithOpenSslClient(endpoint, {
        protocol: "TLSv1.1",
        extraArgs: ["-starttls", "smtp"],
      }),
      "TLSv1.2": await confirmWithOpenSslClient(endpoint, {
        protocol: "TLSv1.2",
        extraArgs: ["-starttls", "smtp"],
      }),
      "TLSv1.3": await confirmWithOpenSslClient(endpoint, {
        protocol: "TLSv1.3",
        extraArgs: ["-starttls", "smtp"],
      }),
    };
    expect([truth["TLSv1.1"].ok, truth["TLSv1.2"].ok, truth["TLSv1.3"].ok]).toEqual([
      false,
      true,
      true,
    ]);
    const report = await scanTarget(`smtp://localhost@127.0.0.1:${mail.port}`, {
      timeoutMs: 10_000,
    });
    expect(report.target.starttls).toEqual({
      protocol: "smtp",
      banner: "220 localhost ESMTP tlsgate demo",
    });
    expect(report.protocols).toMatchObject({
      "TLSv1.0": false,
      "TLSv1.1": truth["TLSv1.1"].ok,
      "TLSv1.2": truth["TLSv1.2"].ok,
      "TLSv1.3": truth["TLSv1.3"].ok,
    });
  }, 120_000);

  it("drops what was sent after STARTTLS in plain text instead of answering it over TLS", async () => {
    const socket = netConnect({ host: "127.0.0.1", port: mail.port });
    socket.on("error", () => {});
    const plain = lineReader(socket);
    expect(await plain(1)).toEqual(["220 localhost ESMTP tlsgate demo"]);
    socket.write("EHLO client.test\r\n");
    expect(await plain(3)).toEqual(["250-localhost", "250-PIPELINING", "250 STARTTLS"]);
    // An injected command rides in the same packet as STARTTLS (CVE-2011-0411).
    socket.write("STARTTLS\r\nEHLO injected.test\r\n");
    expect(await plain(1)).toEqual(["220 Ready to start TLS"]);
    socket.removeAllListeners("data");
    socket.pause();
    const secure = tlsConnect({ socket, servername: "localhost", rejectUnauthorized: false });
    const encrypted = lineReader(secure);
    await once(secure, "secureConnect");
    secure.write("NOOP\r\n");
    // The first reply over TLS answers NOOP: the injected EHLO was never read.
    expect(await encrypted(1)).toEqual(["250 OK"]);
    secure.write("QUIT\r\n");
    expect(await encrypted(1)).toEqual(["221 Bye"]);
    secure.destroy();
  });
});
