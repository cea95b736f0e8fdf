/**
 * Loopback TLS servers for the action's tests: a test CA and a localhost certificate made with
 * openssl at test time, a modern server (TLS 1.2–1.3) and a legacy one (TLS 1.0–1.2).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type Server, type TlsOptions } from "node:tls";

export interface TestCredentials {
  cert: string;
  key: string;
  /** The CA that signed `cert`, as a PEM file (for the ca-file input). */
  caFile: string;
}

export interface LeafOptions {
  /** Subject attributes, most significant first; default CN=localhost. Values may hold any text. */
  subject?: readonly (readonly [string, string])[];
  /** DNS names besides localhost (and the IP 127.0.0.1). */
  dns?: readonly string[];
}

/** A value in an openssl config file, which reads `\n` as a line break and `$` as a variable. */
const configValue = (text: string): string =>
  text
    .replace(/[\\$#"]/g, (c) => `\\${c}`)
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r");

export function makeCredentials(leaf: LeafOptions = {}): TestCredentials {
  const dir = mkdtempSync(join(tmpdir(), "tlsgate-action-pki-"));
  const file = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => {
    // stderr kept: a failed command then says why in the test failure.
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  };
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  openssl(
    "req",
    "-x509",
    ...ec,
    "-keyout",
    file("ca.key"),
    "-out",
    file("ca.pem"),
    "-days",
    "2",
    "-subj",
    "/CN=tlsgate action test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  );
  // A config file rather than -subj, so that names can hold any character (line breaks too).
  const subject = leaf.subject ?? [["CN", "localhost"]];
  const dns = ["localhost", ...(leaf.dns ?? [])];
  writeFileSync(
    file("leaf.cnf"),
    [
      "[req]",
      "prompt = no",
      "utf8 = yes",
      "string_mask = utf8only",
      "distinguished_name = dn",
      "[dn]",
      ...subject.map(([name, value], i) => `${i}.${name} = ${configValue(value)}`),
      "[ext]",
      "subjectAltName = @alt",
      "basicConstraints = critical,CA:FALSE",
      "extendedKeyUsage = serverAuth",
      "[alt]",
      ...dns.map((name, i) => `DNS.${i + 1} = ${configValue(name)}`),
      "IP.1 = 127.0.0.1",
      "",
    ].join("\n"),
  );
  openssl(
    "req",
    "-new",
    ...ec,
    "-keyout",
    file("leaf.key"),
    "-out",
    file("leaf.csr"),
    "-config",
    file("leaf.cnf"),
  );
  openssl(
    "x509",
    "-req",
    "-in",
    file("leaf.csr"),
    "-CA",
    file("ca.pem"),
    "-CAkey",
    file("ca.key"),
    "-set_serial",
    "2",
    "-days",
    "2",
    "-out",
    file("leaf.pem"),
    "-extfile",
    file("leaf.cnf"),
    "-extensions",
    "ext",
  );
  return {
    cert: readFileSync(file("leaf.pem"), "utf8"),
    key: readFileSync(file("leaf.key"), "utf8"),
    caFile: file("ca.pem"),
  };
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
  const server: Server = createServer(
    { cert: credentials.cert, key: credentials.key, ...options },
    (socket) => socket.end(),
  );
  // Probes that are refused or cut short end in socket errors: expected, not test failures.
  server.on("tlsClientError", () => {});
  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );
  return {
    target: `127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
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
