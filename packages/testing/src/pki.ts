/**
 * A test PKI made in memory at test time: CA → intermediate → leaf chains and odd certificates
 * (custom validity, self-signed, SANs, RSA-1024/2048, ECDSA P-256/P-384, Ed25519, SHA-1 and
 * RSASSA-PSS signatures, OCSP must-staple, embedded SCTs, basicConstraints) and OCSP responses.
 *
 * Test-only (@tlsgate/testing is never built or published), so it may use @peculiar/x509 and its reflect-metadata
 * polyfill. Key generation is the slow part: keys are cached per (type, slot) for the process.
 */
import "reflect-metadata";
import { randomUUID, webcrypto } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { harnessTempDir, type CertKeyPair } from "./credentials.js";

type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const subtle = webcrypto.subtle;

/** The reference time of the test PKI: default validity is [PKI_NOW − 30 days, PKI_NOW + 60 days]. */
export const PKI_NOW = new Date("2030-01-15T12:00:00.000Z");
const DAY_MS = 86_400_000;

export const KEY_TYPES = ["rsa-1024", "rsa-2048", "p256", "p384", "ed25519"] as const;
export type KeyType = (typeof KEY_TYPES)[number];
export type HashName = "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512";

export interface CertificateSpec {
  /**
   * Distinguished name in @peculiar/x509 syntax, in DER order (most significant first), e.g.
   * "O=tlsgate, CN=leaf.test" (printed in RFC 4514 as "CN=leaf.test,O=tlsgate").
   */
  subject: string | x509.JsonName;
  /** The issuing certificate; absent for a self-signed certificate. */
  issuer?: TestCertificate;
  /** Subject key type, "p256" by default. */
  key?: KeyType;
  /** Key cache slot: certificates with the same type and slot share a key. Default: the subject. */
  keySlot?: string;
  /** Hash of the issuer's signature ("SHA-256" by default; ignored for Ed25519 issuers). */
  hash?: HashName;
  /** Sign with RSASSA-PSS instead of PKCS#1 v1.5 (RSA issuers only). */
  pss?: boolean;
  notBefore?: Date;
  notAfter?: Date;
  dns?: readonly string[];
  ips?: readonly string[];
  /** basicConstraints cA (critical); absent means no basicConstraints extension at all. */
  ca?: boolean;
  pathLength?: number;
  /** keyUsage keyCertSign (and cRLSign); by default only when `ca` is true. */
  keyCertSign?: boolean;
  /** TLS feature extension with status_request (OCSP must-staple). */
  mustStaple?: boolean;
  /** extendedKeyUsage id-kp-OCSPSigning instead of serverAuth: a delegated OCSP responder. */
  ocspSigning?: boolean;
  /** An embedded SCT list extension with this many (fake, well-formed) SCTs. */
  sctCount?: number;
  /** Hex serial; random by default. */
  serial?: string;
}

export interface TestCertificate {
  der: Uint8Array;
  pem: string;
  /** PKCS#8 PEM of the subject's private key. */
  keyPem: string;
  keys: CryptoKeyPair;
  keyType: KeyType;
  certificate: x509.X509Certificate;
  spec: CertificateSpec;
}

const keyCache = new Map<string, Promise<CryptoKeyPair>>();

function generationParams(
  type: KeyType,
): webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams | webcrypto.Algorithm {
  switch (type) {
    case "rsa-1024":
    case "rsa-2048":
      return {
        name: "RSASSA-PKCS1-v1_5",
        modulusLength: type === "rsa-1024" ? 1024 : 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: "SHA-256",
      } satisfies webcrypto.RsaHashedKeyGenParams;
    case "p256":
      return { name: "ECDSA", namedCurve: "P-256" } satisfies webcrypto.EcKeyGenParams;
    case "p384":
      return { name: "ECDSA", namedCurve: "P-384" } satisfies webcrypto.EcKeyGenParams;
    case "ed25519":
      return { name: "Ed25519" };
  }
}

/** A key pair of `type`, generated once per slot. */
export function keyPair(type: KeyType, slot = "default"): Promise<CryptoKeyPair> {
  const cacheKey = `${type}/${slot}`;
  let pair = keyCache.get(cacheKey);
  if (pair === undefined) {
    pair = subtle.generateKey(generationParams(type), true, [
      "sign",
      "verify",
    ]) as Promise<CryptoKeyPair>;
    keyCache.set(cacheKey, pair);
  }
  return pair;
}

