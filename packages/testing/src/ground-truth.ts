/**
 * Ground truth for tests against real servers: what a server accepts, derived from the server's
 * own configuration by the server's own library, then confirmed by a second client.
 *
 * Traps met while building this (openssl 3.0.x, GnuTLS 3.7/3.8), each handled below or by a test:
 *
 * - Security levels. `openssl ciphers -s -tls1 'ALL:@SECLEVEL=1'` lists 16 suites, yet s_server
 *   at @SECLEVEL>=1 answers every TLS 1.0/1.1 ClientHello with internal_error (alert 80, not
 *   protocol_version 70) — even one offering only AES128-SHA, whose RSA key transport signs
 *   nothing. openssl 3.0's notes: "SSL 3, TLS 1.0, TLS 1.1, and DTLS 1.0 only work at security
 *   level 0". So TLS 1.0/1.1 exist only with `@SECLEVEL=0` in the cipher string and
 *   `opensslCipherCodes` returns [] for them otherwise. The default level is a build choice (1
 *   upstream, 2 in this Debian build): at 2 an RSA 1024 certificate ("ee key too small") or a
 *   1024-bit `-dhparam` ("dh key too small") makes s_server refuse to start; at @SECLEVEL=1 both
 *   load. Anonymous suites (ADH/AECDH) exist only at level 0 (`ciphers -s` already drops them
 *   above). Tests should always name the level.
 * - Certificate key type. `ciphers -s` lists ECDSA and DSS suites for a server holding only an
 *   RSA certificate: Au=RSA needs an RSA certificate, Au=ECDSA an ECDSA one (with `-cert` RSA and
 *   `-dcert` ECDSA both), Au=DSS a DSA one (never here). Au=None (ADH/AECDH) needs none and
 *   s_server accepts it at level 0: kept. PSK and SRP suites need `-psk`/`-srpvfile`; `ciphers -s`
 *   drops them (no callbacks set) and so do we. GnuTLS's `--list` likewise lists ECDHE-ECDSA
 *   suites for an RSA-only server: filtered the same way.
 * - Groups. With `-groups ffdhe2048` (no EC group) `ciphers -s` still lists ECDHE suites, which can
 *   then never be chosen in TLS 1.2; TLS 1.3 still works over FFDHE. The server truth drops them.
 * - `-serverpref`: s_server then picks the first suite of *its* list (the order `openssl ciphers`
 *   prints) that the client offers; without it, the first of the client's list that it supports.
 *   That is the only sense in which the order of `opensslCipherCodes` is a preference order.
 * - DH sizes. With no `-dhparam`, openssl sizes DHE to the certificate's strength (RSA 2048 →
 *   2048-bit DH, RSA 1024 → 1024-bit) and anonymous DH (ADH-AES128-SHA, level 0) gets a 1024-bit
 *   group even next to an RSA 2048 certificate. gnutls-serv without `--dhparams` sends the RFC
 *   7919 ffdhe2048 prime, yet calls it "DHE-CUSTOM2048" when the client did not offer ffdhe2048.
 * - Version labels. `ciphers -V` prints a suite's *minimum* version ("SSLv3" for AES128-SHA), and
 *   s_client's "New, SSLv3, Cipher is AES128-SHA" line does too: the negotiated version is only
 *   in "Protocol version:" (with -brief) or "Protocol  :". GnuTLS's `--list` prints the minimum
 *   version in the same way ("TLS1.0" suites are TLS 1.0-1.2 suites).
 * - GnuTLS: adding `+NULL` to a priority string silently removes TLS 1.3 from it
 *   (`NORMAL:+NULL` lists VERS-TLS1.2 and below only). Camellia is not in CIPHER-ALL.
 * - The build decides what exists: this Debian openssl 3.0 has no SSLv3 (no `-ssl3` flag), no
 *   3DES and no RC4 suite even at level 0 ("no cipher match" for DES-CBC3-SHA), while GnuTLS
 *   still serves 3DES-CBC and ARCFOUR-128 when asked; a fixed list of expected codes breaks
 *   between machines, so derive it with these functions instead.
 * - Process behaviour: `openssl s_server` stops on end of stdin and serves one connection at a
 *   time; gnutls-serv always binds 0.0.0.0 and :: and cannot report a port chosen by the OS.
 *
 * All commands run with OPENSSL_CONF and GNUTLS_SYSTEM_PRIORITY_FILE pointing at an empty file, so
 * a system-wide MinProtocol or priority override cannot make configuration and truth diverge.
 */
