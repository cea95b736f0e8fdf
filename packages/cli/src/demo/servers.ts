/**
 * Three servers on 127.0.0.1 for `tlsgate demo`: one configured the way Mozilla's intermediate
 * guideline asks (HTTPS with HSTS), one legacy server of the kind a gate exists to stop, and a
 * mail server with the good one's TLS behind SMTP STARTTLS.
 */
import { createServer as createHttpsServer } from "node:https";
import { createServer as createTlsServer, type Server } from "node:tls";
import type { AddressInfo } from "node:net";
import type { DemoCredentials } from "./certificates.js";
import { startSmtpStarttlsServer } from "./smtp-server.js";

export interface DemoServer {
  name: string;
  target: string;
  close: () => Promise<void>;
}

const listen = (server: Server): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });

const closer = (server: Server) => (): Promise<void> =>
  new Promise((resolve) => {
    server.close(() => resolve());
    (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
  });

export async function startDemoServers(credentials: DemoCredentials): Promise<DemoServer[]> {
  const goodTls = {
    key: credentials.good.key,
    cert: credentials.good.cert,
    minVersion: "TLSv1.2",
    ciphers: [
      "ECDHE-ECDSA-AES128-GCM-SHA256",
      "ECDHE-ECDSA-AES256-GCM-SHA384",
      "ECDHE-ECDSA-CHACHA20-POLY1305",
    ].join(":"),
    ecdhCurve: "X25519:P-256:P-384",
    honorCipherOrder: false,
  } as const;
  const good = createHttpsServer(goodTls, (_request, response) => {
    response.setHeader("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
    response.end("tlsgate demo: the well-configured server\n");
  });
  const legacy = createTlsServer(
    {
      key: credentials.legacy.key,
      cert: credentials.legacy.cert,
      minVersion: "TLSv1",
      maxVersion: "TLSv1.2",
      // Security level 0 lets OpenSSL 3 speak TLS 1.0 and the old suites at all.
      ciphers: "ALL:@SECLEVEL=0",
      honorCipherOrder: true,
    },
    (socket) => socket.end(),
  );
  const goodPort = await listen(good);
  const legacyPort = await listen(legacy);
  const mail = await startSmtpStarttlsServer(goodTls);
  return [
    { name: "well-configured", target: `https://localhost:${goodPort}/`, close: closer(good) },
    { name: "legacy", target: `localhost:${legacyPort}`, close: closer(legacy) },
    { name: "mail (SMTP STARTTLS)", target: `smtp://localhost:${mail.port}`, close: mail.close },
  ];
}
