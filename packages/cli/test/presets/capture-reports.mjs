#!/usr/bin/env node
// Captures reports/captured-<level>.json: a real TLS server on 127.0.0.1 (node:https, Node's
// OpenSSL) configured as Mozilla's configuration generator prescribes for each level (protocols,
// cipher suites, curves, server order, HSTS, a stapled OCSP response), scanned by core's
// scanTarget. A fresh test PKI is made with the openssl command each run; its root is passed as
// the scan's --ca. Nothing leaves the loopback interface.
//
//   npm run build -w @tlsgate/core && node packages/cli/test/presets/capture-reports.mjs
//
// OpenSSL 3.0 cannot speak X25519MLKEM768, so it is left out of the curves, as Mozilla's
// generator does for libraries that lack it. Node staples one OCSP response for all of a server's
// certificates, so both leaves of the dual-certificate intermediate server share one issuer.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { scanTarget } from "@tlsgate/core";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, "../../../..");
// The vendored reference data (data/SOURCES.md).
const DATA = resolve(REPO_ROOT, "data");
const guideline = (version) =>
  JSON.parse(readFileSync(join(DATA, "mozilla", `guidelines-${version}.json`), "utf8"))
    .configurations;

const EXTENSIONS = `
[ca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
[int]
basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[leaf]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost
authorityKeyIdentifier=keyid
authorityInfoAccess=OCSP;URI:http://127.0.0.1:9/ocsp
[ocsp]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=critical,OCSPSigning
`;

