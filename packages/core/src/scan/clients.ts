/**
 * Client handshake simulation: send each client profile's own ClientHello (registry/client-
 * profiles, filled in by probe/profile-hello) and read what the server chose. A failure gets the
 * reason a person debugging it needs, by class (see CLIENT_FAILURE_REASONS): worked out by
 * comparing the client's offer with what the scan found out about the server (its protocols,
 * suites, groups and certificate) where that is given, and from the server's alert otherwise.
 * Connection failures are inconclusive (`ok: null`), never "the client cannot connect".
 */
import { parseCertificate } from "../cert/parse.js";
import { WEAK_SIGNATURE_ALGORITHMS } from "../cert/algorithms.js";
import {
  PROTOCOLS,
  cipherSuiteByCode,
  groupByCode,
  groupByName,
  protocolByVersion,
  selectClientProfiles,
  signatureSchemeByCode,
  sslv2CipherSuiteByCode,
} from "../registry/index.js";
import type { ClientProfile, ClientSelection, Protocol } from "../registry/index.js";
import type { Endpoint } from "../probe/exchange.js";
import { probeHello, probeWithRetry } from "../probe/hello-probe.js";
import type { ProbeOutcome } from "../probe/hello-probe.js";
import { buildProfileHello, isGrease, profileSslv2CipherSpecs } from "../probe/profile-hello.js";
import type { ServerAlert, ServerChoice, TlsChoice } from "../probe/server-choice.js";
import type {
  AcceptedCipherSuite,
  CertificateInfo,
  ClientFailureReason,
  ClientSimulation,
  ScanReport,
} from "../scan-report/types.js";
import { Limiter, type ConnectionSlots } from "./limiter.js";

/** What a scan established about the server: the parts of a ScanReport the diagnosis reads. */
export type ServerFacts = Partial<
  Pick<ScanReport, "protocols" | "cipherSuites" | "groups" | "certificates">
>;

export interface SimulateClientsOptions {
  /** The server name to send (each client that sends SNI sends this); null for IP targets. */
  sni: string | null;
  /** The target's ALPN (PostgreSQL direct TLS), offered by every client instead of its own. */
  alpn?: readonly string[];
  /** Which clients: "default" (the current ones, the default), "all", or names; or profiles. */
  profiles?: ClientSelection | readonly ClientProfile[];
  /** What the scan found, to tell why a client fails; without it, reasons rest on the alert. */
  server?: ServerFacts;
  /** Deadline per handshake, ms. Default 5000. */
  timeoutMs?: number;
  /** Connections at once. Default 8. */
  concurrency?: number;
  /** Extra attempts for a handshake whose connection failed. Default 2. */
  retries?: number;
  signal?: AbortSignal;
  /** Test seam for the TCP connection. */
  connect?: Parameters<typeof probeHello>[2]["connect"];
  /** The target's connection limiter, when the scan shares it (then `concurrency` is its limit). */
  limiter?: ConnectionSlots;
}

/** One result per profile, in registry order. Never throws for anything the server does. */
export async function simulateClients(
  endpoint: Endpoint,
  options: SimulateClientsOptions,
): Promise<ClientSimulation[]> {
  const selection = options.profiles ?? "default";
  const profiles =
    typeof selection === "string" || selection.every((p) => typeof p === "string")
      ? selectClientProfiles(selection as ClientSelection)
      : (selection as readonly ClientProfile[]);
  const limiter = options.limiter ?? new Limiter(options.concurrency ?? 8);
  const timeoutMs = options.timeoutMs ?? 5000;
  const certificates = new CertificateCache();
  return Promise.all(
    profiles.map(async (profile) => {
      const outcome = await probeWithRetry(
        () =>
          limiter.run(() =>
            probeHello(
              endpoint,
              buildProfileHello(profile, {
                sni: options.sni,
                ...(options.alpn === undefined ? {} : { alpn: options.alpn }),
              }),
              {
                timeoutMs,
                ...(options.signal === undefined ? {} : { signal: options.signal }),
                ...(options.connect === undefined ? {} : { connect: options.connect }),
              },
            ),
          ),
        {
          retries: options.retries ?? 2,
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        },
      );
      return judge(profile, outcome, options.server ?? {}, certificates);
    }),
  );
}

