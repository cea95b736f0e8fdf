import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { HarnessError } from "./errors.js";
import { atHarnessExit, runCommand } from "./process.js";

/** Key types a test server certificate can have (what a cipher suite's Au= must match). */
export const KEY_TYPES = ["rsa", "ecdsa"] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** What a server needs to load a certificate, and what the ground truth needs to know of it. */
export interface CertKeyPair {
  readonly certPath: string;
  readonly keyPath: string;
  readonly keyType: KeyType;
}

export type CredentialKey =
  | { readonly type: "rsa"; readonly bits: 1024 | 2048 | 3072 | 4096 }
  | { readonly type: "ecdsa"; readonly curve: "P-256" | "P-384" | "P-521" };

export interface CredentialSpec {
  readonly key: CredentialKey;
  /** Validity from now, in days (default 30). */
  readonly days?: number;
  /** Subject common name (default "localhost"). */
  readonly commonName?: string;
  /** subjectAltName entries in openssl syntax (default DNS:localhost, IP:127.0.0.1, IP:::1). */
  readonly subjectAltNames?: readonly string[];
}

/** A self-signed server certificate and its unencrypted PKCS#8 key, on disk and in memory. */
export interface ServerCredential extends CertKeyPair {
  readonly keyBits: number;
  readonly curve: "P-256" | "P-384" | "P-521" | null;
  readonly certPem: string;
  readonly keyPem: string;
  readonly subjectAltNames: readonly string[];
}

export const DEFAULT_SUBJECT_ALT_NAMES = ["DNS:localhost", "IP:127.0.0.1", "IP:::1"] as const;

/** The credentials tests use by name; each is generated once per process, on first use. */
export const CREDENTIAL_KINDS = ["rsa2048", "rsa1024", "ecdsa-p256", "ecdsa-p384"] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

const KIND_SPECS: Readonly<Record<CredentialKind, CredentialSpec>> = {
  rsa2048: { key: { type: "rsa", bits: 2048 } },
  // Legacy: refused by openssl at @SECLEVEL>=2 ("ee key too small"), the Debian/Ubuntu default.
  rsa1024: { key: { type: "rsa", bits: 1024 } },
  "ecdsa-p256": { key: { type: "ecdsa", curve: "P-256" } },
  "ecdsa-p384": { key: { type: "ecdsa", curve: "P-384" } },
};

let workDir: string | null = null;
let counter = 0;

const TEMP_PREFIX = "tlsgate-test-";

/** Removes temp dirs left by harness processes that died without cleaning up (e.g. SIGKILL). */
function sweepStaleTempDirs(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = /^tlsgate-test-(\d+)-/.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid) continue;
    try {
      process.kill(Number(pid), 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ESRCH") {
        rmSync(join(tmpdir(), name), { recursive: true, force: true });
      }
    }
  }
}

/** A private temporary directory for this process, removed when the process exits. */
export function harnessTempDir(): string {
  if (workDir === null) {
    sweepStaleTempDirs();
    const dir = mkdtempSync(join(tmpdir(), `${TEMP_PREFIX}${process.pid}-`));
    workDir = dir;
    atHarnessExit(() => rmSync(dir, { recursive: true, force: true }));
  }
  return workDir;
}

/**
 * Generates a fresh self-signed certificate with the openssl CLI (not cached). The openssl `req`
 * configuration is written by us, so the system openssl.cnf (whose v3_ca section would make a CA
 * certificate) plays no part.
 */
