import { X509Certificate } from "node:crypto";
import { pemToDer } from "./der.js";
import { CertificateError } from "./errors.js";
import { isSelfSigned, parseCertificate, type ParsedCertificate } from "./parse.js";

/**
 * Trust anchors and known intermediates. Self-signed certificates of a bundle are anchors;
 * any other certificate of a bundle is a known intermediate: it is never trusted by itself (as
 * with OpenSSL without partial chains), but it lets checkTrust tell a server that forgot to send
 * an intermediate ("incomplete-chain") from one whose issuer nobody knows ("unknown-issuer").
 */
export interface TrustStore {
  readonly anchors: readonly X509Certificate[];
  readonly intermediates: readonly X509Certificate[];
  /** Anchors (or known intermediates) whose subject is `certificate`'s issuer name. */
  candidates(
    certificate: X509Certificate,
    pool: "anchors" | "intermediates",
  ): readonly X509Certificate[];
  /** Whether `certificate` is itself an anchor: the same DER, or the same subject and key. */
  isAnchor(certificate: X509Certificate): boolean;
  /** The full decoding of a store certificate, made once on first use. */
  parsed(certificate: X509Certificate): ParsedCertificate;
}

const nameKey = (name: string): string => name.toLowerCase();

// Whether a certificate is self-signed costs a signature check: made once, on first need, since
// a scan looks at a handful of the bundle's ~150 roots.
const selfSigned = new WeakMap<X509Certificate, boolean>();
const isAnchorCertificate = (certificate: X509Certificate): boolean => {
  let anchor = selfSigned.get(certificate);
  if (anchor === undefined) {
    anchor = isSelfSigned(certificate);
    selfSigned.set(certificate, anchor);
  }
  return anchor;
};

class IndexedTrustStore implements TrustStore {
  /** Every certificate of the store, in bundle order, anchors and intermediates alike. */
  readonly all: readonly X509Certificate[];
  readonly #bySubject = new Map<string, X509Certificate[]>();
  readonly #byFingerprint: ReadonlyMap<string, X509Certificate>;
  readonly #parsed = new WeakMap<X509Certificate, ParsedCertificate>();
  #anchors: readonly X509Certificate[] | undefined;
  #intermediates: readonly X509Certificate[] | undefined;

  constructor(
    all: readonly X509Certificate[],
    byFingerprint: ReadonlyMap<string, X509Certificate>,
  ) {
    this.all = all;
    this.#byFingerprint = byFingerprint;
    for (const certificate of all) {
      const key = nameKey(certificate.subject);
      const bucket = this.#bySubject.get(key) ?? [];
      bucket.push(certificate);
      this.#bySubject.set(key, bucket);
    }
  }

  get anchors(): readonly X509Certificate[] {
    return (this.#anchors ??= this.all.filter(isAnchorCertificate));
  }

  get intermediates(): readonly X509Certificate[] {
    return (this.#intermediates ??= this.all.filter((c) => !isAnchorCertificate(c)));
  }

  candidates(
    certificate: X509Certificate,
    pool: "anchors" | "intermediates",
  ): readonly X509Certificate[] {
    const bucket = this.#bySubject.get(nameKey(certificate.issuer)) ?? [];
    return bucket.filter((c) => isAnchorCertificate(c) === (pool === "anchors"));
  }

  isAnchor(certificate: X509Certificate): boolean {
    const same = this.#byFingerprint.get(certificate.fingerprint256);
    if (same !== undefined && isAnchorCertificate(same)) return true;
    return (this.#bySubject.get(nameKey(certificate.subject)) ?? []).some(
      (anchor) => isAnchorCertificate(anchor) && anchor.publicKey.equals(certificate.publicKey),
    );
  }

  parsed(certificate: X509Certificate): ParsedCertificate {
    let parsed = this.#parsed.get(certificate);
    if (parsed === undefined) {
      parsed = parseCertificate(new Uint8Array(certificate.raw));
      this.#parsed.set(certificate, parsed);
    }
    return parsed;
  }
}

/**
 * A trust store from PEM bundles (for example Node's `tls.rootCertificates`, Mozilla's store, plus
 * the files given with `--ca`), optionally added to an existing store. A bundle without any
 * certificate, or with one that does not decode, is a CertificateError.
 */
export function createTrustStore(pemBundles: readonly string[], base?: TrustStore): TrustStore {
  const all =
    base === undefined
      ? []
      : base instanceof IndexedTrustStore
        ? [...base.all]
        : [...base.anchors, ...base.intermediates];
  const byFingerprint = new Map(
    all.map((certificate) => [certificate.fingerprint256, certificate]),
  );
  pemBundles.forEach((pem, index) => {
    for (const der of pemToDer(pem, `CA bundle ${index + 1}`)) {
      let certificate: X509Certificate;
      try {
        certificate = new X509Certificate(der);
      } catch (error) {
        throw new CertificateError("der", `CA bundle ${index + 1}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      if (byFingerprint.has(certificate.fingerprint256)) continue;
      byFingerprint.set(certificate.fingerprint256, certificate);
      all.push(certificate);
    }
  });
  return new IndexedTrustStore(all, byFingerprint);
}
