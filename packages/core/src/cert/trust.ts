import type { X509Certificate } from "node:crypto";
import { WEAK_SIGNATURE_ALGORITHMS } from "./algorithms.js";
import { verifiesWith, type ParsedCertificate } from "./parse.js";
import type { TrustStore } from "./trust-store.js";

/**
 * Why a chain is not trusted, most fundamental first. One code per chain: path problems
 * (self-signed, path-limit, bad-signature, incomplete-chain, unknown-issuer) before issuer
 * constraints (invalid-ca) before algorithm strength (weak-key, weak-signature) before validity
 * (expired, not-yet-valid). Validity comes last so that `expired` says the chain is trusted but
 * for its dates: renewing fixes it, and a policy can leave it to its expiry rule alone.
 *
 * - `self-signed`: the leaf signs itself and is not an anchor.
 * - `untrusted-root`: the served chain links up to a self-signed CA certificate the server sent
 *   along (its own root) that is not an anchor: complete, but not trusted.
 * - `path-limit`: a cap of TRUST_LIMITS stopped the search before it found a path to an anchor
 *   (a hostile or absurd chain); whether one exists is not known, so chainComplete is null.
 * - `bad-signature`: a served or known issuer matches by name but its key does not verify.
 * - `incomplete-chain`: the served chain stops at a certificate whose issuer the server did not
 *   send, although a known intermediate (from a `--ca` bundle) leads from it to an anchor.
 *   Without fetching, a missing intermediate that nobody gave us cannot be told from an unknown
 *   CA: that case is `unknown-issuer`.
 * - `unknown-issuer`: no path to an anchor (including a chain ending at an untrusted root).
 * - `invalid-ca`: an issuer in the path lacks basicConstraints cA, or its pathLenConstraint is
 *   exceeded (anchors are trusted as CAs by configuration; their pathLenConstraint still holds).
 * - `weak-key`: RSA or DSA below 2048 bits, or an EC key below 256 bits, outside the anchor.
 * - `weak-signature`: an MD2, MD5 or SHA-1 signature on a certificate outside the anchor.
 * - `expired-anchor`: the anchor (trust store or `--ca` root), which the server did not serve, has
 *   expired. Checked before `expired` so that an expired served certificate on the same path
 *   cannot hide it: only the store's owner can fix it, and no served-certificate rule sees it.
 * - `expired` / `not-yet-valid`: a certificate of the path outside its validity (the anchor
 *   included when the server served it).
 */
export const TRUST_ERRORS = [
  "self-signed",
  "untrusted-root",
  "path-limit",
  "bad-signature",
  "incomplete-chain",
  "unknown-issuer",
  "invalid-ca",
  "weak-key",
  "weak-signature",
  "expired-anchor",
  "expired",
  "not-yet-valid",
] as const;
export type TrustError = (typeof TRUST_ERRORS)[number];

/**
 * Caps on the work of judging one chain. The server chooses the input, so path building is a
 * breadth-first search that extends each certificate at most once and verifies each (child,
 * issuer) pair at most once: at most `issuersPerCertificate` signature checks per certificate,
 * over at most `servedCertificates + knownIntermediates` certificates, whatever the server sends.
 * Real chains stay far below every cap.
 */
export const TRUST_LIMITS = {
  /** Distinct served certificates the search considers, leaf included; later ones are ignored. */
  servedCertificates: 16,
  /** Issuers tried for one certificate (anchors, served and known certificates matching by name). */
  issuersPerCertificate: 16,
  /** Known intermediates (`--ca` bundles) one chain may draw from the store. */
  knownIntermediates: 16,
  /** Certificates of a path before its anchor. */
  pathLength: 8,
} as const;
export type TrustLimit = keyof typeof TRUST_LIMITS;
export type TrustLimits = { readonly [Name in TrustLimit]: number };

