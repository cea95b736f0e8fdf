/**
 * What a CLI fleet test scans: one node:tls server on 127.0.0.1 (the demo's good certificate,
 * TLS 1.2 and 1.3, nothing older), `count` targets naming it under names of their own in a
 * targets file, and a policy with one rule the server passes (no TLS 1.1).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:tls";
import { makeDemoCredentials } from "../../src/demo/certificates.js";

export interface OneServerFleet {
  /** A temporary folder holding the targets file and the policy. */
  dir: string;
  targets: string[];
  targetsFile: string;
  policy: string;
  /** TCP connections the server has accepted so far. */
  connections: () => number;
  close: () => Promise<void>;
}

export async function startOneServerFleet(count: number, name: string): Promise<OneServerFleet> {
  const credentials = await makeDemoCredentials();
  const server = createServer({ ...credentials.good, minVersion: "TLSv1.2" }, (s) => s.end());
  let connections = 0;
  server.on("connection", () => (connections += 1));
  const port = await new Promise<number>((done) =>
    server.listen(0, "127.0.0.1", () => done((server.address() as AddressInfo).port)),
  );
  const dir = mkdtempSync(join(tmpdir(), `tlsgate-${name}-`));
  const targets = Array.from({ length: count }, (_, i) => `t${i}.test@127.0.0.1:${port}`);
  const targetsFile = join(dir, "targets.txt");
  writeFileSync(targetsFile, `${targets.join("\n")}\n`);
  const policy = join(dir, "policy.json");
  writeFileSync(
    policy,
    JSON.stringify({
      name,
      version: "1.0.0",
      rules: {
        "no-tls11": {
          severity: "error",
          title: "No TLS 1.1",
          schema: { properties: { protocols: { properties: { "TLSv1.1": { const: false } } } } },
        },
      },
    }),
  );
  return {
    dir,
    targets,
    targetsFile,
    policy,
    connections: () => connections,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
