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

class IndexedTrustStore implements TrustStore {
  readonly anchors: readonly X509Certificate[];
  readonly intermediates: readonly X509Certificate[];
  readonly #bySubject = {
    anchors: new Map<string, X509Certificate[]>(),
    intermediates: new Map<string, X509Certificate[]>(),
  };
  readonly #fingerprints = new Set<string>();
  readonly #parsed = new WeakMap<X509Certificate, ParsedCertificate>();

  constructor(anchors: readonly X509Certificate[], intermediates: readonly X509Certificate[]) {
    this.anchors = anchors;
    this.intermediates = intermediates;
    for (const [pool, list] of [
      ["anchors", anchors],
      ["intermediates", intermediates],
    ] as const) {
      for (const certificate of list) {
        const key = nameKey(certificate.subject);
        const bucket = this.#bySubject[pool].get(key) ?? [];
        bucket.push(certificate);
        this.#bySubject[pool].set(key, bucket);
      }
    }
    for (const anchor of anchors) this.#fingerprints.add(anchor.fingerprint256);
  }

  candidates(
    certificate: X509Certificate,
    pool: "anchors" | "intermediates",
  ): readonly X509Certificate[] {
    return this.#bySubject[pool].get(nameKey(certificate.issuer)) ?? [];
  }

  isAnchor(certificate: X509Certificate): boolean {
    if (this.#fingerprints.has(certificate.fingerprint256)) return true;
    return (this.#bySubject.anchors.get(nameKey(certificate.subject)) ?? []).some((anchor) =>
      anchor.publicKey.equals(certificate.publicKey),
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
  const anchors = [...(base?.anchors ?? [])];
  const intermediates = [...(base?.intermediates ?? [])];
  const seen = new Set(
    [...anchors, ...intermediates].map((certificate) => certificate.fingerprint256),
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
      if (seen.has(certificate.fingerprint256)) continue;
      seen.add(certificate.fingerprint256);
      (isSelfSigned(certificate) ? anchors : intermediates).push(certificate);
    }
  });
  return new IndexedTrustStore(anchors, intermediates);
}
