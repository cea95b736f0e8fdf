// The client profiles table: real clients' ClientHellos for handshake simulation, from testssl's
// captures (client-simulation.json and its wiresharked sibling) and the curl-impersonate browser
// signatures (rebuilt into hellos here). How a capture becomes a template: client-hello.ts.
import type { ClientProfileRow } from "../../packages/core/src/registry/client-profiles.js";
import type { Protocol } from "../../packages/core/src/registry/protocols.js";
import {
  EXT,
  VERSION_ORDER,
  Reader,
  ascii,
  fromHexString,
  helloFacts,
  messageOfRecords,
  normaliseCapture,
  parseClientHelloBody,
  templateMessage,
  toHexString,
  u16,
  u16s,
  vec,
  versionName,
} from "./client-hello.js";
import type { Extension, Hello } from "./client-hello.js";
import { parseClientName, releaseYear } from "./client-names.js";
import { HEADER, printProperty } from "./emit.js";
import type { Cell } from "./emit.js";
import { readJson } from "./read-data.js";
import type { CurlExtension, CurlSignature, TestsslClient } from "./read-data.js";

// Wiresharked captures whose hello is one of client-simulation.txt's combined entries: their
// names become aliases of that entry (the generator checks the hellos are the same).
const WIRESHARKED_ALIASES: Readonly<Record<string, string>> = {
  "Android 11 (native)": "Android 11/12 (native)",
  "Android 12 (native)": "Android 11/12 (native)",
  "Android 13 (native)": "Android 13/14 (native)",
  "Android 14 (native)": "Android 13/14 (native)",
  "Android 15 (native)": "Android 15/16 (native)",
  "Edge 17 Win 10": "Edge 17 (Win 10)",
  "Edge 101 Win 10 21H2": "Edge 101/Chrome 101 Win 10 21H2",
  "Java 17.0.3 (OpenJDK)": "Java 17.0.3/21.0.6 (OpenJDK)",
  "LibreSSL 2.8.3 (macOS)": "LibreSSL 2.8.3 (Apple)",
  "Safari 18.4 (macOS 15.4)": "Safari 18.4 (macOS 15.4/iOS 18.4)",
  "Safari 26.4 (macOS 26.4)": "Safari 26.4 (macOS/iOS/iPadOS 26.4)",
};

const limit = (value: unknown): number | null =>
  typeof value === "number" && value > 0 ? value : null;

function sslv2Profile(bytes: Uint8Array, what: string): { version: number; cipherSpecs: number[] } {
  // SSLv2 record: 2-byte header with the high bit set, then CLIENT-HELLO.
  const r = new Reader(bytes, what);
  const length = r.u16() & 0x7fff;
  const message = new Reader(r.take(length), what);
  if (message.u8() !== 1)
    throw new Error(`generate-registry: ${what} is not an SSLv2 CLIENT-HELLO`);
  const version = message.u16();
  const specsLength = message.u16();
  message.u16();
  message.u16();
  const specs = new Reader(message.take(specsLength), what);
  const cipherSpecs: number[] = [];
  while (!specs.done) cipherSpecs.push((specs.u8() << 16) | specs.u16());
  return { version, cipherSpecs };
}

