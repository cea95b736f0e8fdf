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

let counter = 0;

export function createCaSignedCredential(): CaSignedCredential {
  counter += 1;
  const file = (name: string): string => join(harnessTempDir(), `ca-signed-${counter}-${name}`);
  const openssl = (...args: string[]): void => {
    execFileSync("openssl", args, { stdio: "ignore", env: harnessEnv() });
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
  openssl(
    "req",
    ...ec,
    "-keyout",
    file("leaf.key"),
    "-out",
    file("leaf.csr"),
    "-subj",
    "/CN=localhost",
  );
  writeFileSync(
    file("leaf.ext"),
    "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n",
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
    file("leaf.ext"),
  );
  return {
    cert: readFileSync(file("leaf.pem"), "utf8"),
    key: readFileSync(file("leaf.key"), "utf8"),
    caFile: file("ca.pem"),
  };
}