/** A test PKI: an ECDSA root, ECDSA and RSA intermediates, and leaves issued as asked. */
function makePki(dir) {
  const openssl = (...args) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  writeFileSync(join(dir, "ext.cnf"), EXTENSIONS);
  const key = (name, spec) =>
    spec === "rsa"
      ? openssl(
          "genpkey",
          "-algorithm",
          "RSA",
          "-pkeyopt",
          "rsa_keygen_bits:2048",
          "-out",
          `${name}.key`,
        )
      : openssl(
          "genpkey",
          "-algorithm",
          "EC",
          "-pkeyopt",
          `ec_paramgen_curve:${spec}`,
          "-out",
          `${name}.key`,
        );
  key("root", "secp384r1");
  openssl(
    "req",
    "-x509",
    "-key",
    "root.key",
    "-out",
    "root.pem",
    "-days",
    "3650",
    "-sha384",
    "-subj",
    "/CN=tlsgate test root",
    "-config",
    "ext.cnf",
    "-extensions",
    "ca",
  );
  const issue = (name, spec, issuer, days, extensions, cn, digest) => {
    key(name, spec);
    openssl("req", "-new", "-key", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${cn}`);
    openssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      `${issuer}.pem`,
      "-CAkey",
      `${issuer}.key`,
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      "-days",
      String(days),
      "-extfile",
      "ext.cnf",
      "-extensions",
      extensions,
      `-${digest}`,
    );
  };
  issue("int-ec", "secp384r1", "root", 1000, "int", "tlsgate test ECDSA CA", "sha384");
  issue("int-rsa", "rsa", "root", 1000, "int", "tlsgate test RSA CA", "sha384");
  issue("ocsp-ec", "prime256v1", "int-ec", 90, "ocsp", "tlsgate test OCSP (ECDSA CA)", "sha256");
  issue("ocsp-rsa", "rsa", "int-rsa", 90, "ocsp", "tlsgate test OCSP (RSA CA)", "sha256");
  issue("leaf-ec", "prime256v1", "int-ec", 90, "leaf", "localhost", "sha256");
  issue("leaf-rsa-by-ec", "rsa", "int-ec", 90, "leaf", "localhost", "sha256");
  issue("leaf-rsa", "rsa", "int-rsa", 90, "leaf", "localhost", "sha256");

  /** A good OCSP response for these leaves, signed by their issuer's responder. */
  const staple = (name, leaves, issuer) => {
    const lines = leaves.map((leaf) => {
      const serial = openssl("x509", "-in", `${leaf}.pem`, "-noout", "-serial").toString().trim();
      const end = openssl("x509", "-in", `${leaf}.pem`, "-noout", "-enddate").toString().trim();
      const expiry = new Date(end.slice("notAfter=".length)).toISOString();
      const stamp = expiry.replace(/[-:T]/g, "").slice(2, 14) + "Z";
      return `V\t${stamp}\t\t${serial.slice("serial=".length)}\tunknown\t/CN=localhost\n`;
    });
    writeFileSync(join(dir, `${name}.index`), lines.join(""));
    writeFileSync(join(dir, `${name}.index.attr`), "unique_subject = no\n");
    openssl(
      "ocsp",
      "-issuer",
      `${issuer}.pem`,
      ...leaves.flatMap((leaf) => ["-cert", `${leaf}.pem`]),
      "-no_nonce",
      "-reqout",
      `${name}.req`,
    );
    openssl(
      "ocsp",
      "-index",
      `${name}.index`,
      "-rsigner",
      `ocsp-${issuer.slice(4)}.pem`,
      "-rkey",
      `ocsp-${issuer.slice(4)}.key`,
      "-CA",
      `${issuer}.pem`,
      "-reqin",
      `${name}.req`,
      "-respout",
      `${name}.der`,
      "-ndays",
      "7",
    );
  };
  staple("staple-ec", ["leaf-ec", "leaf-rsa-by-ec"], "int-ec");
  staple("staple-rsa", ["leaf-rsa"], "int-rsa");
  return (file) => readFileSync(join(dir, file));
}

const LEVELS = {
  modern: { guideline: "6.0", chains: [["leaf-ec", "int-ec"]], staple: "staple-ec.der" },
  intermediate: {
    guideline: "6.0",
    chains: [
      ["leaf-ec", "int-ec"],
      ["leaf-rsa-by-ec", "int-ec"],
    ],
    staple: "staple-ec.der",
  },
  compatible: {
    guideline: "5.8",
    level: "old",
    chains: [["leaf-rsa", "int-rsa"]],
    staple: "staple-rsa.der",
  },
};

async function capture(name, spec, read) {
  const cfg = guideline(spec.guideline)[spec.level ?? name];
  const legacy = cfg.tls_versions.includes("TLSv1.1");
  const server = createServer(
    {
      key: spec.chains.map(([leaf]) => read(`${leaf}.key`)),
      cert: spec.chains.map((chain) => Buffer.concat(chain.map((c) => read(`${c}.pem`)))),
      minVersion: cfg.tls_versions[0],
      maxVersion: "TLSv1.3",
      // As the generator does for OpenSSL 3: security level 0 keeps TLS 1.0 and 1.1 working.
      ciphers: [
        ...(legacy ? ["@SECLEVEL=0"] : []),
        ...cfg.ciphersuites,
        ...cfg.ciphers.openssl,
      ].join(":"),
      ecdhCurve: cfg.tls_curves.filter((curve) => curve !== "X25519MLKEM768").join(":"),
      honorCipherOrder: cfg.server_preferred_order,
    },
    (_request, response) => {
      response.setHeader("Strict-Transport-Security", `max-age=${cfg.hsts_min_age}`);
      response.end("tlsgate preset capture\n");
    },
  );
  const stapled = read(spec.staple);
  server.on("OCSPRequest", (_certificate, _issuer, callback) => callback(null, stapled));
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  try {
    const { port } = server.address();
    return await scanTarget(`https://localhost@127.0.0.1:${port}`, {
      ca: [read("root.pem").toString()],
      timeoutMs: 4000,
    });
  } finally {
    server.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), "tlsgate-capture-"));
try {
  const read = makePki(dir);
  for (const [name, spec] of Object.entries(LEVELS)) {
    const report = await capture(name, spec, read);
    const file = join(HERE, "reports", `captured-${name}.json`);
    writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
    console.log(`${file}: ${report.errors.length} scan errors`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