function testsslProfile(entry: TestsslClient, aliases: string[]): ClientProfileRow {
  const { family, version, platform } = parseClientName(entry.name);
  const bytes = fromHexString(entry.handshakebytes);
  const what = `handshakebytes of ${entry.name}`;
  const lowest = Number.parseInt(entry.lowest_protocol, 16);
  const base = {
    name: entry.name,
    short: entry.short,
    aliases,
    family,
    version,
    platform,
    year: releaseYear(family, version),
    current: entry.current === true,
    source: "testssl" as const,
  };
  const limits = {
    minDhBits: limit(entry.minDhBits),
    maxDhBits: limit(entry.maxDhBits),
    minRsaBits: limit(entry.minRsaBits),
    maxRsaBits: limit(entry.maxRsaBits),
    minEcdsaBits: limit(entry.minEcdsaBits),
    requiresSha2: entry.requiresSha2 === true,
  };
  if (((bytes[0] ?? 0) & 0x80) !== 0) {
    const { version: helloVersion, cipherSpecs } = sslv2Profile(bytes, what);
    const v2 = cipherSpecs.some((spec) => spec >> 16 !== 0);
    const high = VERSION_ORDER.indexOf(helloVersion);
    const low = Math.max(VERSION_ORDER.indexOf(lowest), 1);
    const protocols: Protocol[] = [
      ...(v2 ? (["SSLv2"] as const) : []),
      ...VERSION_ORDER.slice(low, high + 1).map(versionName),
    ];
    return {
      ...base,
      protocols,
      cipherSuites: cipherSpecs.filter((spec) => spec >> 16 === 0),
      groups: null,
      signatureAlgorithms: null,
      extensions: null,
      alpn: null,
      keyShares: null,
      ecPointFormats: null,
      pskModes: null,
      sni: false,
      ...limits,
      format: "sslv2",
      recordVersion: helloVersion,
      // An SSLv2 CLIENT-HELLO carries nothing to refresh but its challenge: kept whole.
      hello: entry.handshakebytes.toLowerCase(),
    };
  }
  const { recordVersion, body } = messageOfRecords(bytes, what);
  const parsed = parseClientHelloBody(body, what);
  const { hello, keyShares } = normaliseCapture(parsed);
  const facts = helloFacts(hello, lowest);
  return {
    ...base,
    protocols: facts.protocols,
    cipherSuites: hello.cipherSuites,
    groups: facts.groups,
    signatureAlgorithms: facts.signatureAlgorithms,
    extensions: hello.extensions?.map((e) => e.type) ?? null,
    alpn: facts.alpn,
    keyShares,
    ecPointFormats: facts.ecPointFormats,
    pskModes: facts.pskModes,
    sni: facts.sni,
    ...limits,
    format: "tls",
    recordVersion,
    hello: toHexString(templateMessage(hello)),
  };
}

// curl-impersonate spells GREASE as a word; each place gets its own placeholder value (the
// scanner re-draws them at send time, keeping equal ones equal, as BoringSSL does).
const GREASE_PLACEHOLDER = {
  cipher: 0x0a0a,
  group: 0x1a1a,
  version: 0x2a2a,
  extensions: [0x3a3a, 0x4a4a, 0x5a5a],
};

const CURL_VERSIONS: Readonly<Record<string, number>> = {
  TLS_VERSION_1_0: 0x0301,
  TLS_VERSION_1_1: 0x0302,
  TLS_VERSION_1_2: 0x0303,
  TLS_VERSION_1_3: 0x0304,
};

function curlVersion(name: string): number {
  if (name === "GREASE") return GREASE_PLACEHOLDER.version;
  const version = CURL_VERSIONS[name];
  if (version === undefined) throw new Error(`generate-registry: unknown curl version ${name}`);
  return version;
}

const curlCode = (value: number | "GREASE", placeholder: number): number =>
  value === "GREASE" ? placeholder : value;

/**
 * The GREASE ECH extension Chrome and Firefox send (draft-ietf-tls-esni 6.2): an outer hello
 * with a random config id, a 32-byte X25519 `enc` and a random payload. curl-impersonate records
 * only its presence, so the shape is taken from testssl's captures of Chromium 137 (HPKE suite
 * HKDF-SHA256/AES-128-GCM, 144-byte payload) and Firefox 137 (ChaCha20-Poly1305, 239 bytes).
 */
function greaseEch(family: string): number[] {
  const firefox = family === "Firefox" || family === "Tor Browser";
  const aead = firefox ? 0x0003 : 0x0001;
  const payload = firefox ? 239 : 144;
  return [
    0,
    ...u16(0x0001),
    ...u16(aead),
    0,
    ...vec(2, new Array(32).fill(0)),
    ...vec(2, new Array(payload).fill(0)),
  ];
}