const LIMIT_NOTES: Readonly<Record<TrustLimit, (cap: number) => string>> = {
  servedCertificates: (cap) => `only the first ${cap} distinct served certificates were considered`,
  issuersPerCertificate: (cap) => `at most ${cap} candidate issuers were tried per certificate`,
  knownIntermediates: (cap) => `at most ${cap} known intermediates were drawn from the CA bundles`,
  pathLength: (cap) => `paths longer than ${cap} certificates were not followed`,
};

/** What a cap that `verdict` ran into means, one line each, for the report's errors. */
export function describeTrustLimits(
  verdict: TrustVerdict,
  options: CheckTrustOptions = {},
): string[] {
  const limits: TrustLimits = { ...TRUST_LIMITS, ...options.limits };
  return verdict.limitsHit.map(
    (limit) => `path building was cut: ${LIMIT_NOTES[limit](limits[limit])}`,
  );
}

export interface TrustWork {
  /** Signature verifications made for this chain (each (child, issuer) pair at most once). */
  signatureChecks: number;
  /** Certificates whose issuers were looked for, summed over the searches. */
  extensions: number;
}

export interface TrustVerdict {
  /** Null when a cap stopped the search first ("path-limit"): whether a path exists is unknown. */
  trusted: boolean | null;
  trustError: TrustError | null;
  /**
   * The served chain (with no fetching and no known intermediate) has no missing link: it reaches
   * a trust anchor or a self-signed certificate (a self-signed leaf, or a root sent along), trusted
   * or not. Null when a cap stopped the search before it found such a path ("path-limit").
   */
  chainComplete: boolean | null;
  /** The path checked, leaf first, ending at the anchor when one was reached. */
  path: readonly ParsedCertificate[];
  anchored: boolean;
  /**
   * The caps the search ran into. A path found despite them stands (each link is verified), but
   * a better one may have been missed: callers should say so next to the verdict.
   */
  limitsHit: readonly TrustLimit[];
  work: TrustWork;
}

export interface CheckTrustOptions {
  /** Lower (or raise) the caps of TRUST_LIMITS. */
  limits?: Partial<TrustLimits>;
}

/** One chain's search state, shared by its searches: the signature cache, counters, findings. */
class PathSearch {
  readonly limits: TrustLimits;
  readonly store: TrustStore;
  readonly work: TrustWork = { signatureChecks: 0, extensions: 0 };
  readonly limitsHit = new Set<TrustLimit>();
  badSignature = false;
  readonly #verified = new Map<X509Certificate, Map<X509Certificate, boolean>>();
  readonly #known = new Map<string, ParsedCertificate>();

  constructor(store: TrustStore, limits: TrustLimits) {
    this.store = store;
    this.limits = limits;
  }

  /** Whether `issuer`'s key signed `child`; verified once per pair. */
  verifies(child: X509Certificate, issuer: X509Certificate): boolean {
    let row = this.#verified.get(child);
    if (row === undefined) {
      row = new Map();
      this.#verified.set(child, row);
    }
    let result = row.get(issuer);
    if (result === undefined) {
      this.work.signatureChecks++;
      result = verifiesWith(child, issuer);
      row.set(issuer, result);
      if (!result) this.badSignature = true;
    }
    return result;
  }

  /** Known intermediates named as `certificate`'s issuer, up to the cap over the whole chain. */
  knownIssuers(certificate: X509Certificate): ParsedCertificate[] {
    const found: ParsedCertificate[] = [];
    for (const candidate of this.store.candidates(certificate, "intermediates")) {
      let parsed = this.#known.get(candidate.fingerprint256);
      if (parsed === undefined) {
        if (this.#known.size >= this.limits.knownIntermediates) {
          this.limitsHit.add("knownIntermediates");
          continue;
        }
        parsed = this.store.parsed(candidate);
        this.#known.set(candidate.fingerprint256, parsed);
      }
      found.push(parsed);
    }
    return found;
  }
}

interface SearchNode {
  readonly certificate: ParsedCertificate;
  /** The certificate this one would issue; its signature is checked when the node is taken. */
  readonly parent: SearchNode | null;
  /** Certificates of the path ending here. */
  readonly length: number;
}