function toPem(label: string, der: ArrayBuffer | Uint8Array): string {
  const base64 = Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString(
    "base64",
  );
  return `-----BEGIN ${label}-----\n${base64.replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END ${label}-----\n`;
}

/** The issuer's private key as a CryptoKey able to sign with `hash` (RSA keys carry their hash). */
async function signer(
  issuer: { keys: CryptoKeyPair; keyType: KeyType },
  hash: HashName,
  pss: boolean,
) {
  const key = issuer.keys.privateKey;
  if (issuer.keyType.startsWith("rsa")) {
    const name = pss ? "RSA-PSS" : "RSASSA-PKCS1-v1_5";
    const pkcs8 = await subtle.exportKey("pkcs8", key);
    const signingKey = await subtle.importKey("pkcs8", pkcs8, { name, hash }, false, ["sign"]);
    const saltLength = { "SHA-1": 20, "SHA-256": 32, "SHA-384": 48, "SHA-512": 64 }[hash];
    return { signingKey, algorithm: pss ? { name, hash, saltLength } : { name, hash } };
  }
  if (issuer.keyType === "ed25519") return { signingKey: key, algorithm: { name: "Ed25519" } };
  return { signingKey: key, algorithm: { name: "ECDSA", hash } };
}

/** A syntactically valid SignedCertificateTimestampList with `count` entries. */
function sctListExtensionValue(count: number): Uint8Array {
  const sct = (index: number): Uint8Array => {
    // version(1) log_id(32) timestamp(8) extensions<2> signature: hash(1) sig(1) opaque<2>
    const body = new Uint8Array(1 + 32 + 8 + 2 + 2 + 2 + 8);
    body.fill(index + 1, 1, 33);
    body[40] = index; // timestamp low byte
    body[43] = 4; // sha256
    body[44] = 3; // ecdsa
    body[46] = 8; // 8 bytes of "signature"
    return body;
  };
  const entries = Array.from({ length: count }, (_, index) => sct(index));
  const listLength = entries.reduce((sum, entry) => sum + 2 + entry.length, 0);
  const list = new Uint8Array(2 + listLength);
  list[0] = listLength >> 8;
  list[1] = listLength & 0xff;
  let offset = 2;
  for (const entry of entries) {
    list[offset] = entry.length >> 8;
    list[offset + 1] = entry.length & 0xff;
    list.set(entry, offset + 2);
    offset += 2 + entry.length;
  }
  return new Uint8Array(new asn1js.OctetString({ valueHex: list }).toBER(false));
}

/** Creates one certificate as the spec says (self-signed when `issuer` is absent). */
export async function createCertificate(spec: CertificateSpec): Promise<TestCertificate> {
  const keyType = spec.key ?? "p256";
  const keys = await keyPair(keyType, spec.keySlot ?? JSON.stringify(spec.subject));
  const issuer = spec.issuer ?? { keys, keyType, certificate: null };
  const { signingKey, algorithm } = await signer(issuer, spec.hash ?? "SHA-256", spec.pss ?? false);

  const extensions: x509.Extension[] = [];
  if (spec.ca !== undefined) {
    extensions.push(new x509.BasicConstraintsExtension(spec.ca, spec.pathLength, true));
  }
  extensions.push(
    (spec.keyCertSign ?? spec.ca === true)
      ? new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
          true,
        )
      : new x509.KeyUsagesExtension(
          keyType.startsWith("rsa")
            ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment
            : x509.KeyUsageFlags.digitalSignature,
          true,
        ),
  );
  if (spec.ca !== true) {
    extensions.push(
      new x509.ExtendedKeyUsageExtension([
        spec.ocspSigning === true
          ? x509.ExtendedKeyUsage.ocspSigning
          : x509.ExtendedKeyUsage.serverAuth,
      ]),
    );
  }
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
  extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey));
  const names = [
    ...(spec.dns ?? []).map((value) => ({ type: "dns" as const, value })),
    ...(spec.ips ?? []).map((value) => ({ type: "ip" as const, value })),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  if (spec.mustStaple === true) {
    extensions.push(
      new x509.Extension(
        "1.3.6.1.5.5.7.1.24",
        false,
        new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05]),
      ),
    );
  }
  if (spec.sctCount !== undefined) {
    extensions.push(
      new x509.Extension("1.3.6.1.4.1.11129.2.4.2", false, sctListExtensionValue(spec.sctCount)),
    );
  }

  const serial =
    spec.serial ??
    `01${Buffer.from(webcrypto.getRandomValues(new Uint8Array(15))).toString("hex")}`;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: spec.subject,
    issuer: spec.issuer?.certificate.subject ?? spec.subject,
    notBefore: spec.notBefore ?? new Date(PKI_NOW.getTime() - 30 * DAY_MS),
    notAfter: spec.notAfter ?? new Date(PKI_NOW.getTime() + 60 * DAY_MS),
    publicKey: keys.publicKey,
    signingKey,
    signingAlgorithm: algorithm,
    extensions,
  });
  const der = new Uint8Array(certificate.rawData);
  return {
    der,
    pem: toPem("CERTIFICATE", der),
    keyPem: toPem("PRIVATE KEY", await subtle.exportKey("pkcs8", keys.privateKey)),
    keys,
    keyType,
    certificate,
    spec,
  };
}