/** A field of a curl-impersonate extension that its type must have; a missing one stops the run. */
function field<K extends keyof CurlExtension>(
  e: CurlExtension,
  key: K,
): NonNullable<CurlExtension[K]> {
  const value = e[key];
  if (value === undefined || value === null) {
    throw new Error(`generate-registry: curl-impersonate ${e.type} has no ${String(key)}`);
  }
  return value as NonNullable<CurlExtension[K]>;
}

function curlExtension(
  e: CurlExtension,
  family: string,
  greaseExtensions: { count: number },
): Extension | null {
  const data = ((): { type: number; data: number[] } | null => {
    switch (e.type) {
      case "GREASE": {
        const value = GREASE_PLACEHOLDER.extensions[greaseExtensions.count++];
        if (value === undefined) throw new Error("generate-registry: too many GREASE extensions");
        const bytes =
          e.data?._bytes_hex === undefined ? [] : Array.from(fromHexString(e.data._bytes_hex));
        return { type: value, data: bytes };
      }
      case "server_name":
      case "padding":
      case "session_ticket":
      case "signed_certificate_timestamp":
      case "extended_master_secret":
        return { type: EXT[e.type], data: [] };
      case "renegotiation_info":
        return { type: EXT.renegotiation_info, data: [0] };
      case "supported_groups":
        return {
          type: EXT.supported_groups,
          data: vec(
            2,
            u16s(field(e, "supported_groups").map((g) => curlCode(g, GREASE_PLACEHOLDER.group))),
          ),
        };
      case "ec_point_formats":
        return { type: EXT.ec_point_formats, data: vec(1, field(e, "ec_point_formats")) };
      case "application_layer_protocol_negotiation":
        return {
          type: EXT.alpn,
          data: vec(
            2,
            field(e, "alpn_list").flatMap((p) => vec(1, ascii(p))),
          ),
        };
      case "application_settings":
      case "application_settings_new":
        return {
          type: EXT[e.type],
          data: vec(
            2,
            field(e, "alps_alpn_list").flatMap((p) => vec(1, ascii(p))),
          ),
        };
      case "status_request":
        return { type: EXT.status_request, data: [field(e, "status_request_type"), 0, 0, 0, 0] };
      case "signature_algorithms":
      case "delegated_credentials":
        return { type: EXT[e.type], data: vec(2, u16s(field(e, "sig_hash_algs"))) };
      case "keyshare":
        return {
          type: EXT.key_share,
          data: vec(
            2,
            field(e, "key_shares").flatMap((k) => [
              ...u16(curlCode(k.group, GREASE_PLACEHOLDER.group)),
              0,
              0,
            ]),
          ),
        };
      case "psk_key_exchange_modes":
        return { type: EXT.psk_key_exchange_modes, data: vec(1, [field(e, "psk_ke_mode")]) };
      case "supported_versions":
        return {
          type: EXT.supported_versions,
          data: vec(1, u16s(field(e, "supported_versions").map(curlVersion))),
        };
      case "compress_certificate":
        return { type: EXT.compress_certificate, data: vec(1, u16s(field(e, "algorithms"))) };
      case "record_size_limit":
        return { type: EXT.record_size_limit, data: u16(field(e, "record_size_limit")) };
      case "encrypted_client_hello":
        return { type: EXT.encrypted_client_hello, data: greaseEch(family) };
      case "pre_shared_key":
        return null; // a resumption attempt, not the first handshake
      default:
        throw new Error(`generate-registry: unknown curl-impersonate extension ${e.type}`);
    }
  })();
  if (data === null) return null;
  if (
    typeof e.length === "number" &&
    e.type !== "encrypted_client_hello" &&
    e.type !== "keyshare" &&
    data.data.length !== e.length
  ) {
    throw new Error(
      `generate-registry: ${e.type} rebuilt as ${data.data.length} bytes, not ${e.length}`,
    );
  }
  return { type: data.type, data: Uint8Array.from(data.data) };
}

const CURL_FAMILIES: Readonly<Record<string, string>> = {
  chrome: "Chrome",
  edge: "Edge",
  firefox: "Firefox",
  safari: "Safari",
  tor: "Tor Browser",
};