/** The simulation result for one profile and one probe outcome. */
export function judge(
  profile: ClientProfile,
  outcome: ProbeOutcome,
  server: ServerFacts,
  certificates: CertificateCache = new CertificateCache(),
): ClientSimulation {
  const base = {
    name: profile.name,
    family: profile.family,
    version: profile.version,
    year: profile.year,
    current: profile.current,
  };
  switch (outcome.kind) {
    case "failed":
      return {
        ...base,
        ...NOTHING,
        ok: null,
        reason: `connection failure (inconclusive): ${outcome.code}: ${outcome.message}`,
        reasonCode: "connection-failed",
      };
    case "rejected": {
      const { code, reason } = diagnose(profile, outcome.alert, server);
      return { ...base, ...NOTHING, ok: false, reason, reasonCode: code };
    }
    case "accepted":
      return { ...base, ...accepted(profile, outcome.choice, server, certificates) };
  }
}

const NOTHING = { protocol: null, cipher: null, group: null, dhBits: null } as const;

type Result = Omit<ClientSimulation, "name" | "family" | "version" | "year" | "current">;

// ---------------------------------------------------------------------------------------------
// The server chose: what, and whether the client would go on with it

function accepted(
  profile: ClientProfile,
  choice: ServerChoice,
  server: ServerFacts,
  certificates: CertificateCache,
): Result {
  if (choice.kind === "sslv2") {
    const offered = new Set(choice.cipherSpecs);
    const hello = profile.format === "sslv2" ? profileSslv2CipherSpecs(profile) : [];
    const spec = hello.find((s) => offered.has(s)) ?? choice.cipherSpecs[0];
    return {
      ok: true,
      protocol: "SSLv2",
      cipher: spec === undefined ? null : (sslv2CipherSuiteByCode(spec)?.name ?? hex(spec, 6)),
      group: null,
      dhBits: null,
      reason: null,
      reasonCode: null,
    };
  }
  const hello = choice;
  const protocol = protocolByVersion(hello.version) ?? null;
  const suite = cipherSuiteByCode(hello.cipherSuite);
  const cipher = suite?.iana ?? `unknown(${hex(hello.cipherSuite, 4)})`;
  let groupCode: number | null = null;
  let dhBits: number | null = null;
  let group: string | null = null;
  if (protocol === "TLSv1.3") {
    groupCode = hello.keyShareGroup;
  } else {
    const ske = hello.keyExchange;
    if (ske?.kind === "ecdhe") groupCode = ske.namedCurve;
    if (ske?.kind === "dhe") {
      dhBits = ske.primeBits;
      group = ffdheName(ske.prime, ske.primeBits);
    }
  }
  if (groupCode !== null) group = groupByCode(groupCode)?.name ?? hex(groupCode, 4);
  const chose = { protocol, cipher, group, dhBits };
  const refusal = clientRefusal(profile, hello, protocol, groupCode, dhBits, server, certificates);
  if (refusal !== null) {
    return { ok: false, ...chose, reason: refusal, reasonCode: "client-rejects" };
  }
  return { ok: true, ...chose, reason: null, reasonCode: null };
}