const pathTo = (node: SearchNode): ParsedCertificate[] => {
  const path: ParsedCertificate[] = [];
  for (let at: SearchNode | null = node; at !== null; at = at.parent) path.unshift(at.certificate);
  return path;
};

const onPath = (node: SearchNode, sha256: string): boolean => {
  for (let at: SearchNode | null = node; at !== null; at = at.parent) {
    if (at.certificate.sha256 === sha256) return true;
  }
  return false;
};

/**
 * Breadth-first path building from `leaf`: at each certificate, the anchors that issued it
 * first, then issuers from `served` (and the store's known intermediates when `withKnown`). A
 * certificate is extended only from the first (shortest) valid path that reaches it: a shortest
 * path to an anchor repeats no certificate, and when any path within the length cap exists, the
 * shortest one is within it, so within the caps this finds a path exactly when an exhaustive
 * search over simple paths does, without its exponential number of paths. A link's signature is
 * checked only when the search takes it, so a chain that reaches an anchor early costs little.
 * Returns the path to an anchor, or null and the longest path seen.
 */
function buildPath(
  leaf: ParsedCertificate,
  served: readonly ParsedCertificate[],
  search: PathSearch,
  withKnown: boolean,
): { path: ParsedCertificate[] | null; deadEnd: ParsedCertificate[] } {
  const { store, limits } = search;
  const start: SearchNode = { certificate: leaf, parent: null, length: 1 };
  if (store.isAnchor(leaf.x509)) return { path: [leaf], deadEnd: [leaf] };
  const reached = new Set([leaf.sha256]);
  const queue: SearchNode[] = [start];
  let deepest = start;
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] as SearchNode;
    if (node.parent !== null) {
      // Checked even when reached already: a link that does not verify is a finding.
      const signed = search.verifies(node.parent.certificate.x509, node.certificate.x509);
      if (!signed || reached.has(node.certificate.sha256)) continue;
      reached.add(node.certificate.sha256);
    }
    if (node.length > deepest.length) deepest = node;
    search.work.extensions++;
    const child = node.certificate.x509;
    let tried = 0;
    const withinCap = (): boolean => {
      if (tried >= limits.issuersPerCertificate) {
        search.limitsHit.add("issuersPerCertificate");
        return false;
      }
      tried++;
      return true;
    };
    for (const anchor of store.candidates(child, "anchors")) {
      if (!child.checkIssued(anchor)) continue;
      if (!withinCap()) break;
      if (search.verifies(child, anchor)) {
        return { path: [...pathTo(node), store.parsed(anchor)], deadEnd: [] };
      }
    }
    const issuers = withKnown ? [...served, ...search.knownIssuers(child)] : served;
    for (const candidate of issuers) {
      if (onPath(node, candidate.sha256) || !child.checkIssued(candidate.x509)) continue;
      if (node.length >= limits.pathLength) {
        if (!reached.has(candidate.sha256)) search.limitsHit.add("pathLength");
        continue;
      }
      if (!withinCap()) break;
      const next: SearchNode = { certificate: candidate, parent: node, length: node.length + 1 };
      if (store.isAnchor(candidate.x509)) {
        if (search.verifies(child, candidate.x509)) return { path: pathTo(next), deadEnd: [] };
        continue;
      }
      queue.push(next);
    }
  }
  return { path: null, deadEnd: pathTo(deepest) };
}

function isWeakKey(certificate: ParsedCertificate): boolean {
  const { keyType, keyBits } = certificate.key;
  if (keyBits === null) return false;
  if (keyType === "rsa" || keyType === "dsa") return keyBits < 2048;
  if (keyType === "ecdsa") return keyBits < 256;
  return false;
}

