/**
 * Loopback TLS servers for the action's tests, from @tlsgate/testing: a test CA and a localhost
 * certificate it signs, a modern server (TLS 1.2–1.3) and a legacy one (TLS 1.0–1.2).
 */
import { writeFileSync } from "node:fs";
import type { TlsOptions } from "node:tls";
import { createCaSignedCredential, startNodeTlsServer } from "@tlsgate/testing";
import type { CaSignedCredential, LeafOptions } from "@tlsgate/testing";

export type TestCredentials = CaSignedCredential;

export function makeCredentials(leaf: LeafOptions = {}): TestCredentials {
  return createCaSignedCredential(leaf);
}

export interface TestServer {
  /** `127.0.0.1:PORT` */
  target: string;
  close(): Promise<void>;
}

export const MODERN: TlsOptions = { minVersion: "TLSv1.2" };
export const LEGACY: TlsOptions = {
  minVersion: "TLSv1",
  maxVersion: "TLSv1.2",
  ciphers: "ALL:@SECLEVEL=0",
};

export async function startServer(
  credentials: TestCredentials,
  options: TlsOptions,
): Promise<TestServer> {
  // Probes that are refused or cut short end in client errors: the server records them, and
  // they are expected, not test failures.
  const server = await startNodeTlsServer({
    cert: credentials.cert,
    key: credentials.key,
    ...options,
    onSecureConnection: (socket) => socket.end(),
  });
  return { target: `${server.host}:${server.port}`, close: () => server.stop() };
}

/** A small policy: TLS 1.0 off (error), TLS 1.3 on (warning), a trusted certificate (error). */
export const TEST_POLICY = {
  name: "action-test",
  version: "1.0.0",
  rules: {
    "no-tls10": {
      severity: "error",
      title: "No TLS 1.0",
      remediation: { nginx: "ssl_protocols TLSv1.2 TLSv1.3;" },
      schema: { properties: { protocols: { properties: { "TLSv1.0": { const: false } } } } },
    },
    tls13: {
      severity: "warning",
      title: "TLS 1.3 is enabled",
      remediation: { nginx: "ssl_protocols TLSv1.2 TLSv1.3;" },
      schema: { properties: { protocols: { properties: { "TLSv1.3": { const: true } } } } },
    },
    trusted: {
      severity: "error",
      title: "The certificate is trusted",
      schema: { properties: { certificate: { properties: { trusted: { const: true } } } } },
    },
  },
} as const;

/** TEST_POLICY as a file, one key per line (so rules have distinct line numbers). */
export function writePolicy(file: string, policy: object = TEST_POLICY): void {
  writeFileSync(file, `${JSON.stringify(policy, null, 2)}\n`);
}