/** Why the client would abort on the server's choice, or null when it would go on. */
function clientRefusal(
  profile: ClientProfile,
  hello: TlsChoice,
  protocol: Protocol | null,
  groupCode: number | null,
  dhBits: number | null,
  server: ServerFacts,
  certificates: CertificateCache,
): string | null {
  if (protocol === null || !profile.protocols.includes(protocol)) {
    return `the server chose ${protocol ?? hex(hello.version, 4)}, which the client does not offer (it offers ${range(profile.protocols)})`;
  }
  if (!profile.cipherSuites.includes(hello.cipherSuite)) {
    return `the server chose ${suiteName(hello.cipherSuite)}, which the client does not offer`;
  }
  const groups = profile.groups;
  if (groupCode !== null && groups !== null && !groups.includes(groupCode)) {
    return `the server chose the group ${groupLabel(groupCode)}, which the client does not offer`;
  }
  if (dhBits !== null && profile.minDhBits !== null && dhBits < profile.minDhBits) {
    return `the client refuses the server's ${dhBits}-bit DH group: it requires at least ${profile.minDhBits} bits`;
  }
  if (dhBits !== null && profile.maxDhBits !== null && dhBits > profile.maxDhBits) {
    return `the client cannot use the server's ${dhBits}-bit DH group: it supports at most ${profile.maxDhBits} bits`;
  }
  // The certificate: from the TLS <= 1.2 flight, else the one chain the scan saw.
  const leaf =
    hello.certificates?.[0] !== undefined
      ? certificates.describe(hello.certificates[0])
      : server.certificates?.length === 1
        ? (server.certificates[0]?.chain[0] ?? null)
        : null;
  if (leaf === null) return null;
  if (leaf.keyType === "rsa" && leaf.keyBits !== null) {
    if (profile.minRsaBits !== null && leaf.keyBits < profile.minRsaBits) {
      return `the client refuses the server's ${leaf.keyBits}-bit RSA key: it requires at least ${profile.minRsaBits} bits`;
    }
    if (profile.maxRsaBits !== null && leaf.keyBits > profile.maxRsaBits) {
      return `the client cannot use the server's ${leaf.keyBits}-bit RSA key: it supports at most ${profile.maxRsaBits} bits`;
    }
  }
  if (
    leaf.keyType === "ecdsa" &&
    leaf.keyBits !== null &&
    profile.minEcdsaBits !== null &&
    leaf.keyBits < profile.minEcdsaBits
  ) {
    return `the client refuses the server's ${leaf.keyBits}-bit ECDSA key: it requires at least ${profile.minEcdsaBits} bits`;
  }
  if (profile.requiresSha2 && WEAK_SIGNATURE_ALGORITHMS.has(leaf.signatureAlgorithm)) {
    return `the client refuses the server's certificate signed with ${leaf.signatureAlgorithm}: it requires SHA-2`;
  }
  return null;
}

type LeafFacts = Pick<CertificateInfo, "keyType" | "keyBits" | "curve" | "signatureAlgorithm">;

/** Parses each certificate a server sends once per simulation run. */
export class CertificateCache {
  readonly #seen = new Map<string, LeafFacts | null>();

  describe(der: Uint8Array): LeafFacts | null {
    const key = Buffer.from(der).toString("base64");
    let facts = this.#seen.get(key);
    if (facts === undefined) {
      try {
        const parsed = parseCertificate(der);
        facts = { ...parsed.key, signatureAlgorithm: parsed.signatureAlgorithm };
      } catch {
        facts = null; // an unparseable certificate: the handshake's own checks decide, not ours
      }
      this.#seen.set(key, facts);
    }
    return facts;
  }
}

// RFC 7919 primes all begin with the same 64 one bits and digits of e, and end with 64 one bits.
const FFDHE_PREFIX = [
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xad, 0xf8, 0x54, 0x58, 0xa2, 0xbb, 0x4a, 0x9a,
  0xaf, 0xdc, 0x56, 0x20, 0x27, 0x3d, 0x3c, 0xf1,
];

/** "ffdhe2048" when the prime is RFC 7919's; null for any other DH prime. */
export function ffdheName(prime: Uint8Array, bits: number): string | null {
  let at = 0;
  while (prime[at] === 0) at += 1;
  const p = prime.subarray(at);
  const starts = FFDHE_PREFIX.every((byte, i) => p[i] === byte);
  const ends = p.length >= 8 && p.subarray(p.length - 8).every((byte) => byte === 0xff);
  const name = `ffdhe${bits}`;
  return starts && ends && groupByName(name) !== undefined ? name : null;
}