export async function createCredential(spec: CredentialSpec): Promise<ServerCredential> {
  const dir = harnessTempDir();
  counter += 1;
  const keyName =
    spec.key.type === "rsa" ? `rsa${spec.key.bits}` : `ecdsa-${spec.key.curve.toLowerCase()}`;
  const base = join(dir, `${keyName}-${counter}`);
  const certPath = `${base}.crt`;
  const keyPath = `${base}.key`;
  const configPath = `${base}.cnf`;
  const subjectAltNames = spec.subjectAltNames ?? DEFAULT_SUBJECT_ALT_NAMES;
  // RSA keys also do static-RSA key transport (keyEncipherment); GnuTLS clients enforce it.
  const keyUsage =
    spec.key.type === "rsa" ? "digitalSignature, keyEncipherment" : "digitalSignature";
  writeFileSync(
    configPath,
    [
      "[req]",
      "distinguished_name = dn",
      "x509_extensions = ext",
      "prompt = no",
      "[dn]",
      `CN = ${spec.commonName ?? "localhost"}`,
      "[ext]",
      `subjectAltName = ${subjectAltNames.join(", ")}`,
      "basicConstraints = critical, CA:FALSE",
      `keyUsage = critical, ${keyUsage}`,
      "extendedKeyUsage = serverAuth",
      "subjectKeyIdentifier = hash",
      "",
    ].join("\n"),
  );
  const newKey =
    spec.key.type === "rsa"
      ? ["-newkey", `rsa:${spec.key.bits}`]
      : ["-newkey", "ec", "-pkeyopt", `ec_paramgen_curve:${spec.key.curve}`];
  const result = await runCommand(
    "openssl",
    [
      "req",
      "-x509",
      ...newKey,
      "-nodes",
      "-sha256",
      "-days",
      String(spec.days ?? 30),
      "-config",
      configPath,
      "-keyout",
      keyPath,
      "-out",
      certPath,
    ],
    { timeoutMs: 30_000 },
  );
  if (result.exitCode !== 0) {
    throw new HarnessError("command-failed", `openssl req failed for ${keyName}`, {
      output: result.stderr,
    });
  }
  return {
    certPath,
    keyPath,
    keyType: spec.key.type,
    keyBits: spec.key.type === "rsa" ? spec.key.bits : Number(spec.key.curve.slice(2)),
    curve: spec.key.type === "ecdsa" ? spec.key.curve : null,
    certPem: readFileSync(certPath, "utf8"),
    keyPem: readFileSync(keyPath, "utf8"),
    subjectAltNames,
  };
}

const cache = new Map<CredentialKind, Promise<ServerCredential>>();

/** One of the named credentials, generated on first use and cached for the process. */
export function getCredential(kind: CredentialKind = "rsa2048"): Promise<ServerCredential> {
  let pending = cache.get(kind);
  if (pending === undefined) {
    pending = createCredential(KIND_SPECS[kind]);
    // A failed generation is not cached: the next caller retries.
    pending.catch(() => cache.delete(kind));
    cache.set(kind, pending);
  }
  return pending;
}

/** Static DH parameter files, committed so that no test waits for prime generation. */
export interface DhParams {
  readonly bits: 1024 | 2048;
  readonly path: string;
  readonly pem: string;
  /** The RFC 7919 group the prime is, or null for a custom prime. */
  readonly namedGroup: "ffdhe2048" | null;
}

const DH_FILES: Readonly<
  Record<DhParams["bits"], { file: string; namedGroup: "ffdhe2048" | null }>
> = {
  // `openssl dhparam -out dh1024.pem 1024` (a custom prime; generator 2).
  1024: { file: "dh1024.pem", namedGroup: null },
  // `openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048` (RFC 7919).
  2048: { file: "ffdhe2048.pem", namedGroup: "ffdhe2048" },
};

/**
 * DH parameters for `openssl s_server -dhparam`, `gnutls-serv --dhparams` or node's `dhparam`.
 * 1024-bit parameters are refused by openssl at @SECLEVEL>=2 ("dh key too small": the server does
 * not start), accepted at 0 and 1.
 */
export function dhParams(bits: DhParams["bits"]): DhParams {
  const { file, namedGroup } = DH_FILES[bits];
  const path = fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));
  return { bits, path, pem: readFileSync(path, "utf8"), namedGroup };
}