const CURL_PLATFORMS: Readonly<Record<string, string>> = {
  win: "Win",
  linux: "Linux",
  macOS: "macOS",
  macos: "macOS",
  iOS: "iOS",
  android: "Android",
};

/** "android12-pixel6" → "Android 12", "macos11.6.4" → "macOS 11.6.4". */
function curlPlatform(os: string): string {
  const m = /^([a-zA-Z]+?)(\d[\d.]*)?(?:-.*)?$/.exec(os);
  const base = CURL_PLATFORMS[m?.[1] ?? ""];
  if (base === undefined) throw new Error(`generate-registry: unknown curl-impersonate OS ${os}`);
  return m?.[2] === undefined ? base : `${base} ${m[2]}`;
}

function curlProfile(entry: CurlSignature): ClientProfileRow {
  const m = /^([a-z]+)_(\d[\d.]*\d)(?:_(.+))?\.yaml$/.exec(entry.file);
  const [, browser, version] = m ?? [];
  if (m === null || browser === undefined || version === undefined) {
    throw new Error(`generate-registry: unexpected curl-impersonate file ${entry.file}`);
  }
  const family = CURL_FAMILIES[browser];
  if (family === undefined) throw new Error(`generate-registry: unknown browser ${browser}`);
  // The file name's OS where it has one (the Firefox files say macOS inside, linux outside),
  // made more precise by the OS inside where that names a version of it ("android14").
  const inside = curlPlatform(String(entry.browser.os));
  const named = m[3] === undefined ? inside : curlPlatform(m[3]);
  const platform = inside.startsWith(named) ? inside : named;
  const t = entry.signature.tls_client_hello;
  const greaseExtensions = { count: 0 };
  const extensions = t.extensions
    .map((e) => curlExtension(e, family, greaseExtensions))
    .filter((e): e is Extension => e !== null);
  if (
    t.extensions.some((e) => e.type === "pre_shared_key") &&
    !extensions.some((e) => e.type === EXT.padding)
  ) {
    extensions.push({ type: EXT.padding, data: new Uint8Array(0) });
  }
  const hello: Hello = {
    legacyVersion: curlVersion(t.handshake_version),
    sessionIdLength: t.session_id_length,
    cipherSuites: t.ciphersuites.map((c) => curlCode(c, GREASE_PLACEHOLDER.cipher)),
    compressionMethods: t.comp_methods,
    extensions,
  };
  const keyShare = t.extensions.find((e) => e.type === "keyshare");
  const facts = helloFacts(hello, 0x0301);
  const major = version.split(".")[0] ?? version;
  return {
    name: `${family} ${version} (${platform})`,
    short: entry.file.replace(/\.yaml$/, ""),
    aliases: [],
    family,
    version,
    platform,
    year: releaseYear(family, family === "Safari" || family === "Tor Browser" ? version : major),
    current: false, // decided over the whole set, see markCurrentCurl
    source: "curl-impersonate" as const,
    protocols: facts.protocols,
    cipherSuites: hello.cipherSuites,
    groups: facts.groups,
    signatureAlgorithms: facts.signatureAlgorithms,
    extensions: extensions.map((e) => e.type),
    alpn: facts.alpn,
    keyShares:
      keyShare === undefined
        ? null
        : field(keyShare, "key_shares").map((k): [number, number] => [
            curlCode(k.group, GREASE_PLACEHOLDER.group),
            k.length,
          ]),
    ecPointFormats: facts.ecPointFormats,
    pskModes: facts.pskModes,
    sni: facts.sni,
    minDhBits: null,
    maxDhBits: null,
    minRsaBits: null,
    maxRsaBits: null,
    minEcdsaBits: null,
    requiresSha2: false,
    format: "tls",
    recordVersion: curlVersion(t.record_version),
    hello: toHexString(templateMessage(hello)),
  };
}

const compareVersions = (a: string, b: string): number => {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
};

/**
 * curl-impersonate has no notion of current: a profile counts as current when it is the newest
 * of its browser on its kind of device (desktop or mobile) and came out within two years of the
 * newest profile in the set.
 */