import type { KeyType } from "./credentials.js";
import { HarnessError } from "./errors.js";
import { runCommand } from "./process.js";
import type { GnutlsServerConfig } from "./servers/gnutls-server.js";
import type { OpenSslServerConfig } from "./servers/openssl-server.js";
import {
  GNUTLS_VERSION_NAMES,
  OPENSSL_VERSION_FLAGS,
  TLS_VERSIONS,
  hostPort,
  parseTlsVersion,
  versionIndex,
} from "./tls-versions.js";
import type { TlsVersion } from "./tls-versions.js";

/** "0xc02f" / "0XC02F" → "0xC02F", the ScanReport spelling. */
export function normalizeSuiteCode(code: string): string {
  return `0x${code.slice(2).toUpperCase()}`;
}

/** "0xC02F": four upper-case hex digits, as the ScanReport spells a suite code. */
export function formatSuiteCode(high: number, low: number): string {
  return `0x${((high << 8) | low).toString(16).toUpperCase().padStart(4, "0")}`;
}

// ---------------------------------------------------------------------------------------------
// openssl
// ---------------------------------------------------------------------------------------------

/** One line of `openssl ciphers -V`. */
export interface OpenSslCipher {
  /** "0xC02F". */
  readonly code: string;
  /** "ECDHE-RSA-AES128-GCM-SHA256". */
  readonly name: string;
  /** The suite's minimum version as openssl prints it ("SSLv3", "TLSv1", "TLSv1.2", "TLSv1.3"). */
  readonly minVersion: string;
  /** Kx= ("ECDH", "DH", "RSA", "PSK", "any", …). */
  readonly kx: string;
  /** Au= ("RSA", "ECDSA", "DSS", "None", "any", …). */
  readonly au: string;
  readonly enc: string;
  readonly mac: string;
}

const OPENSSL_CIPHER_LINE =
  /^\s*0x([0-9A-Fa-f]{2}),0x([0-9A-Fa-f]{2})\s+-\s+(\S+)\s+(\S+)\s+Kx=(\S+)\s+Au=(\S+)\s+Enc=(\S+)\s+Mac=(\S+)/;

/** Parses `openssl ciphers -V` output, in order. */
export function parseOpenSslCiphers(output: string): OpenSslCipher[] {
  const ciphers: OpenSslCipher[] = [];
  for (const line of output.split("\n")) {
    const match = OPENSSL_CIPHER_LINE.exec(line);
    if (match === null) continue;
    const [
      ,
      high = "",
      low = "",
      name = "",
      minVersion = "",
      kx = "",
      au = "",
      enc = "",
      mac = "",
    ] = match;
    ciphers.push({
      code: formatSuiteCode(parseInt(high, 16), parseInt(low, 16)),
      name,
      minVersion,
      kx,
      au,
      enc,
      mac,
    });
  }
  return ciphers;
}

/** Every TLS 1.3 suite openssl 3 implements (its default `-ciphersuites` omits the CCM ones). */
export const OPENSSL_TLS13_SUITES =
  "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256";

/**
 * `openssl ciphers -V -s <-tls1…> [-ciphersuites …] 'STRING'` parsed: what openssl would enable
 * for that one version, before the certificate and version-vs-level filters of
 * `opensslCipherCodes`. Throws `command-failed` when openssl rejects the string ("no cipher
 * match": s_server would refuse it too).
 */
export async function opensslCipherList(
  cipherString: string,
  protocol: TlsVersion,
  options: { readonly ciphersuites?: string } = {},
): Promise<OpenSslCipher[]> {
  const args = ["ciphers", "-V", "-s", OPENSSL_VERSION_FLAGS[protocol]];
  if (options.ciphersuites !== undefined) args.push("-ciphersuites", options.ciphersuites);
  args.push(cipherString);
  const result = await runCommand("openssl", args);
  if (result.exitCode !== 0) {
    throw new HarnessError("command-failed", `openssl ${args.join(" ")} failed`, {
      output: result.stdout + result.stderr,
    });
  }
  return parseOpenSslCiphers(result.stdout);
}

/** The last `@SECLEVEL=n` of a cipher string, or null. */
export function parseSecurityLevel(cipherString: string): number | null {
  const levels = [...cipherString.matchAll(/@SECLEVEL=(\d)/g)].map((match) => Number(match[1]));
  return levels.at(-1) ?? null;
}