// ---------------------------------------------------------------------------------------------
// The server refused: why

/** Alerts that name a cause of their own, which no comparison of offers would explain. */
const SPECIFIC_ALERTS: ReadonlySet<ServerAlert["name"]> = new Set([
  "unrecognized_name",
  "no_application_protocol",
  "decode_error",
  "access_denied",
  "inappropriate_fallback",
  "certificate_required",
  "missing_extension",
  "unsupported_extension",
  "unexpected_message",
  "record_overflow",
] as const);

const HANDSHAKE_FAILURES: ReadonlySet<ServerAlert["name"]> = new Set([
  "handshake_failure",
  "insufficient_security",
] as const);

interface Diagnosis {
  code: ClientFailureReason;
  reason: string;
}

/** Why the server refused this client, by class (see CLIENT_FAILURE_REASONS). */
export function diagnose(
  profile: ClientProfile,
  alert: ServerAlert | null,
  server: ServerFacts,
): Diagnosis {
  const said =
    alert === null
      ? "the server closed the connection without an alert"
      : `the server sent alert ${describeAlert(alert)}`;
  const fallback: Diagnosis =
    alert === null
      ? { code: "server-closed", reason: said }
      : { code: "server-alert", reason: said };
  if (alert !== null && SPECIFIC_ALERTS.has(alert.name)) return fallback;

  // Protocol versions.
  const facts = server.protocols;
  const offered = profile.protocols;
  if (facts === undefined || offered.some((p) => facts[p] === null)) {
    if (alert?.name === "protocol_version") {
      return {
        code: "no-shared-protocol",
        reason: `no shared protocol: the server refused the client's ${range(offered)} (${said})`,
      };
    }
    if (alert !== null && HANDSHAKE_FAILURES.has(alert.name)) {
      return {
        code: "server-alert",
        reason: `${said}: no shared cipher suite, group or signature algorithm (a full scan tells which)`,
      };
    }
    return fallback;
  }
  const accepts = PROTOCOLS.filter((p) => facts[p] === true);
  const shared = offered.filter((p) => facts[p] === true);
  const top = shared[shared.length - 1];
  if (top === undefined) {
    return {
      code: "no-shared-protocol",
      reason: `${protocolMismatch(offered, accepts)} (${said})`,
    };
  }
  if (alert?.name === "protocol_version") {
    // Both speak `top`, yet the server refused the version: intolerance of this hello.
    return {
      code: "server-alert",
      reason: `${said} although both speak ${top} (the server does not tolerate this client's hello)`,
    };
  }

  // Cipher suites of the version the server would pick.
  if (server.cipherSuites == null) return withHint(fallback, alert, top);
  const serverSuites = server.cipherSuites.filter((s) => s.protocol === top);
  const serverCodes = new Set(serverSuites.map((s) => Number.parseInt(s.code, 16)));
  // Signalling values (TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLS_FALLBACK_SCSV) are not suites.
  const clientSuites = profile.cipherSuites.filter(
    (c) => !isGrease(c) && cipherSuiteByCode(c)?.scsv !== true,
  );
  const common = clientSuites.filter((c) => serverCodes.has(c));
  if (common.length === 0) {
    return {
      code: "no-shared-cipher",
      reason: `${suiteMismatch(top, serverSuites, clientSuites)} (${said})`,
    };
  }

  // Key-exchange groups.
  if (server.groups != null) {
    const tls13 = top === "TLSv1.3";
    const serverGroups = server.groups
      .filter((g) => (tls13 ? g.protocol === "TLSv1.3" : g.protocol !== "TLSv1.3"))
      .map((g) => Number.parseInt(g.code, 16));
    const clientGroups = (profile.groups ?? []).filter((g) => !isGrease(g));
    const needsGroup =
      tls13 ||
      (profile.groups !== null && common.every((c) => cipherSuiteByCode(c)?.kex === "ECDHE"));
    if (needsGroup && !clientGroups.some((g) => serverGroups.includes(g))) {
      return {
        code: "no-shared-group",
        reason: `no shared key-exchange group in ${top}: the server accepts ${list(serverGroups.map(groupLabel))}; the client offers ${clientGroups.length === 0 ? "none" : list(clientGroups.map(groupLabel))} (${said})`,
      };
    }
  } else {
    return withHint(fallback, alert, top);
  }

  // Everything the scan can see is shared. A hello in SSLv2 format is a likely cause of its own.
  if (profile.format === "sslv2") {
    return {
      ...fallback,
      reason: `${said}: ${top}, a cipher suite and a group are shared, so it likely refuses the SSLv2-format ClientHello this client sends`,
    };
  }
  // What is left is the certificate's signature.
  if (
    alert !== null &&
    (HANDSHAKE_FAILURES.has(alert.name) || alert.name === "illegal_parameter")
  ) {
    return {
      code: "no-shared-signature",
      reason: `${signatureMismatch(profile, top, server)} (${said})`,
    };
  }
  return {
    ...fallback,
    reason: `${said}, although ${top}, a cipher suite and a group are shared`,
  };
}