function markCurrentCurl(profiles: ClientProfileRow[]): ClientProfileRow[] {
  const newestYear = Math.max(...profiles.map((p) => p.year ?? 0));
  const kind = (p: ClientProfileRow): string =>
    /^(iOS|Android)/.test(p.platform ?? "") ? "mobile" : "desktop";
  const newest = new Map<string, ClientProfileRow>();
  for (const p of profiles) {
    const key = `${p.family}/${kind(p)}`;
    const best = newest.get(key);
    if (best === undefined || compareVersions(p.version, best.version) > 0) newest.set(key, p);
  }
  return profiles.map((p) => ({
    ...p,
    current: newest.get(`${p.family}/${kind(p)}`) === p && (p.year ?? 0) >= newestYear - 2,
  }));
}

export async function buildClientProfiles(dataDir: string): Promise<ClientProfileRow[]> {
  const main = await readJson<TestsslClient[]>(dataDir, "testssl/client-simulation.json");
  const wiresharked = await readJson<TestsslClient[]>(
    dataDir,
    "testssl/client-simulation.wiresharked.json",
  );
  const curl = await readJson<CurlSignature[]>(
    dataDir,
    "clienthello/curl-impersonate-signatures.json",
  );
  const byName = new Map(main.map((e) => [e.name, e]));
  const aliases = new Map<string, string[]>();
  const extra: TestsslClient[] = [];
  for (const entry of wiresharked) {
    const same = byName.get(entry.name);
    if (same !== undefined) {
      if (same.handshakebytes.toLowerCase() !== entry.handshakebytes.toLowerCase()) {
        throw new Error(
          `generate-registry: the two testssl files disagree on ${entry.name}'s hello`,
        );
      }
      continue;
    }
    const target = WIRESHARKED_ALIASES[entry.name];
    if (target === undefined) {
      extra.push(entry); // a capture client-simulation.txt does not have (yet)
      continue;
    }
    const into = byName.get(target);
    const shape = (e: TestsslClient): string => JSON.stringify(e.parsed_clienthello);
    if (into === undefined || shape(into) !== shape(entry)) {
      throw new Error(`generate-registry: ${entry.name} is not the same hello as ${target}`);
    }
    aliases.set(target, [...(aliases.get(target) ?? []), entry.name]);
  }
  const profiles = [
    ...[...main, ...extra].map((e) => testsslProfile(e, aliases.get(e.name) ?? [])),
    ...markCurrentCurl(curl.map(curlProfile)),
  ];
  const seen = new Set<string>();
  for (const p of profiles) {
    for (const key of [p.name, p.short, ...p.aliases].map((n) => n.toLowerCase())) {
      if (seen.has(key)) throw new Error(`generate-registry: two client profiles are named ${key}`);
      seen.add(key);
    }
  }
  return profiles;
}

function printClientProfiles(profiles: readonly ClientProfileRow[]): string {
  const lines = [
    HEADER,
    "// Sources: testssl/client-simulation.json, testssl/client-simulation.wiresharked.json,",
    "// clienthello/curl-impersonate-signatures.json. `hello` is a ClientHello template (see",
    "// scripts/generate-registry.mjs): fresh random, session id, SNI, key shares, GREASE and padding",
    "// are filled in when it is sent.",
    "",
    'import type { ClientProfileRow } from "../types.js";',
    "",
    "export const CLIENT_PROFILE_ROWS: readonly ClientProfileRow[] = [",
  ];
  for (const profile of profiles) {
    lines.push("  {");
    for (const [key, value] of Object.entries(profile) as [string, Cell][]) {
      lines.push(...printProperty(key, value, 4));
    }
    lines.push("  },");
  }
  lines.push("];", "");
  return lines.join("\n");
}

/** The generated file client-profiles.ts. */
export async function clientProfileFiles(dataDir: string): Promise<[string, string][]> {
  return [["client-profiles.ts", printClientProfiles(await buildClientProfiles(dataDir))]];
}
