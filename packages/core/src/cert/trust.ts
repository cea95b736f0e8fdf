import { WEAK_SIGNATURE_ALGORITHMS } from "./algorithms.js";
import { verifiesWith, type ParsedCertificate } from "./parse.js";
import type { TrustStore } from "./trust-store.js";

/**
 * Why a chain is not trusted, most fundamental first. One code per chain: path problems
 * (self-signed, bad-signature, incomplete-chain, unknown-issuer) before validity (expired,
 * not-yet-valid) before issuer constraints (invalid-ca) before algorithm strength (weak-key,
 * weak-signature).
 *
 * - `self-signed`: the leaf signs itself and is not an anchor.
 * - `bad-signature`: a served or known issuer matches by name but its key does not verify.
 * - `incomplete-chain`: the served chain stops at a certificate whose issuer the server did not
 *   send, although a known intermediate (from a `--ca` bundle) leads from it to an anchor.
 *   Without fetching, a missing intermediate that nobody gave us cannot be told from an unknown
 *   CA: that case is `unknown-issuer`.
 * - `unknown-issuer`: no path to an anchor (including a chain ending at an untrusted root).
 * - `expired` / `not-yet-valid`: a certificate of the path (anchor included) outside its validity.
 * - `invalid-ca`: an issuer in the path lacks basicConstraints cA, or its pathLenConstraint is
 *   exceeded (anchors are trusted as CAs by configuration; their pathLenConstraint still holds).
 * - `weak-key`: RSA or DSA below 2048 bits, or an EC key below 256 bits, outside the anchor.
 * - `weak-signature`: an MD2, MD5 or SHA-1 signature on a certificate outside the anchor.
 */
export const TRUST_ERRORS = [
  "self-signed",
  "bad-signature",
  "incomplete-chain",
  "unknown-issuer",
  "expired",
  "not-yet-valid",
  "invalid-ca",
  "weak-key",
  "weak-signature",
] as const;
export type TrustError = (typeof TRUST_ERRORS)[number];

export interface TrustVerdict {
  trusted: boolean;
  trustError: TrustError | null;
  /** The served chain (with no fetching and no known intermediate) reaches a trust anchor. */
  chainComplete: boolean;
  /** The path checked, leaf first, ending at the anchor when one was reached. */
  path: readonly ParsedCertificate[];
  anchored: boolean;
}

/** Deep enough for any real chain; bounds the search on hostile input. */
const MAX_PATH_LENGTH = 8;

interface SearchState {
  badSignature: boolean;
  longest: readonly ParsedCertificate[];
}

/**
 * Depth-first path building from `path`'s last certificate: an anchor that issued it first,
 * then issuers from `pool`, never reusing a certificate. Returns the first path that ends at an
 * anchor, or null.
 */
function buildPath(
  path: readonly ParsedCertificate[],
  pool: readonly ParsedCertificate[],
  store: TrustStore,
  state: SearchState,
): ParsedCertificate[] | null {
  const current = path[path.length - 1];
  if (current === undefined) return null;
  if (path.length > state.longest.length) state.longest = path;
  if (store.isAnchor(current.x509)) return [...path];
  for (const anchor of store.candidates(current.x509, "anchors")) {
    if (!current.x509.checkIssued(anchor)) continue;
    if (verifiesWith(current.x509, anchor)) return [...path, store.parsed(anchor)];
    state.badSignature = true;
  }
  if (path.length >= MAX_PATH_LENGTH) return null;
  for (const candidate of pool) {
    if (path.some((certificate) => certificate.sha256 === candidate.sha256)) continue;
    if (!current.x509.checkIssued(candidate.x509)) continue;
    if (!verifiesWith(current.x509, candidate.x509)) {
      state.badSignature = true;
      continue;
    }
    const found = buildPath([...path, candidate], pool, store, state);
    if (found !== null) return found;
  }
  return null;
}

function isWeakKey(certificate: ParsedCertificate): boolean {
  const { keyType, keyBits } = certificate.key;
  if (keyBits === null) return false;
  if (keyType === "rsa" || keyType === "dsa") return keyBits < 2048;
  if (keyType === "ecdsa") return keyBits < 256;
  return false;
}

function pathError(path: readonly ParsedCertificate[], now: Date): TrustError | null {
  const time = now.getTime();
  for (const certificate of path) {
    if (certificate.notBefore.getTime() > time) return "not-yet-valid";
    if (certificate.notAfter.getTime() < time) return "expired";
  }
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
  return null;
}

/**
 * The trust verdict of a served chain (leaf first) against a store at `now`. Signatures are
 * verified on every link (node:crypto), issuers must be CAs, every certificate of the path must
 * be valid at `now`. Served certificates may come in any order; extra ones are ignored.
 */
export function checkTrust(
  chain: readonly ParsedCertificate[],
  store: TrustStore,
  now: Date,
): TrustVerdict {
  const leaf = chain[0];
  if (leaf === undefined) {
    return {
      trusted: false,
      trustError: "unknown-issuer",
      chainComplete: false,
      path: [],
      anchored: false,
    };
  }
  const state: SearchState = { badSignature: false, longest: [leaf] };
  const served = chain.slice(1);
  const path = buildPath([leaf], served, store, state);
  if (path !== null) {
    const trustError = pathError(path, now);
    return { trusted: trustError === null, trustError, chainComplete: true, path, anchored: true };
  }
  const deadEnd = state.longest;
  const untrusted = (trustError: TrustError): TrustVerdict => ({
    trusted: false,
    trustError,
    chainComplete: false,
    path: deadEnd,
    anchored: false,
  });
  if (leaf.selfSigned) return untrusted("self-signed");
  if (state.badSignature) return untrusted("bad-signature");
  const last = deadEnd[deadEnd.length - 1] ?? leaf;
  if (!last.selfSigned) {
    const known = store.intermediates.map((certificate) => store.parsed(certificate));
    const helperState: SearchState = { badSignature: false, longest: deadEnd };
    if (buildPath(deadEnd, [...served, ...known], store, helperState) !== null) {
      return untrusted("incomplete-chain");
    }
  }
  return untrusted("unknown-issuer");
}
