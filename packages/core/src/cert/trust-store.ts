import { X509Certificate } from "node:crypto";
import { rootCertificates } from "node:tls";
import { certificateNames, nameKey, pemToDer } from "./der.js";
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

/** The same DER, as a map key. */
const derKey = (der: Uint8Array): string =>
  Buffer.from(der.buffer, der.byteOffset, der.length).toString("latin1");

// Served certificates are looked up by name once per search step: their name keys, made once.
const issuerKeys = new WeakMap<X509Certificate, string>();
const subjectKeys = new WeakMap<X509Certificate, string>();
function namesOf(certificate: X509Certificate): { issuer: string; subject: string } {
  let issuer = issuerKeys.get(certificate);
  let subject = subjectKeys.get(certificate);
  if (issuer === undefined || subject === undefined) {
    const names = certificateNames(new Uint8Array(certificate.raw));
    issuer = nameKey(names.issuer);
    subject = nameKey(names.subject);
    issuerKeys.set(certificate, issuer);
    subjectKeys.set(certificate, subject);
  }
  return { issuer, subject };
}

/**
 * One certificate of a store. Node's X509Certificate costs ~0.1 ms to build, and Node's bundle
 * has ~150 roots of which a scan looks at a handful: an entry keeps the DER and its subject's
 * name key, and builds the X509Certificate when a chain names it as issuer.
 */
class StoreEntry {
  readonly der: Uint8Array;
  readonly subjectKey: string;
  #x509: X509Certificate | undefined;

  constructor(der: Uint8Array, subjectKey: string, x509?: X509Certificate) {
    this.der = der;
    this.subjectKey = subjectKey;
    this.#x509 = x509;
  }

  get x509(): X509Certificate {
    return (this.#x509 ??= new X509Certificate(this.der));
  }
}

class IndexedTrustStore implements TrustStore {
  /** Every certificate of the store, in bundle order, anchors and intermediates alike. */
  readonly entries: readonly StoreEntry[];
  readonly #bySubject = new Map<string, StoreEntry[]>();
  readonly #byDer: ReadonlyMap<string, StoreEntry>;
  readonly #parsed = new WeakMap<X509Certificate, ParsedCertificate>();
  #anchors: readonly X509Certificate[] | undefined;
  #intermediates: readonly X509Certificate[] | undefined;

  constructor(entries: readonly StoreEntry[], byDer: ReadonlyMap<string, StoreEntry>) {
    this.entries = entries;
    this.#byDer = byDer;
    for (const entry of entries) {
      const bucket = this.#bySubject.get(entry.subjectKey) ?? [];
      bucket.push(entry);
      this.#bySubject.set(entry.subjectKey, bucket);
    }
  }

  get anchors(): readonly X509Certificate[] {
    return (this.#anchors ??= this.entries.map((e) => e.x509).filter(isAnchorCertificate));
  }

  get intermediates(): readonly X509Certificate[] {
    return (this.#intermediates ??= this.entries
      .map((e) => e.x509)
      .filter((c) => !isAnchorCertificate(c)));
  }

  candidates(
    certificate: X509Certificate,
    pool: "anchors" | "intermediates",
  ): readonly X509Certificate[] {
    // The name key only narrows the search; callers still match with checkIssued (OpenSSL).
    const bucket = this.#bySubject.get(namesOf(certificate).issuer) ?? [];
    return bucket
      .map((entry) => entry.x509)
      .filter((c) => isAnchorCertificate(c) === (pool === "anchors"));
  }

  isAnchor(certificate: X509Certificate): boolean {
    const same = this.#byDer.get(derKey(certificate.raw));
    if (same !== undefined && isAnchorCertificate(same.x509)) return true;
    return (this.#bySubject.get(namesOf(certificate).subject) ?? []).some(
      (entry) =>
        isAnchorCertificate(entry.x509) && entry.x509.publicKey.equals(certificate.publicKey),
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
 * certificate, or with one that does not decode, is a CertificateError. Node's own roots (the
 * `tls.rootCertificates` array itself) decode, and are decoded only when a chain names one.
 */
export function createTrustStore(pemBundles: readonly string[], base?: TrustStore): TrustStore {
  const entries: StoreEntry[] = [];
  const byDer = new Map<string, StoreEntry>();
  const add = (entry: StoreEntry): void => {
    const key = derKey(entry.der);
    if (byDer.has(key)) return;
    byDer.set(key, entry);
    entries.push(entry);
  };
  if (base instanceof IndexedTrustStore) base.entries.forEach(add);
  else if (base !== undefined) {
    for (const certificate of [...base.anchors, ...base.intermediates]) {
      add(
        new StoreEntry(new Uint8Array(certificate.raw), namesOf(certificate).subject, certificate),
      );
    }
  }
  const nodeRoots = pemBundles === rootCertificates;
  pemBundles.forEach((pem, index) => {
    for (const der of pemToDer(pem, `CA bundle ${index + 1}`)) {
      let entry: StoreEntry;
      try {
        const x509 = nodeRoots ? undefined : new X509Certificate(der);
        entry = new StoreEntry(der, nameKey(certificateNames(der).subject), x509);
      } catch (error) {
        throw new CertificateError("der", `CA bundle ${index + 1}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      add(entry);
    }
  });
  return new IndexedTrustStore(entries, byDer);
}
