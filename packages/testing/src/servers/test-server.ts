import { createServer } from "node:net";

import type { LoopbackHost } from "../tls-versions.js";

/** A running test server. */
export interface TestServer {
  readonly host: LoopbackHost;
  readonly port: number;
  /** Stops the server and resolves once its port is free. Idempotent. */
  stop(): Promise<void>;
}

/**
 * A port that was free a moment ago on `host` (bind to port 0, read it, close). Another process
 * may take it before the caller binds it: callers retry on EADDRINUSE.
 */
export function pickFreePort(host: LoopbackHost): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen({ host, port: 0, exclusive: true }, () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
