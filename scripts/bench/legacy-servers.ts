// The legacy servers the benchmarks measure: one `openssl s_server` (it serves one connection at
// a time) and one `gnutls-serv`, both with legacy versions and suites enabled.
import { startGnutlsServer, startOpenSslServer, type TestServer } from "@tlsgate/testing";

export const LEGACY_SERVERS: readonly [string, () => Promise<TestServer>][] = [
  [
    "openssl s_server legacy (TLS 1.0-1.2, ALL:@SECLEVEL=0)",
    () =>
      startOpenSslServer({
        cipher: "ALL:@SECLEVEL=0",
        minProtocol: "TLSv1.0",
        maxProtocol: "TLSv1.2",
      }),
  ],
  [
    "gnutls-serv legacy (NORMAL:+3DES-CBC:+ARCFOUR-128:+VERS-TLS1.0:+VERS-TLS1.1)",
    () =>
      startGnutlsServer({ priority: "NORMAL:+3DES-CBC:+ARCFOUR-128:+VERS-TLS1.0:+VERS-TLS1.1" }),
  ],
];
