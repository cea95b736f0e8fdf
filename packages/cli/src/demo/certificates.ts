/**
 * Certificates for the demo servers, made at run time so the demo needs no openssl binary and
 * never ships a certificate that expires: a demo CA, an ECDSA P-256 leaf it signs for the good
 * server, and a self-signed RSA leaf for the legacy one.
 */
import "reflect-metadata"; // @peculiar/x509 needs the Reflect metadata API
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const DAY_MS = 86_400_000;
const ECDSA = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const RSA = {
  name: "RSASSA-PKCS1-v1_5",
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: "SHA-256",
} as const;

export interface DemoCredentials {
  caPem: string;
  good: { cert: string; key: string };
  legacy: { cert: string; key: string };
}

const sanFor = (): x509.SubjectAlternativeNameExtension =>
  new x509.SubjectAlternativeNameExtension([
    { type: "dns", value: "localhost" },
    { type: "ip", value: "127.0.0.1" },
  ]);

async function pkcs8Pem(key: webcrypto.CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey("pkcs8", key);
  return x509.PemConverter.encode(der, "PRIVATE KEY");
}

export async function makeDemoCredentials(now = new Date()): Promise<DemoCredentials> {
  const caKeys = await webcrypto.subtle.generateKey(ECDSA, true, ["sign", "verify"]);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "CN=tlsgate demo CA",
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(now.getTime() + 365 * DAY_MS),
    keys: caKeys,
    signingAlgorithm: ECDSA,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const goodKeys = await webcrypto.subtle.generateKey(ECDSA, true, ["sign", "verify"]);
  const good = await x509.X509CertificateGenerator.create({
    serialNumber: "02",
    subject: "CN=localhost",
    issuer: ca.subject,
    notBefore: new Date(now.getTime() - DAY_MS),
    // Mozilla's intermediate level allows at most 366 days; stay well inside.
    notAfter: new Date(now.getTime() + 89 * DAY_MS),
    publicKey: goodKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ECDSA,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
      sanFor(),
    ],
  });

  const legacyKeys = await webcrypto.subtle.generateKey(RSA, true, ["sign", "verify"]);
  const legacy = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "03",
    name: "CN=localhost",
    notBefore: new Date(now.getTime() - 400 * DAY_MS),
    // Expires in ten days: the kind of certificate a gate should warn about.
    notAfter: new Date(now.getTime() + 10 * DAY_MS),
    keys: legacyKeys,
    signingAlgorithm: RSA,
    extensions: [sanFor()],
  });

  return {
    caPem: ca.toString("pem"),
    good: { cert: good.toString("pem"), key: await pkcs8Pem(goodKeys.privateKey) },
    legacy: { cert: legacy.toString("pem"), key: await pkcs8Pem(legacyKeys.privateKey) },
  };
}