/** Whether a suite's authentication can be served with certificates of these key types. */
function authServable(au: string, keyTypes: readonly KeyType[]): boolean {
  switch (au) {
    case "any": // TLS 1.3: authentication is negotiated apart from the suite
    case "None": // anonymous DH/ECDH: no certificate involved
      return true;
    case "RSA":
      return keyTypes.includes("rsa");
    case "ECDSA":
      return keyTypes.includes("ecdsa");
    default: // DSS (no DSA credentials here), PSK, SRP, GOST
      return false;
  }
}

const PSK_OR_SRP_KX = /PSK|SRP/;

/** Whether a groups list (`-groups`) holds at least one elliptic curve group. */
function hasEcGroup(groups: string): boolean {
  return groups
    .split(/[:,]/)
    .map((group) => group.trim())
    .some((group) => group !== "" && !/^ffdhe/i.test(group));
}

export interface OpenSslTruthOptions {
  /** Key types of the server's certificates. */
  readonly keyTypes: readonly KeyType[];
  /**
   * The server's security level when the cipher string names none: appended as `@SECLEVEL=n`.
   * Throws `bad-input` if the string names another.
   */
  readonly seclevel?: number;
  /** The server's `-ciphersuites` (TLS 1.3). Default: openssl's default three. */
  readonly ciphersuites?: string;
  /** The server's `-groups`: without an EC group no ECDHE suite can be chosen in TLS <= 1.2. */
  readonly groups?: string;
}

/**
 * The suites an openssl server with this cipher string accepts for one version, as "0xC02F"
 * codes in openssl's order (the server's preference with `-serverpref`). See the traps above.
 */
export async function opensslCipherCodes(
  cipherString: string,
  protocol: TlsVersion,
  options: OpenSslTruthOptions,
): Promise<string[]> {
  let effective = cipherString;
  let level = parseSecurityLevel(cipherString);
  if (options.seclevel !== undefined) {
    if (level === null) {
      effective = `${cipherString}:@SECLEVEL=${options.seclevel}`;
      level = options.seclevel;
    } else if (level !== options.seclevel) {
      throw new HarnessError(
        "bad-input",
        `seclevel ${options.seclevel} contradicts @SECLEVEL=${level} in "${cipherString}"`,
      );
    }
  }
  // No level named: the build default, at least 1 in every openssl 3.
  if (versionIndex(protocol) < versionIndex("TLSv1.2") && level !== 0) return [];
  const listOptions =
    options.ciphersuites === undefined ? {} : { ciphersuites: options.ciphersuites };
  const ciphers = await opensslCipherList(effective, protocol, listOptions);
  const ecdheUsable = options.groups === undefined || hasEcGroup(options.groups);
  return ciphers
    .filter((cipher) => authServable(cipher.au, options.keyTypes))
    .filter((cipher) => !PSK_OR_SRP_KX.test(cipher.kx))
    .filter((cipher) => protocol === "TLSv1.3" || ecdheUsable || cipher.kx !== "ECDH")
    .map((cipher) => cipher.code);
}

/** What a server accepts, per version. */
export interface ServerTruth {
  /** Versions the server completes a handshake with: enabled, and with a usable suite. */
  readonly protocols: Readonly<Record<TlsVersion, boolean>>;
  /** Accepted suites per version ("0xC02F"), in the server's list order. */
  readonly cipherSuites: Readonly<Record<TlsVersion, readonly string[]>>;
  /** Whether the server chooses by its own order (then `cipherSuites` order is its preference). */
  readonly serverPreference: boolean;
}

/** The versions an s_server configuration enables, before security levels. */
export function opensslEnabledVersions(config: OpenSslServerConfig): TlsVersion[] {
  return TLS_VERSIONS.filter((version) => {
    const index = versionIndex(version);
    if (config.protocol !== null && version !== config.protocol) return false;
    if (config.minProtocol !== null && index < versionIndex(config.minProtocol)) return false;
    if (config.maxProtocol !== null && index > versionIndex(config.maxProtocol)) return false;
    return !config.disable.includes(version);
  });
}

/** The truth for a server started by `startOpenSslServer`, from its configuration. */
export async function opensslServerTruth(config: OpenSslServerConfig): Promise<ServerTruth> {
  const enabled = opensslEnabledVersions(config);
  const cipherSuites = {} as Record<TlsVersion, readonly string[]>;
  const protocols = {} as Record<TlsVersion, boolean>;
  for (const version of TLS_VERSIONS) {
    const codes = enabled.includes(version)
      ? await opensslCipherCodes(config.cipher ?? "DEFAULT", version, {
          keyTypes: config.keyTypes,
          ...(config.ciphersuites === null ? {} : { ciphersuites: config.ciphersuites }),
          ...(config.groups === null ? {} : { groups: config.groups }),
        })
      : [];
    cipherSuites[version] = codes;
    protocols[version] = codes.length > 0;
  }
  return { protocols, cipherSuites, serverPreference: config.serverPreference };
}