function withHint(fallback: Diagnosis, alert: ServerAlert | null, top: Protocol): Diagnosis {
  if (alert === null || !HANDSHAKE_FAILURES.has(alert.name)) return fallback;
  return {
    ...fallback,
    reason: `${fallback.reason}: both speak ${top}; no shared cipher suite, group or signature algorithm`,
  };
}

function protocolMismatch(offered: readonly Protocol[], accepts: readonly Protocol[]): string {
  const order = (p: Protocol): number => PROTOCOLS.indexOf(p);
  const clientMin = offered[0];
  const clientMax = offered[offered.length - 1];
  const serverMin = accepts[0];
  const serverMax = accepts[accepts.length - 1];
  if (clientMin === undefined || clientMax === undefined)
    return "no shared protocol: the client offers no version";
  if (serverMin === undefined || serverMax === undefined) {
    return `no shared protocol: the client offers ${range(offered)}; the server accepted no version in the scan`;
  }
  if (order(clientMax) < order(serverMin)) {
    return `no shared protocol: the client (${range(offered)}) is older than the server (${range(accepts)})`;
  }
  if (order(clientMin) > order(serverMax)) {
    return `no shared protocol: the server (${range(accepts)}) is older than the client (${range(offered)})`;
  }
  return `no shared protocol: the client offers ${range(offered)}, the server accepts ${range(accepts)}`;
}

function suiteMismatch(
  protocol: Protocol,
  server: readonly AcceptedCipherSuite[],
  client: readonly number[],
): string {
  const head = `no shared cipher suite in ${protocol}: the server accepts ${server.length} (${list(server.map((s) => s.iana))}), the client offers ${client.length} others`;
  // A certificate of one kind limits the server to suites of that authentication.
  const auths = new Set(server.map((s) => s.auth));
  const [auth] = [...auths];
  if (auths.size === 1 && auth !== undefined && auth !== "any") {
    const clientAuths = new Set<string>(client.map((c) => cipherSuiteByCode(c)?.auth ?? ""));
    if (!clientAuths.has(auth)) {
      return `${head}; the server only has ${auth}-authenticated suites and the client offers none`;
    }
  }
  return head;
}

