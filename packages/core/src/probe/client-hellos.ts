/**
 * The ClientHellos the scanner sends, built from the registry with the wire codec. Randomness
 * and key shares come from node:crypto here, so that the codec stays pure.
 */
import { createECDH, generateKeyPairSync, randomBytes, randomFillSync } from "node:crypto";
import { GROUPS, SIGNATURE_SCHEMES, groupByName } from "../registry/index.js";
import type { Protocol } from "../registry/index.js";
import { protocolVersion } from "../registry/protocols.js";
import {
  SCSV,
  TLS_VERSION,
  alpn,
  ecPointFormats,
  encodeClientHello,
  encodeSslv2ClientHello,
  extendedMasterSecret,
  heartbeat,
  keyShare,
  pskKeyExchangeModes,
  renegotiationInfo,
  serverName,
  sessionTicket,
  signatureAlgorithms,
  statusRequest,
  supportedGroups,
  supportedVersions,
} from "../wire/index.js";
import type { Extension, KeyShareEntry } from "../wire/index.js";

export type TlsProtocol = Exclude<Protocol, "SSLv2">;

export interface HelloOptions {
  protocol: TlsProtocol;
  cipherSuites: readonly number[];
  /** Host name for SNI; null sends none (IP targets). */
  sni: string | null;
  /** supported_groups; defaults to every named curve (TLS ≤ 1.2) or the TLS 1.3 set. */
  groups?: readonly number[];
  /** TLS 1.3 key_share groups; [] sends an empty key_share to ask for a HelloRetryRequest. */
  keyShareGroups?: readonly number[];
  signatureSchemes?: readonly number[];
  compressionMethods?: readonly number[];
  heartbeat?: boolean;
  /** ALPN protocols offered (a service such as PostgreSQL direct TLS requires its own). */
  alpn?: readonly string[];
  statusRequest?: boolean;
  /** Append TLS_FALLBACK_SCSV (RFC 7507). */
  fallbackScsv?: boolean;
}

const code = (name: string): number => {
  const group = groupByName(name);
  if (group === undefined) throw new Error(`registry has no group ${name}`);
  return group.code;
};

/** Curves first in the order clients commonly prefer, then every other named curve. */
const COMMON_CURVES = ["x25519", "secp256r1", "secp384r1", "secp521r1", "x448"].map(code);
export const ALL_CURVES: readonly number[] = [
  ...COMMON_CURVES,
  ...GROUPS.filter((g) => g.kind === "ecdhe" && !COMMON_CURVES.includes(g.code)).map((g) => g.code),
];

/** Groups a TLS 1.3 hello offers: common curves, FFDHE and the post-quantum hybrids. */
export const TLS13_GROUPS: readonly number[] = [
  ...COMMON_CURVES,
  ...GROUPS.filter((g) => g.kind === "ffdhe" || g.kind === "hybrid-pq").map((g) => g.code),
];

export const ALL_SIGNATURE_SCHEMES: readonly number[] = SIGNATURE_SCHEMES.map((s) => s.code);

const X25519 = code("x25519");
const SECP256R1 = code("secp256r1");
const X448 = code("x448");
const ECDH_GROUPS: ReadonlySet<number> = new Set([
  X25519,
  X448,
  SECP256R1,
  code("secp384r1"),
  code("secp521r1"),
]);

/** An uncompressed EC point (or a raw X25519/X448 public value) for a fresh key pair. */
function ecdhPublicValue(group: number): Uint8Array | null {
  switch (group) {
    case X25519: {
      const spki = generateKeyPairSync("x25519").publicKey.export({ format: "der", type: "spki" });
      return new Uint8Array(spki.subarray(spki.length - 32));
    }
    case X448: {
      const spki = generateKeyPairSync("x448").publicKey.export({ format: "der", type: "spki" });
      return new Uint8Array(spki.subarray(spki.length - 56));
    }
    case SECP256R1:
      return new Uint8Array(createECDH("prime256v1").generateKeys());
    case code("secp384r1"):
      return new Uint8Array(createECDH("secp384r1").generateKeys());
    case code("secp521r1"):
      return new Uint8Array(createECDH("secp521r1").generateKeys());
    default:
      return null;
  }
}

/**
 * An ML-KEM (FIPS 203) encapsulation key of rank k: k·256 coefficients below q = 3329 packed 12
 * bits each, then a 32-byte seed. Random but well-formed, so it passes the modulus check a server
 * makes before encapsulating; nobody holds the decapsulation key, so a handshake that picks it
 * can go as far as the ServerHello, which is all a probe reads. The Kyber drafts use the same
 * layout.
 */