export interface OpenSslCatalog {
  readonly byCode: ReadonlyMap<string, OpenSslCipher>;
  readonly byName: ReadonlyMap<string, OpenSslCipher>;
}

let openSslCatalog: Promise<OpenSslCatalog> | null = null;

/** Every suite the local openssl knows (all versions, PSK, NULL …), by code and by name. */
export function opensslCatalog(): Promise<OpenSslCatalog> {
  openSslCatalog ??= (async () => {
    const args = [
      "ciphers",
      "-V",
      "-ciphersuites",
      OPENSSL_TLS13_SUITES,
      "ALL:COMPLEMENTOFALL:@SECLEVEL=0",
    ];
    const result = await runCommand("openssl", args);
    if (result.exitCode !== 0) {
      openSslCatalog = null;
      throw new HarnessError("command-failed", `openssl ${args.join(" ")} failed`, {
        output: result.stderr,
      });
    }
    const ciphers = parseOpenSslCiphers(result.stdout);
    return {
      byCode: new Map(ciphers.map((cipher) => [cipher.code, cipher])),
      byName: new Map(ciphers.map((cipher) => [cipher.name, cipher])),
    };
  })();
  return openSslCatalog;
}

// ---------------------------------------------------------------------------------------------
// GnuTLS
// ---------------------------------------------------------------------------------------------

/** One suite line of `gnutls-cli --list`. */
export interface GnutlsSuite {
  /** "0xC02F". */
  readonly code: string;
  /** "TLS_ECDHE_RSA_AES_128_GCM_SHA256" (GnuTLS spelling, no "WITH"). */
  readonly name: string;
  /** The suite's minimum version ("TLS1.0" suites serve TLS 1.0-1.2), or null if unknown. */
  readonly minVersion: TlsVersion | null;
}

/** `gnutls-cli --priority P --list`, parsed. */
export interface GnutlsPriorityInfo {
  readonly suites: readonly GnutlsSuite[];
  /** TLS versions the priority enables (DTLS dropped). */
  readonly protocols: readonly TlsVersion[];
  readonly ciphers: readonly string[];
  readonly macs: readonly string[];
  readonly keyExchanges: readonly string[];
  /** "GROUP-X25519", "GROUP-FFDHE2048", … in priority order. */
  readonly groups: readonly string[];
  readonly signatures: readonly string[];
}

const GNUTLS_SUITE_LINE = /^(TLS_\S+)\s+0x([0-9a-fA-F]{2}),\s*0x([0-9a-fA-F]{2})\s+(\S+)\s*$/;

/** Parses `gnutls-cli --list` output. */
export function parseGnutlsList(output: string): GnutlsPriorityInfo {
  const suites: GnutlsSuite[] = [];
  const lists = new Map<string, string[]>();
  for (const line of output.split("\n")) {
    const suite = GNUTLS_SUITE_LINE.exec(line);
    if (suite !== null) {
      const [, name = "", high = "", low = "", version = ""] = suite;
      suites.push({
        code: formatSuiteCode(parseInt(high, 16), parseInt(low, 16)),
        name,
        minVersion: version === "SSL3.0" ? "TLSv1.0" : parseTlsVersion(version),
      });
      continue;
    }
    const list = /^([A-Za-z -]+):\s*(.*)$/.exec(line);
    if (list !== null) {
      const [, key = "", values = ""] = list;
      lists.set(
        key.trim(),
        values
          .split(",")
          .map((value) => value.trim())
          .filter((value) => value !== "" && value !== "none"),
      );
    }
  }
  const protocols = (lists.get("Protocols") ?? [])
    .map((name) => parseTlsVersion(name))
    .filter((version): version is TlsVersion => version !== null);
  return {
    suites,
    protocols: TLS_VERSIONS.filter((version) => protocols.includes(version)),
    ciphers: lists.get("Ciphers") ?? [],
    macs: lists.get("MACs") ?? [],
    keyExchanges: lists.get("Key Exchange Algorithms") ?? [],
    groups: lists.get("Groups") ?? [],
    signatures: lists.get("PK-signatures") ?? [],
  };
}