export interface TestChain {
  root: TestCertificate;
  intermediate: TestCertificate;
  leaf: TestCertificate;
}

export interface ChainOptions {
  /** Prefix of the subjects, so that separate chains do not share names. Default "tlsgate test". */
  name?: string;
  root?: Partial<CertificateSpec>;
  intermediate?: Partial<CertificateSpec>;
  leaf?: Partial<CertificateSpec>;
}

/** Root CA → intermediate CA → leaf for `leaf.test` (and 127.0.0.1 / ::1), all P-256 unless told. */
export async function createChain(options: ChainOptions = {}): Promise<TestChain> {
  const name = options.name ?? "tlsgate test";
  const root = await createCertificate({
    subject: `O=tlsgate, CN=${name} root`,
    ca: true,
    notBefore: new Date(PKI_NOW.getTime() - 365 * DAY_MS),
    notAfter: new Date(PKI_NOW.getTime() + 3650 * DAY_MS),
    ...options.root,
  });
  const intermediate = await createCertificate({
    subject: `O=tlsgate, CN=${name} intermediate`,
    issuer: root,
    ca: true,
    pathLength: 0,
    notBefore: new Date(PKI_NOW.getTime() - 365 * DAY_MS),
    notAfter: new Date(PKI_NOW.getTime() + 1825 * DAY_MS),
    ...options.intermediate,
  });
  const leaf = await createCertificate({
    subject: `O=tlsgate, CN=leaf.test`,
    issuer: intermediate,
    dns: ["leaf.test"],
    ips: ["127.0.0.1", "::1"],
    ...options.leaf,
  });
  return { root, intermediate, leaf };
}

/** PEM bundle of certificates, in the order given. */
export function pemBundle(...certificates: TestCertificate[]): string {
  return certificates.map((certificate) => certificate.pem).join("");
}

export interface OcspResponseSpec {
  certificate: TestCertificate;
  issuer: TestCertificate;
  status: "good" | "revoked" | "unknown";
  /** thisUpdate and producedAt; PKI_NOW by default. nextUpdate is a week later. */
  now?: Date;
  revokedAt?: Date;
  /** A delegated responder (issued by `issuer`) that signs and is carried in `certs`. */
  responder?: TestCertificate;
}

/** A successful OCSP response (DER) about `certificate`, signed by its issuer (pkijs). */
export async function createOcspResponse(spec: OcspResponseSpec): Promise<Uint8Array> {
  const now = spec.now ?? PKI_NOW;
  const parse = (der: Uint8Array) => pkijs.Certificate.fromBER(der);
  const issuer = parse(spec.issuer.der);
  const certID = new pkijs.CertID();
  await certID.createForCertificate(parse(spec.certificate.der), {
    hashAlgorithm: "SHA-1",
    issuerCertificate: issuer,
  });
  const status =
    spec.status === "revoked"
      ? new asn1js.Constructed({
          idBlock: { tagClass: 3, tagNumber: 1 },
          value: [
            new asn1js.GeneralizedTime({
              valueDate: spec.revokedAt ?? new Date(now.getTime() - DAY_MS),
            }),
          ],
        })
      : new asn1js.Primitive({
          idBlock: { tagClass: 3, tagNumber: spec.status === "good" ? 0 : 2 },
        });
  const responder = spec.responder === undefined ? null : parse(spec.responder.der);
  const basic = new pkijs.BasicOCSPResponse({
    ...(responder === null ? {} : { certs: [responder] }),
    tbsResponseData: new pkijs.ResponseData({
      responderID: (responder ?? issuer).subject,
      producedAt: now,
      responses: [
        new pkijs.SingleResponse({
          certID,
          certStatus: status,
          thisUpdate: now,
          nextUpdate: new Date(now.getTime() + 7 * DAY_MS),
        }),
      ],
    }),
  });
  const { signingKey } = await signer(spec.responder ?? spec.issuer, "SHA-256", false);
  await basic.sign(signingKey, "SHA-256");
  const response = new pkijs.OCSPResponse({
    responseStatus: new asn1js.Enumerated({ value: 0 }),
    responseBytes: new pkijs.ResponseBytes({
      responseType: "1.3.6.1.5.5.7.48.1.1",
      response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER(false) }),
    }),
  });
  return new Uint8Array(response.toSchema().toBER(false));
}