function mlkemEncapsulationKey(k: number): Uint8Array {
  const n = k * 256;
  const noise = randomBytes(2 * n);
  const out = new Uint8Array((n / 2) * 3 + 32);
  for (let i = 0; i < n; i += 2) {
    const a = noise.readUInt16BE(2 * i) % 3329;
    const b = noise.readUInt16BE(2 * i + 2) % 3329;
    const at = (i / 2) * 3;
    out[at] = a & 0xff;
    out[at + 1] = (a >> 8) | ((b & 0x0f) << 4);
    out[at + 2] = b >> 4;
  }
  out.set(randomBytes(32), (n / 2) * 3);
  return out;
}

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

/** Hybrid and pure post-quantum groups: how their client share is put together. */
const KEM_SHARES: ReadonlyMap<number, () => Uint8Array> = new Map([
  // draft-ietf-tls-ecdhe-mlkem: X25519MLKEM768 puts ML-KEM first, the NIST-curve hybrids last.
  [code("X25519MLKEM768"), () => concat(mlkemEncapsulationKey(3), ecdh(X25519))],
  [code("SecP256r1MLKEM768"), () => concat(ecdh(SECP256R1), mlkemEncapsulationKey(3))],
  [code("SecP384r1MLKEM1024"), () => concat(ecdh(code("secp384r1")), mlkemEncapsulationKey(4))],
  // draft-tls-westerbaan-xyber768d00: X25519 first.
  [code("X25519Kyber768Draft00"), () => concat(ecdh(X25519), mlkemEncapsulationKey(3))],
  [code("MLKEM512"), () => mlkemEncapsulationKey(2)],
  [code("MLKEM768"), () => mlkemEncapsulationKey(3)],
  [code("MLKEM1024"), () => mlkemEncapsulationKey(4)],
]);

function ecdh(group: number): Uint8Array {
  const value = ecdhPublicValue(group);
  if (value === null) throw new Error(`no key share generator for group 0x${group.toString(16)}`);
  return value;
}

/**
 * A fresh public value per probe, as a real client would send: X25519, X448, P-256/384/521, and
 * the ML-KEM hybrids (see `mlkemEncapsulationKey`). Other groups throw.
 */
export function keyShareFor(group: number): KeyShareEntry {
  const kem = KEM_SHARES.get(group);
  return { group, keyExchange: kem === undefined ? ecdh(group) : kem() };
}

/**
 * The scanner's share for a group: made once per process and reused by every probe. A probe reads
 * only the server's first flight and never completes the key exchange, so nothing depends on the
 * share being fresh, and making one (an ML-KEM key above all) was a large part of a probe's CPU.
 * Client simulations still send fresh shares (`keyShareFor`), as real clients do.
 */
const probeShares = new Map<number, KeyShareEntry>();
function probeKeyShare(group: number): KeyShareEntry {
  let entry = probeShares.get(group);
  if (entry === undefined) {
    entry = keyShareFor(group);
    probeShares.set(group, entry);
  }
  return entry;
}

/**
 * Fresh random bytes for hellos (random, session id, SSLv2 challenge), cut from a block that is
 * refilled from the CSPRNG when used up: one call into OpenSSL per 128 hellos instead of two per
 * hello. Every hello still gets bytes no other hello got.
 */
const RANDOM_BLOCK = 4096;
let randomPool = new Uint8Array(0);
let randomAt = 0;
function freshRandom(length: number): Uint8Array {
  if (randomAt + length > randomPool.length) {
    randomPool = randomFillSync(new Uint8Array(Math.max(RANDOM_BLOCK, length)));
    randomAt = 0;
  }
  const out = randomPool.slice(randomAt, randomAt + length);
  randomAt += length;
  return out;
}

/**
 * Extensions whose bytes depend only on their arguments, built once per distinct argument: every
 * probe of a scan repeats the same few (the target's SNI, the default group and scheme lists),
 * and building them was a visible part of a probe's CPU. Lists are keyed by their values; the
 * cache is small and bounded (a scan uses a few dozen distinct extensions).
 */
const EXTENSION_CACHE_SIZE = 256;
const extensionCache = new Map<string, Extension>();
function cachedExtension(key: string, build: () => Extension): Extension {
  let extension = extensionCache.get(key);
  if (extension === undefined) {
    extension = build();
    if (extensionCache.size >= EXTENSION_CACHE_SIZE) extensionCache.clear();
    extensionCache.set(key, extension);
  }
  return extension;
}

/** Whether `keyShareFor` can make a share for this group. */
export function hasKeyShareGenerator(group: number): boolean {
  return KEM_SHARES.has(group) || ECDH_GROUPS.has(group);
}

/** What every hello to one target carries: its server name and, for some services, ALPN. */
export type HelloTarget = Pick<HelloOptions, "sni" | "alpn">;