const gnutlsListCache = new Map<string, Promise<GnutlsPriorityInfo>>();

/**
 * What a GnuTLS priority string enables, from `gnutls-cli --priority P --list` (the same
 * gnutls_priority_init a gnutls-serv with that priority runs). Throws `command-failed` on a
 * priority syntax error. With no priority: every suite GnuTLS knows.
 */
export function gnutlsPriorityInfo(priority?: string): Promise<GnutlsPriorityInfo> {
  const key = priority ?? "";
  let pending = gnutlsListCache.get(key);
  if (pending === undefined) {
    pending = (async () => {
      const args = priority === undefined ? ["--list"] : ["--priority", priority, "--list"];
      const result = await runCommand("gnutls-cli", args);
      if (result.exitCode !== 0) {
        throw new HarnessError("command-failed", `gnutls-cli ${args.join(" ")} failed`, {
          output: result.stdout + result.stderr,
        });
      }
      return parseGnutlsList(result.stdout);
    })();
    pending.catch(() => gnutlsListCache.delete(key));
    gnutlsListCache.set(key, pending);
  }
  return pending;
}

/** Key exchange prefixes of GnuTLS suite names, longest first, with their priority keywords. */
const GNUTLS_KX: readonly (readonly [
  prefix: string,
  keyword: string,
  auth: KeyType | "none" | null,
])[] = [
  ["ECDHE_ECDSA_", "ECDHE-ECDSA", "ecdsa"],
  ["ECDHE_RSA_", "ECDHE-RSA", "rsa"],
  ["ECDHE_PSK_", "ECDHE-PSK", null],
  ["DHE_RSA_", "DHE-RSA", "rsa"],
  ["DHE_DSS_", "DHE-DSS", null],
  ["DHE_PSK_", "DHE-PSK", null],
  ["RSA_PSK_", "RSA-PSK", null],
  ["DH_ANON_", "ANON-DH", "none"],
  ["ECDH_ANON_", "ANON-ECDH", "none"],
  ["SRP_SHA_RSA_", "SRP-RSA", null],
  ["SRP_SHA_DSS_", "SRP-DSS", null],
  ["SRP_SHA_", "SRP", null],
  ["PSK_", "PSK", null],
  ["RSA_", "RSA", "rsa"],
];

/** What certificate a GnuTLS suite needs: a key type, "none" (anonymous), or null (not served). */
function gnutlsSuiteAuth(suite: GnutlsSuite): KeyType | "none" | null {
  if (suite.minVersion === "TLSv1.3") return "none";
  const rest = suite.name.slice("TLS_".length);
  const kx = GNUTLS_KX.find(([prefix]) => rest.startsWith(prefix));
  return kx === undefined ? null : kx[2];
}

function suiteServesVersion(suite: GnutlsSuite, version: TlsVersion): boolean {
  if (suite.minVersion === null) return false;
  if (suite.minVersion === "TLSv1.3") return version === "TLSv1.3";
  return version !== "TLSv1.3" && versionIndex(version) >= versionIndex(suite.minVersion);
}

export interface GnutlsTruthOptions {
  /** Key types of the server's certificates. */
  readonly keyTypes: readonly KeyType[];
  /** One version; default: every version the priority enables (suites listed once). */
  readonly protocol?: TlsVersion;
}

/**
 * The suites a gnutls-serv with this priority accepts, as "0xC02F" codes in priority order:
 * listed by `--list`, of a version the priority enables, servable with the certificates' key
 * types (anonymous kept; PSK, SRP and DSS dropped: gnutls-serv would need password files or a DSA
 * key).
 */
export async function gnutlsCipherCodes(
  priority: string,
  options: GnutlsTruthOptions,
): Promise<string[]> {
  const info = await gnutlsPriorityInfo(priority);
  const versions =
    options.protocol === undefined
      ? info.protocols
      : info.protocols.filter((version) => version === options.protocol);
  return info.suites
    .filter((suite) => versions.some((version) => suiteServesVersion(suite, version)))
    .filter((suite) => {
      const auth = gnutlsSuiteAuth(suite);
      return auth === "none" || (auth !== null && options.keyTypes.includes(auth));
    })
    .map((suite) => suite.code);
}