/**
 * Writes files for `openssl s_server` into the harness's temporary directory (removed at exit):
 * the certificate and key as a CertKeyPair, and any extra PEM or DER contents (`-cert_chain`,
 * `-status_file`) by name. Ed25519 keys are reported as "ecdsa" (the harness knows RSA and ECDSA).
 */
export function writeServerFiles(
  certificate: TestCertificate,
  extra: Readonly<Record<string, string | Uint8Array>> = {},
): { credential: CertKeyPair; paths: Record<string, string> } {
  const prefix = join(harnessTempDir(), `pki-${randomUUID()}`);
  writeFileSync(`${prefix}-cert.pem`, certificate.pem);
  writeFileSync(`${prefix}-key.pem`, certificate.keyPem, { mode: 0o600 });
  const paths: Record<string, string> = {};
  for (const [name, content] of Object.entries(extra)) {
    paths[name] = `${prefix}-${name}`;
    writeFileSync(paths[name], content);
  }
  return {
    credential: {
      certPath: `${prefix}-cert.pem`,
      keyPath: `${prefix}-key.pem`,
      keyType: certificate.keyType.startsWith("rsa") ? "rsa" : "ecdsa",
    },
    paths,
  };
}

export interface CrossSignedMesh {
  /** One self-signed root per CA: the same subject and key as that CA's cross-certificates. */
  roots: TestCertificate[];
  /** The cross-certificates, in creation order: CA `i % cas` certified by another CA. */
  crossCertificates: TestCertificate[];
  /** A leaf issued by CA 0. */
  leaf: TestCertificate;
}

export interface MeshOptions {
  /** How many cross-certificates to make. */
  certificates: number;
  /** How many CAs (subject name and key) they are spread over; 4 by default, at least 2. */
  cas?: number;
  /** Prefix of the subjects, "mesh" by default. */
  name?: string;
}

/**
 * Hostile input for path building: CAs that all certify one another. Cross-certificate `i`
 * gives CA `i % cas` a certificate signed by one of the other CAs (in turn), so each CA has
 * about `certificates / cas` certificates, and each of them is a valid issuer of every
 * certificate whose issuer is that CA: a depth-first search that only avoids repeating a
 * certificate on its current path explores a number of paths exponential in the path length.
 */
export async function createCrossSignedMesh(options: MeshOptions): Promise<CrossSignedMesh> {
  const name = options.name ?? "mesh";
  const cas = Math.max(2, options.cas ?? 4);
  const subject = (ca: number) => `O=tlsgate, CN=${name} ca ${ca}`;
  const roots: TestCertificate[] = [];
  for (let ca = 0; ca < cas; ca++) {
    roots.push(
      await createCertificate({ subject: subject(ca), keySlot: `${name}/${ca}`, ca: true }),
    );
  }
  const crossCertificates: TestCertificate[] = [];
  for (let index = 0; index < options.certificates; index++) {
    const ca = index % cas;
    const issuer = roots[(ca + 1 + (Math.floor(index / cas) % (cas - 1))) % cas];
    if (issuer === undefined) throw new Error("unreachable: every CA has a root");
    crossCertificates.push(
      await createCertificate({ subject: subject(ca), keySlot: `${name}/${ca}`, issuer, ca: true }),
    );
  }
  const leaf = await createCertificate({
    subject: `O=tlsgate, CN=${name}.test`,
    issuer: roots[0] as TestCertificate,
    dns: [`${name}.test`],
  });
  return { roots, crossCertificates, leaf };
}