/** The hello fields of a target: ALPN only when the target names protocols to offer. */
export function helloTarget(target: {
  sni: string | null;
  alpn?: readonly string[] | undefined;
}): HelloTarget {
  return target.alpn === undefined || target.alpn.length === 0
    ? { sni: target.sni }
    : { sni: target.sni, alpn: target.alpn };
}

export function buildClientHello(options: HelloOptions): Uint8Array {
  const tls13 = options.protocol === "TLSv1.3";
  const version = protocolVersion(options.protocol);
  const cipherSuites = options.fallbackScsv
    ? [...options.cipherSuites, SCSV.TLS_FALLBACK_SCSV]
    : options.cipherSuites;
  // SSLv3 clients sent no extensions; some SSLv3-only stacks refuse a hello that has them.
  const extensions = options.protocol === "SSLv3" ? undefined : helloExtensions(options, tls13);
  return encodeClientHello({
    recordVersion: options.protocol === "SSLv3" ? TLS_VERSION.SSLv3 : TLS_VERSION["TLSv1.0"],
    legacyVersion: tls13 ? TLS_VERSION["TLSv1.2"] : version,
    random: freshRandom(32),
    // A TLS 1.3 middlebox-compatible client sends a 32-byte legacy session id.
    sessionId: tls13 ? freshRandom(32) : new Uint8Array(0),
    cipherSuites,
    compressionMethods: options.compressionMethods ?? [0],
    ...(extensions === undefined ? {} : { extensions }),
  });
}

/** The extensions without arguments, and those of the default lists, as every probe sends them. */
const FIXED_EXTENSIONS = {
  allCurves: supportedGroups(ALL_CURVES),
  tls13Groups: supportedGroups(TLS13_GROUPS),
  allSignatureSchemes: signatureAlgorithms(ALL_SIGNATURE_SCHEMES),
  ecPointFormats: ecPointFormats(),
  renegotiationInfo: renegotiationInfo(),
  extendedMasterSecret: extendedMasterSecret(),
  sessionTicket: sessionTicket(),
  statusRequest: statusRequest(),
  heartbeat: heartbeat(),
  supportedVersions: supportedVersions([TLS_VERSION["TLSv1.3"]]),
  pskKeyExchangeModes: pskKeyExchangeModes(),
} as const;

function helloExtensions(options: HelloOptions, tls13: boolean): Extension[] {
  const extensions: Extension[] = [];
  const sni = options.sni;
  if (sni !== null) extensions.push(cachedExtension(`sni ${sni}`, () => serverName(sni)));
  const groups = options.groups ?? (tls13 ? TLS13_GROUPS : ALL_CURVES);
  const schemes = options.signatureSchemes ?? ALL_SIGNATURE_SCHEMES;
  extensions.push(
    groups === ALL_CURVES
      ? FIXED_EXTENSIONS.allCurves
      : groups === TLS13_GROUPS
        ? FIXED_EXTENSIONS.tls13Groups
        : cachedExtension(`groups ${groups.join()}`, () => supportedGroups(groups)),
    FIXED_EXTENSIONS.ecPointFormats,
    schemes === ALL_SIGNATURE_SCHEMES
      ? FIXED_EXTENSIONS.allSignatureSchemes
      : cachedExtension(`schemes ${schemes.join()}`, () => signatureAlgorithms(schemes)),
    FIXED_EXTENSIONS.renegotiationInfo,
    FIXED_EXTENSIONS.extendedMasterSecret,
    FIXED_EXTENSIONS.sessionTicket,
  );
  if (options.statusRequest === true) extensions.push(FIXED_EXTENSIONS.statusRequest);
  if (options.heartbeat === true) extensions.push(FIXED_EXTENSIONS.heartbeat);
  const protocols = options.alpn;
  if (protocols !== undefined) {
    // JSON keeps protocol names containing commas apart.
    extensions.push(cachedExtension(`alpn ${JSON.stringify(protocols)}`, () => alpn(protocols)));
  }
  if (tls13) {
    const shareGroups = options.keyShareGroups ?? [X25519, SECP256R1];
    extensions.push(
      FIXED_EXTENSIONS.supportedVersions,
      FIXED_EXTENSIONS.pskKeyExchangeModes,
      // The shares are the process's own (probeKeyShare), so the groups name the bytes.
      cachedExtension(`key_share ${shareGroups.join()}`, () =>
        keyShare(shareGroups.map(probeKeyShare)),
      ),
    );
  }
  return extensions;
}

export function buildSslv2ClientHello(cipherSpecs: readonly number[]): Uint8Array {
  return encodeSslv2ClientHello({
    version: 0x0002,
    cipherSpecs,
    challenge: freshRandom(16),
  });
}