/** The truth for a server started by `startGnutlsServer`, from its configuration. */
export async function gnutlsServerTruth(config: GnutlsServerConfig): Promise<ServerTruth> {
  const cipherSuites = {} as Record<TlsVersion, readonly string[]>;
  const protocols = {} as Record<TlsVersion, boolean>;
  for (const version of TLS_VERSIONS) {
    const codes = await gnutlsCipherCodes(config.priority, {
      keyTypes: config.keyTypes,
      protocol: version,
    });
    cipherSuites[version] = codes;
    protocols[version] = codes.length > 0;
  }
  return {
    protocols,
    cipherSuites,
    serverPreference: /%SERVER_PRECEDENCE/i.test(config.priority),
  };
}

const GNUTLS_HASHES = new Set(["SHA1", "SHA256", "SHA384", "MD5"]);

/**
 * A GnuTLS priority string enabling exactly one suite at one version, checked against `--list`.
 * Throws `bad-input` when the suite is unknown to GnuTLS or not available at that version.
 */
export async function gnutlsSuitePriority(code: string, version: TlsVersion): Promise<string> {
  const all = await gnutlsPriorityInfo();
  const suite = all.suites.find((candidate) => candidate.code === normalizeSuiteCode(code));
  if (suite === undefined) {
    throw new HarnessError("bad-input", `GnuTLS does not know suite ${code}`);
  }
  if (!suiteServesVersion(suite, version)) {
    throw new HarnessError("bad-input", `${suite.name} (${code}) is not a ${version} suite`);
  }
  let rest = suite.name.slice("TLS_".length);
  let kx: string | null = null;
  if (suite.minVersion !== "TLSv1.3") {
    const entry = GNUTLS_KX.find(([prefix]) => rest.startsWith(prefix));
    if (entry === undefined) {
      throw new HarnessError("bad-input", `cannot map ${suite.name} to a GnuTLS key exchange`);
    }
    kx = entry[1];
    rest = rest.slice(entry[0].length);
  }
  const tokens = rest.split("_");
  const last = tokens.at(-1) ?? "";
  const hash = GNUTLS_HASHES.has(last) ? (tokens.pop() ?? null) : null;
  const cipherToken = tokens.join("_");
  const cipher = cipherToken === "3DES_EDE_CBC" ? "3DES-CBC" : cipherToken.replaceAll("_", "-");
  const aead = /GCM|CCM|POLY1305/.test(cipherToken);
  const mac = aead ? "AEAD" : (hash ?? "AEAD");
  const priority = [
    "NONE",
    `+${GNUTLS_VERSION_NAMES[version]}`,
    ...(kx === null ? [] : [`+${kx}`]),
    `+${cipher}`,
    `+${mac}`,
    "+SIGN-ALL",
    "+GROUP-ALL",
    "+COMP-NULL",
  ].join(":");
  const info = await gnutlsPriorityInfo(priority);
  const codes = info.suites.map((candidate) => candidate.code);
  if (codes.length !== 1 || codes[0] !== suite.code) {
    throw new HarnessError(
      "bad-input",
      `priority ${priority} lists [${codes.join(", ")}], not only ${suite.code}`,
    );
  }
  return priority;
}

// ---------------------------------------------------------------------------------------------
// Second-client confirmations
// ---------------------------------------------------------------------------------------------

/** Where to connect: any running test server. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** The outcome of one handshake by a second client. */
export interface Handshake {
  /** The handshake completed. */
  readonly ok: boolean;
  readonly protocol: TlsVersion | null;
  /** "0xC02F", or null when the handshake failed. */
  readonly code: string | null;
  /** The suite in the client's spelling (openssl or GnuTLS name). */
  readonly cipher: string | null;
  /**
   * The ephemeral key as the client reports it: "X25519, 253 bits" / "DH, 1024 bits" (openssl),
   * "ECDHE-X25519" / "DHE-FFDHE2048" (GnuTLS); null for RSA key transport or failure.
   */
  readonly keyExchange: string | null;
  /** The alert the client received, when the handshake failed on one. */
  readonly alert: number | null;
  /** Everything the client printed. */
  readonly output: string;
}

export interface OpenSslClientOptions {
  /** The one version to offer. */
  readonly protocol: TlsVersion;
  /**
   * Suites to offer, "0xC02F" codes in the client's preference order (TLS 1.3 codes go to
   * `-ciphersuites`). Overrides `cipher`/`ciphersuites`.
   */
  readonly suites?: readonly string[];
  /** `-cipher`; `:@SECLEVEL=0` is appended unless a level is named. Default: every suite. */
  readonly cipher?: string;
  /** `-ciphersuites`. Default: all five TLS 1.3 suites. */
  readonly ciphersuites?: string;
  /** `-groups`, e.g. "P-256" or "ffdhe2048". */
  readonly groups?: string;
  /** `-sigalgs`, e.g. "ECDSA+SHA256". */
  readonly sigalgs?: string;
  readonly extraArgs?: readonly string[];
  /** Default 10 000 ms. */
  readonly timeoutMs?: number;
}