/** The signature-scheme story: definite when the certificate's key rules out the client's list. */
function signatureMismatch(
  profile: ClientProfile,
  protocol: Protocol,
  server: ServerFacts,
): string {
  const offered = profile.signatureAlgorithms?.filter((s) => !isGrease(s)) ?? null;
  const leaves = (server.certificates ?? []).map((c) => c.chain[0]).filter((l) => l !== undefined);
  const shown =
    offered === null ? "none (no signature_algorithms extension)" : list(offered.map(schemeLabel));
  if (
    offered !== null &&
    leaves.length > 0 &&
    leaves.every((leaf) => !offered.some((s) => schemeFits(s, leaf, protocol)))
  ) {
    const keys = leaves.map(keyLabel).join(" and ");
    return `no shared signature algorithm: the server's certificate key is ${keys} and none of the client's signature algorithms can sign with it in ${protocol} (the client offers ${shown})`;
  }
  return `no shared signature algorithm or certificate type: protocol ${protocol}, a cipher suite and a group are shared, yet the server found no signature algorithm it will use among the client's (the client offers ${shown})`;
}

/** Whether a SignatureScheme can sign with this certificate key in this protocol version. */
function schemeFits(scheme: number, leaf: CertificateInfo, protocol: Protocol): boolean {
  const tls13 = protocol === "TLSv1.3";
  switch (leaf.keyType) {
    case "rsa":
      if (scheme >= 0x0804 && scheme <= 0x0806) return true; // rsa_pss_rsae_*
      if (scheme >= 0x0809 && scheme <= 0x080b) return true; // rsa_pss_pss_* (RSA-PSS keys)
      return !tls13 && (scheme & 0xff) === 0x01; // rsa_pkcs1_* (TLS 1.2 only)
    case "ecdsa": {
      if (!tls13) return (scheme & 0xff) === 0x03 || (scheme >= 0x081a && scheme <= 0x081c);
      const byCurve: Record<string, number> = {
        prime256v1: 0x0403,
        secp384r1: 0x0503,
        secp521r1: 0x0603,
        brainpoolP256r1: 0x081a,
        brainpoolP384r1: 0x081b,
        brainpoolP512r1: 0x081c,
      };
      return leaf.curve !== null && byCurve[leaf.curve] === scheme;
    }
    case "ed25519":
      return scheme === 0x0807;
    case "ed448":
      return scheme === 0x0808;
    case "dsa":
      return !tls13 && (scheme & 0xff) === 0x02;
    default:
      return true;
  }
}

// ---------------------------------------------------------------------------------------------
// Spelling

function hex(value: number, digits: number): string {
  return `0x${value.toString(16).toUpperCase().padStart(digits, "0")}`;
}

function suiteName(code: number): string {
  return cipherSuiteByCode(code)?.iana ?? hex(code, 4);
}

function groupLabel(code: number): string {
  return groupByCode(code)?.name ?? hex(code, 4);
}

function schemeLabel(code: number): string {
  return signatureSchemeByCode(code)?.name ?? hex(code, 4);
}

function keyLabel(leaf: CertificateInfo): string {
  const type = leaf.keyType === "rsa" ? "RSA" : leaf.keyType === "ecdsa" ? "ECDSA" : leaf.keyType;
  const size =
    leaf.keyType === "ecdsa" && leaf.curve !== null
      ? ` ${leaf.curve}`
      : leaf.keyBits === null
        ? ""
        : ` ${leaf.keyBits}`;
  return `${type}${size}`;
}

function describeAlert(alert: ServerAlert): string {
  return `${alert.name} (${alert.description})`;
}

/** "TLSv1.0–TLSv1.2" for a run of consecutive versions, else a list. */
function range(protocols: readonly Protocol[]): string {
  const first = protocols[0];
  const last = protocols[protocols.length - 1];
  if (first === undefined || last === undefined) return "no version";
  if (first === last) return first;
  const consecutive = PROTOCOLS.indexOf(last) - PROTOCOLS.indexOf(first) === protocols.length - 1;
  return consecutive ? `${first}–${last}` : protocols.join(", ");
}

/** Up to four items, then "and N more". */
function list(items: readonly string[]): string {
  if (items.length === 0) return "none";
  const shown = items.slice(0, 4).join(", ");
  return items.length > 4 ? `${shown} and ${items.length - 4} more` : shown;
}
