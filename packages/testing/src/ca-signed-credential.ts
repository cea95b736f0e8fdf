/**
 * A test CA and a localhost certificate it signs (P-256, two days), made with the openssl CLI at
 * test time: for tests that pass the CA as a trust anchor (`--ca`, the Action's `ca-file`) and
 * expect the served chain to be trusted.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { harnessTempDir } from "./credentials.js";
import { harnessEnv } from "./process.js";

export interface CaSignedCredential {
  /** The leaf certificate (CN=localhost, SAN DNS:localhost and IP:127.0.0.1), PEM. */
  readonly cert: string;
  /** The leaf's private key, PEM. */
  readonly key: string;
  /** The CA that signed `cert`, as a PEM file. */
  readonly caFile: string;
}

/** The leaf's names; by default CN=localhost and SAN DNS:localhost, IP:127.0.0.1. */
export interface LeafOptions {
  /** Subject attributes, most significant first. Values may hold any text (line breaks too). */
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

let counter = 0;

export function createCaSignedCredential(leaf: LeafOptions = {}): CaSignedCredential {
  counter += 1;
  const file = (name: string): string => join(harnessTempDir(), `ca-signed-${counter}-${name}`);
  const openssl = (...args: string[]): void => {
    // stderr kept: a failed command then says why in the test failure.
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"], env: harnessEnv() });
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
    "/CN=tlsgate test CA",
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