const PERMISSIVE_OPENSSL_CIPHERS = "ALL:COMPLEMENTOFALL:@SECLEVEL=0";

/**
 * One `openssl s_client` handshake, offering exactly what the options say (at @SECLEVEL=0, so the
 * client is never the limiting side). Stdin is closed, so s_client exits after the handshake.
 */
export async function confirmWithOpenSslClient(
  server: Endpoint,
  options: OpenSslClientOptions,
): Promise<Handshake> {
  let cipher = options.cipher ?? PERMISSIVE_OPENSSL_CIPHERS;
  let ciphersuites = options.ciphersuites ?? OPENSSL_TLS13_SUITES;
  if (options.suites !== undefined) {
    if (options.suites.length === 0) throw new HarnessError("bad-input", "no suites to offer");
    const catalog = await opensslCatalog();
    const names = options.suites.map((code) => {
      const known = catalog.byCode.get(normalizeSuiteCode(code));
      if (known === undefined) {
        throw new HarnessError("bad-input", `the local openssl does not know suite ${code}`);
      }
      return known;
    });
    const tls13 = names.filter((known) => known.minVersion === "TLSv1.3");
    const legacy = names.filter((known) => known.minVersion !== "TLSv1.3");
    // A TLS 1.3-only offer still needs a valid -cipher; -tls1_3 keeps those suites out of it.
    cipher = legacy.length > 0 ? legacy.map((known) => known.name).join(":") : "ALL";
    ciphersuites = tls13.map((known) => known.name).join(":");
  }
  if (parseSecurityLevel(cipher) === null) cipher = `${cipher}:@SECLEVEL=0`;
  const args = [
    "s_client",
    "-connect",
    hostPort(server.host, server.port),
    "-brief",
    "-noservername",
    OPENSSL_VERSION_FLAGS[options.protocol],
    "-cipher",
    cipher,
    "-ciphersuites",
    ciphersuites,
  ];
  if (options.groups !== undefined) args.push("-groups", options.groups);
  if (options.sigalgs !== undefined) args.push("-sigalgs", options.sigalgs);
  args.push(...(options.extraArgs ?? []));
  const result = await runCommand("openssl", args, { timeoutMs: options.timeoutMs ?? 10_000 });
  const output = result.stdout + result.stderr;
  if (result.timedOut) {
    throw new HarnessError("command-failed", "openssl s_client timed out", { output });
  }
  return parseOpenSslHandshake(output, await opensslCatalog());
}

/** Parses `openssl s_client -brief` output. */
export function parseOpenSslHandshake(output: string, catalog: OpenSslCatalog): Handshake {
  const established = /^CONNECTION ESTABLISHED$/m.test(output);
  const protocolText = /^Protocol version: (\S+)/m.exec(output)?.[1] ?? null;
  const cipher = /^Ciphersuite: (\S+)/m.exec(output)?.[1] ?? null;
  const keyExchange = /^(?:Server|Peer) Temp Key: (.+)$/m.exec(output)?.[1]?.trim() ?? null;
  const alertText = /alert number (\d+)/.exec(output)?.[1];
  const ok = established && protocolText !== null && cipher !== null;
  return {
    ok,
    protocol: ok && protocolText !== null ? parseTlsVersion(protocolText) : null,
    code: ok && cipher !== null ? (catalog.byName.get(cipher)?.code ?? null) : null,
    cipher: ok ? cipher : null,
    keyExchange: ok ? keyExchange : null,
    alert: alertText === undefined ? null : Number(alertText),
    output,
  };
}

export interface GnutlsClientOptions {
  readonly protocol: TlsVersion;
  /** Offer exactly this suite ("0xC02F"), via `gnutlsSuitePriority`. Overrides `priority`. */
  readonly suite?: string;
  /** A full priority string. Default: every suite, group and signature of `protocol`. */
  readonly priority?: string;
  readonly extraArgs?: readonly string[];
  /** Default 10 000 ms. */
  readonly timeoutMs?: number;
}