function pathError(
  path: readonly ParsedCertificate[],
  served: ReadonlySet<string>,
  now: Date,
): TrustError | null {
  const anchorIndex = path.length - 1;
  for (const [index, issuer] of path.entries()) {
    if (index === 0) continue;
    if (index !== anchorIndex && issuer.basicConstraints?.ca !== true) return "invalid-ca";
    const below = index - 1; // intermediates between this issuer and the leaf
    const limit = issuer.basicConstraints?.pathLength ?? null;
    if (limit !== null && below > limit) return "invalid-ca";
  }
  const unanchored = path.slice(0, anchorIndex);
  if (unanchored.some(isWeakKey)) return "weak-key";
  if (
    unanchored.some((certificate) => WEAK_SIGNATURE_ALGORITHMS.has(certificate.signatureAlgorithm))
  ) {
    return "weak-signature";
  }
  const time = now.getTime();
  const anchor = path[anchorIndex];
  if (anchor !== undefined && !served.has(anchor.sha256) && anchor.notAfter.getTime() < time) {
    return "expired-anchor";
  }
  for (const certificate of path) {
    if (certificate.notBefore.getTime() > time) return "not-yet-valid";
    if (certificate.notAfter.getTime() < time) return "expired";
  }
  return null;
}

/**
 * The trust verdict of a served chain (leaf first) against a store at `now`. Signatures are
 * verified on every link (node:crypto), issuers must be CAs, every certificate of the path must
 * be valid at `now`. Served certificates may come in any order; extra ones are ignored. The work
 * is bounded by TRUST_LIMITS (see there); when a cap stops the search before it finds a path, the
 * verdict is "path-limit", never a guess.
 */
export function checkTrust(
  chain: readonly ParsedCertificate[],
  store: TrustStore,
  now: Date,
  options: CheckTrustOptions = {},
): TrustVerdict {
  const search = new PathSearch(store, { ...TRUST_LIMITS, ...options.limits });
  const verdict = (
    fields: Pick<TrustVerdict, "trusted" | "trustError" | "chainComplete" | "path" | "anchored">,
  ): TrustVerdict => ({ ...fields, limitsHit: [...search.limitsHit], work: search.work });
  const leaf = chain[0];
  if (leaf === undefined) {
    return verdict({
      trusted: false,
      trustError: "unknown-issuer",
      chainComplete: false,
      path: [],
      anchored: false,
    });
  }
  // Duplicates add nothing to the search; the cap counts distinct certificates.
  const distinct = new Map<string, ParsedCertificate>();
  for (const certificate of chain) {
    if (distinct.has(certificate.sha256)) continue;
    if (distinct.size >= search.limits.servedCertificates) {
      search.limitsHit.add("servedCertificates");
      break;
    }
    distinct.set(certificate.sha256, certificate);
  }
  const served = [...distinct.values()].slice(1);
  const found = buildPath(leaf, served, search, false);
  if (found.path !== null) {
    const trustError = pathError(found.path, new Set(distinct.keys()), now);
    return verdict({
      trusted: trustError === null,
      trustError,
      chainComplete: true,
      path: found.path,
      anchored: true,
    });
  }
  // Only the served search decides completeness; a cap there leaves it unknown.
  const servedCut = search.limitsHit.size > 0;
  const deadEnd = found.deadEnd;
  const last = deadEnd[deadEnd.length - 1] ?? leaf;
  // Ending at a self-signed certificate is no missing link: completeness is not trust.
  const endsAtRoot = last.selfSigned;
  const untrusted = (trustError: TrustError): TrustVerdict =>
    verdict({
      // A search cut short proves nothing either way: unknown, never "not trusted".
      trusted: trustError === "path-limit" ? null : false,
      trustError,
      chainComplete: endsAtRoot ? true : servedCut ? null : false,
      path: deadEnd,
      anchored: false,
    });
  if (leaf.selfSigned) return untrusted("self-signed");
  if (endsAtRoot) return untrusted("untrusted-root");
  if (servedCut) return untrusted("path-limit");
  if (search.badSignature) return untrusted("bad-signature");
  if (!last.selfSigned && store.intermediates.length > 0) {
    if (buildPath(leaf, served, search, true).path !== null) return untrusted("incomplete-chain");
    if (search.limitsHit.size > 0) return untrusted("path-limit");
  }
  return untrusted("unknown-issuer");
}