/** Everything a GnuTLS client can offer at one version (no NULL: it would drop TLS 1.3). */
export function permissiveGnutlsPriority(version: TlsVersion): string {
  return [
    "NONE",
    `+${GNUTLS_VERSION_NAMES[version]}`,
    "+CIPHER-ALL",
    "+CAMELLIA-128-CBC",
    "+CAMELLIA-256-CBC",
    "+CAMELLIA-128-GCM",
    "+CAMELLIA-256-GCM",
    "+AES-128-CCM-8",
    "+AES-256-CCM-8",
    "+3DES-CBC",
    "+ARCFOUR-128",
    "+MAC-ALL",
    "+KX-ALL",
    "+ANON-DH",
    "+ANON-ECDH",
    "+GROUP-ALL",
    "+SIGN-ALL",
    "+COMP-NULL",
  ].join(":");
}

/** One `gnutls-cli` handshake (certificate not verified); stdin closed so it exits after it. */
export async function confirmWithGnutlsClient(
  server: Endpoint,
  options: GnutlsClientOptions,
): Promise<Handshake> {
  const priority =
    options.suite !== undefined
      ? await gnutlsSuitePriority(options.suite, options.protocol)
      : (options.priority ?? permissiveGnutlsPriority(options.protocol));
  const args = [
    "--insecure",
    "--verbose",
    "--port",
    String(server.port),
    "--priority",
    priority,
    ...(options.extraArgs ?? []),
    server.host,
  ];
  const result = await runCommand("gnutls-cli", args, { timeoutMs: options.timeoutMs ?? 10_000 });
  const output = result.stdout + result.stderr;
  if (result.timedOut) {
    throw new HarnessError("command-failed", "gnutls-cli timed out", { output });
  }
  return parseGnutlsHandshake(output);
}

/** Parses `gnutls-cli --verbose` output; `code` is resolved through `--list`. */
export async function parseGnutlsHandshake(output: string): Promise<Handshake> {
  const field = (name: string): string | null =>
    new RegExp(`^- ${name}: (.+)$`, "m").exec(output)?.[1]?.trim() ?? null;
  const alertText = /Received alert \[(\d+)\]/.exec(output)?.[1];
  const alert = alertText === undefined ? null : Number(alertText);
  const versionText = field("Version");
  const cipherName = field("Cipher");
  const mac = field("MAC");
  const protocol = versionText === null ? null : parseTlsVersion(versionText);
  const ok = /Handshake was completed/.test(output) && protocol !== null && cipherName !== null;
  if (!ok || protocol === null || cipherName === null) {
    return {
      ok: false,
      protocol: null,
      code: null,
      cipher: null,
      keyExchange: null,
      alert,
      output,
    };
  }
  // "(TLS1.2-X.509)-(ECDHE-SECP256R1)-(RSA-SHA256)-(AES-128-GCM)": the second part is the key
  // exchange ("RSA" for key transport).
  const description = field("Description") ?? "";
  const parts = [...description.matchAll(/\(([^)]*)\)/g)].map((match) => match[1] ?? "");
  const exchange = parts[1] ?? null;
  const keyExchange = exchange === null || exchange === "RSA" ? null : exchange;
  const kx = field("Key Exchange");
  const priority = [
    "NONE",
    `+${GNUTLS_VERSION_NAMES[protocol]}`,
    ...(protocol === "TLSv1.3" || kx === null ? [] : [`+${kx}`]),
    `+${cipherName}`,
    `+${mac ?? "AEAD"}`,
    "+SIGN-ALL",
    "+GROUP-ALL",
    "+COMP-NULL",
  ].join(":");
  const suites = (await gnutlsPriorityInfo(priority)).suites;
  const suite = suites.length === 1 ? suites[0] : undefined;
  return {
    ok: true,
    protocol,
    code: suite?.code ?? null,
    cipher: suite?.name ?? `${kx ?? ""}-${cipherName}-${mac ?? ""}`,
    keyExchange,
    alert: null,
    output,
  };
}

// ---------------------------------------------------------------------------------------------
// Sampling
// ---------------------------------------------------------------------------------------------

/**
 * A deterministic sample of `count` items (all of them if fewer), in their original order:
 * mulberry32 seeded by `seed`, so a failing sample is the same on every run.
 */
export function sampleOf<T>(items: readonly T[], count: number, seed: number): T[] {
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const indices = items.map((_, index) => index);
  for (let i = indices.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    const swap = indices[i] ?? 0;
    indices[i] = indices[j] ?? 0;
    indices[j] = swap;
  }
  return indices
    .slice(0, Math.min(count, items.length))
    .sort((a, b) => a - b)
    .map((index) => items[index] as T);
}
