import { statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeClientHello, fromHex } from "../wire/index.js";
import type { Extension } from "../wire/index.js";
import {
  CLIENT_PROFILES,
  CURRENT_CLIENT_PROFILES,
  ClientProfileError,
  clientProfileByName,
  selectClientProfiles,
} from "./client-profiles.js";
import type { ClientProfile } from "./client-profiles.js";
import { REPO_ROOT, readDataJson } from "@tlsgate/testing/data";

interface TestsslClient {
  name: string;
  short: string;
  current: boolean;
  curves: string[];
  handshakebytes: string;
  lowest_protocol: string;
  parsed_clienthello: {
    cipher_suites?: string[];
    extensions?: number[];
    supported_groups?: number[] | null;
    signature_algorithms?: string[] | null;
    supported_versions?: string[] | null;
    key_share?: { group: number; len: number }[] | null;
    alpn?: string[] | null;
  } | null;
}

interface CurlSignature {
  file: string;
  signature: {
    tls_client_hello: {
      ciphersuites: (number | "GREASE")[];
      extensions: { type: string; alpn_list?: string[] }[];
    };
  };
}

const testssl = readDataJson<TestsslClient[]>("testssl/client-simulation.json");
const wiresharked = readDataJson<TestsslClient[]>("testssl/client-simulation.wiresharked.json");
const curl = readDataJson<CurlSignature[]>("clienthello/curl-impersonate-signatures.json");

const byName = (name: string): ClientProfile => {
  const profile = clientProfileByName(name);
  if (profile === undefined) throw new Error(`no profile ${name}`);
  return profile;
};

/** The ClientHello of a captured record stream, decoded by the wire codec (not the generator). */
function capturedHello(hex: string) {
  const bytes = fromHex(hex);
  const parts: number[] = [];
  for (let at = 0; at < bytes.length;) {
    const length = ((bytes[at + 3] ?? 0) << 8) | (bytes[at + 4] ?? 0);
    parts.push(...bytes.subarray(at + 5, at + 5 + length));
    at += 5 + length;
  }
  return decodeClientHello(Uint8Array.from(parts).subarray(4));
}

function u16s(data: Uint8Array, skip: number): number[] {
  const out: number[] = [];
  for (let at = skip; at + 1 < data.length; at += 2)
    out.push(((data[at] ?? 0) << 8) | (data[at + 1] ?? 0));
  return out;
}

function keyShares(data: Uint8Array): [number, number][] {
  const out: [number, number][] = [];
  for (let at = 2; at < data.length;) {
    const group = ((data[at] ?? 0) << 8) | (data[at + 1] ?? 0);
    const length = ((data[at + 2] ?? 0) << 8) | (data[at + 3] ?? 0);
    out.push([group, length]);
    at += 4 + length;
  }
  return out;
}

const ext = (extensions: Extension[] | null, type: number): Extension | undefined =>
  extensions?.find((e) => e.type === type);

describe("client profiles", () => {
  it("hold every testssl client and curl-impersonate signature, each name once", () => {
    expect(CLIENT_PROFILES.filter((p) => p.source === "testssl").map((p) => p.name)).toEqual(
      testssl.map((c) => c.name),
    );
    expect(
      CLIENT_PROFILES.filter((p) => p.source === "curl-impersonate").map((p) => p.short),
    ).toEqual(curl.map((c) => c.file.replace(/\.yaml$/, "")));
    expect(CLIENT_PROFILES).toHaveLength(220);
    const names = CLIENT_PROFILES.flatMap((p) => [p.name, p.short, ...p.aliases]).map((n) =>
      n.toLowerCase(),
    );
    expect(new Set(names).size).toBe(names.length);
    // Every wiresharked capture is a profile or an alias of one (the same hello).
    for (const client of wiresharked) expect(clientProfileByName(client.name)).toBeDefined();
    expect(byName("Android 12 (native)").name).toBe("Android 11/12 (native)");
  });

  it("mark testssl's current clients and the newest browsers of curl-impersonate as current", () => {
    expect(
      CURRENT_CLIENT_PROFILES.filter((p) => p.source === "testssl").map((p) => p.name),
    ).toEqual(testssl.filter((c) => c.current).map((c) => c.name));
    expect(
      CURRENT_CLIENT_PROFILES.filter((p) => p.source === "curl-impersonate").map((p) => p.name),
    ).toEqual([
      "Chrome 131.0.6778.81 (Android 14)",
      "Chrome 150.0.7871.127 (macOS)",
      "Firefox 144.0.0 (Linux)",
      "Safari 26.0.1 (macOS)",
      "Safari 26.0 (iOS)",
      "Tor Browser 14.5 (macOS)",
    ]);
    expect(CURRENT_CLIENT_PROFILES).toHaveLength(39);
  });

  it("take every listed field from the captured ClientHello bytes", () => {
    let checked = 0;
    for (const client of testssl) {
      const profile = byName(client.name);
      if (profile.format === "sslv2") {
        expect(client.parsed_clienthello?.cipher_suites).toBeUndefined();
        continue;
      }
      const hello = capturedHello(client.handshakebytes);
      expect(profile.cipherSuites, client.name).toEqual(hello.cipherSuites);
      // The wire decoder and the data's own decoding agree.
      expect(profile.cipherSuites.map((c) => `0x${c.toString(16).padStart(4, "0")}`)).toEqual(
        client.parsed_clienthello?.cipher_suites,
      );
      const types = (hello.extensions ?? []).map((e) => e.type);
      const resumed = types.includes(41);
      // The resumption attempt (pre_shared_key, early_data) is not the first handshake's.
      const expected = types.filter((t) => t !== 41 && t !== 42);
      if (resumed && !expected.includes(21)) expected.push(21);
      expect(profile.extensions ?? [], client.name).toEqual(expected);
      const groups = ext(hello.extensions, 10);
      expect(profile.groups).toEqual(groups === undefined ? null : u16s(groups.data, 2));
      expect(profile.groups).toEqual(client.parsed_clienthello?.supported_groups ?? null);
      const sigalgs = ext(hello.extensions, 13);
      expect(profile.signatureAlgorithms).toEqual(
        sigalgs === undefined ? null : u16s(sigalgs.data, 2),
      );
      const shares = ext(hello.extensions, 51);
      expect(profile.keyShares).toEqual(shares === undefined ? null : keyShares(shares.data));
      expect(profile.keyShares).toEqual(
        client.parsed_clienthello?.key_share?.map((k) => [k.group, k.len]) ?? null,
      );
      expect(profile.alpn).toEqual(client.parsed_clienthello?.alpn ?? null);
      expect(profile.sni).toBe(ext(hello.extensions, 0) !== undefined);
      // Versions: supported_versions (GREASE and drafts dropped), else the legacy range.
      const versions = ext(hello.extensions, 43);
      if (versions !== undefined) {
        const named: Record<number, string> = {
          0x0301: "TLSv1.0",
          0x0302: "TLSv1.1",
          0x0303: "TLSv1.2",
          0x0304: "TLSv1.3",
        };
        const offered = u16s(versions.data, 1).flatMap((v) => named[v] ?? []);
        expect([...profile.protocols].reverse(), client.name).toEqual(offered);
      } else {
        expect(profile.protocols.at(-1)).toBe(
          { 0x0300: "SSLv3", 0x0301: "TLSv1.0", 0x0302: "TLSv1.1", 0x0303: "TLSv1.2" }[
            hello.legacyVersion
          ],
        );
      }
      checked += 1;
    }
    expect(checked).toBe(175);
  });

  it("prefer the bytes where testssl's lists disagree with them", () => {
    // testssl's curves for Safari 26.4 start with three sect curves; on the wire that is one
    // GREASE value followed by X25519MLKEM768, x25519, secp256r1, secp384r1, secp521r1.
    const safari = testssl.find((c) => c.name === "Safari 26.4 (macOS/iOS/iPadOS 26.4)");
    expect(safari?.curves.slice(0, 3)).toEqual(["sect283r1", "sect571r1", "sect409r1"]);
    expect(byName("Safari 26.4 (macOS/iOS/iPadOS 26.4)").groups).toEqual([
      0x5a5a, 0x11ec, 29, 23, 24, 25,
    ]);
    // testssl says Android 13/14 goes down to TLS 1.2, and so do its supported_versions.
    expect(byName("Android 13/14 (native)").protocols).toEqual(["TLSv1.2", "TLSv1.3"]);
    // A pre-TLS 1.3 client: the lowest version comes from testssl, the highest from the bytes.
    expect(byName("IE 8 Win 7").protocols).toEqual(["SSLv3", "TLSv1.0"]);
    expect(byName("IE 6 XP").protocols).toEqual(["SSLv2", "SSLv3"]);
    // Java 6 sends SSLv2 cipher kinds in its SSLv2-format hello, and testssl lists SSLv2.
    expect(byName("Java 6u45").protocols).toEqual(["SSLv2", "SSLv3", "TLSv1.0"]);
  });

  it("keep a template with what must be fresh left blank", () => {
    for (const profile of CLIENT_PROFILES) {
      if (profile.format !== "tls") continue;
      const message = fromHex(profile.hello);
      expect(message[0]).toBe(1);
      const hello = decodeClientHello(message.subarray(4));
      expect(hello.random.every((b) => b === 0)).toBe(true);
      expect(hello.sessionId.every((b) => b === 0)).toBe(true);
      expect(hello.extensions?.map((e) => e.type) ?? null).toEqual(profile.extensions);
      expect(ext(hello.extensions, 0)?.data.length ?? 0).toBe(0);
      expect(ext(hello.extensions, 21)?.data.length ?? 0).toBe(0);
      expect(ext(hello.extensions, 41)).toBeUndefined();
      const shares = ext(hello.extensions, 51);
      if (shares !== undefined) {
        expect(keyShares(shares.data)).toEqual(profile.keyShares?.map(([group]) => [group, 0]));
      }
    }
  });

  it("rebuild curl-impersonate's signatures with their suites, extensions and ALPN", () => {
    for (const signature of curl) {
      const profile = byName(signature.file.replace(/\.yaml$/, ""));
      const t = signature.signature.tls_client_hello;
      expect(profile.cipherSuites).toEqual(
        t.ciphersuites.map((c) => (c === "GREASE" ? 0x0a0a : c)),
      );
      const sent = t.extensions.filter((e) => e.type !== "pre_shared_key");
      const padded = sent.length !== t.extensions.length && !sent.some((e) => e.type === "padding");
      expect(profile.extensions).toHaveLength(sent.length + (padded ? 1 : 0));
      const alpn = t.extensions.find((e) => e.type === "application_layer_protocol_negotiation");
      expect(profile.alpn).toEqual(alpn?.alpn_list ?? null);
      expect(profile.protocols).toContain("TLSv1.3");
    }
    const chrome = byName("chrome_142.0.7444.176");
    expect(chrome).toMatchObject({
      name: "Chrome 142.0.7444.176 (macOS)",
      family: "Chrome",
      year: 2025,
      groups: [0x1a1a, 0x11ec, 29, 23, 24],
      keyShares: [
        [0x1a1a, 1],
        [0x11ec, 1216],
        [29, 32],
      ],
      sni: true,
    });
  });

  it("name family, version, platform and release year", () => {
    expect(byName("Android 8.1 (native)")).toMatchObject({
      family: "Android",
      version: "8.1",
      year: 2017,
    });
    expect(byName("IE 11 Win 7")).toMatchObject({
      family: "IE",
      version: "11",
      platform: "Win 7",
      year: 2013,
    });
    expect(byName("Edge 101/Chrome 101 Win 10 21H2")).toMatchObject({
      family: "Edge",
      version: "101",
      year: 2022,
    });
    expect(byName("Java 7u25")).toMatchObject({
      family: "Java",
      version: "7u25",
      platform: null,
      year: 2013,
    });
    expect(byName("go 1.17.8")).toMatchObject({ family: "Go", version: "1.17.8", year: 2022 });
    expect(byName("Googlebot Feb 2018")).toMatchObject({ family: "Googlebot", year: 2018 });
    expect(byName("Chromium 137 (Win 11)")).toMatchObject({ family: "Chromium", year: 2025 });
    expect(CLIENT_PROFILES.filter((p) => p.year === null).map((p) => p.name)).toEqual([
      "YandexBot 3.0",
    ]);
    expect(byName("Java 7u25").maxDhBits).toBe(1024);
    expect(byName("Java 17.0.3/21.0.6 (OpenJDK)").requiresSha2).toBe(true);
  });

  it("are found by name, alias or short id, case-insensitively", () => {
    expect(clientProfileByName("android 8.1 (NATIVE)")?.short).toBe("android_81");
    expect(clientProfileByName(" android_81 ")?.name).toBe("Android 8.1 (native)");
    expect(clientProfileByName("Safari 26.4 (macOS 26.4)")?.name).toBe(
      "Safari 26.4 (macOS/iOS/iPadOS 26.4)",
    );
    expect(clientProfileByName("Android 8.1")).toBeUndefined();
  });

  it("select the default set, all, or named clients, refusing unknown names", () => {
    expect(selectClientProfiles("default")).toEqual(CURRENT_CLIENT_PROFILES);
    expect(selectClientProfiles("all")).toEqual(CLIENT_PROFILES);
    const some = selectClientProfiles(["Java 7u25", "default", "java_7u25"]);
    expect(some).toHaveLength(CURRENT_CLIENT_PROFILES.length); // Java 7u25 is current already
    expect(selectClientProfiles(["IE 6 XP", "Android 8.1 (native)"]).map((p) => p.name)).toEqual([
      "Android 8.1 (native)",
      "IE 6 XP",
    ]);
    let error: unknown;
    try {
      selectClientProfiles(["Andriod 8.1", "Netscape 4", "Java 8"]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ClientProfileError);
    expect(error).toMatchObject({
      name: "ClientProfileError",
      code: "unknown-client",
      names: ["Andriod 8.1", "Netscape 4", "Java 8"],
    });
    expect((error as Error).message).toBe(
      'unknown client profiles: "Andriod 8.1" (did you mean "Android 8.1 (native)"?), "Netscape 4", "Java 8" (matches "Java 8u31", "Java 8u111", "Java 8b132", "Java 8u442 (OpenJDK)", and 1 more: name one)',
    );
    expect(() => selectClientProfiles([])).toThrow(/no clients selected/);
  });

  it("match a name without its platform detail, or the start of one name", () => {
    const names = (selection: string[]) => selectClientProfiles(selection).map((p) => p.name);
    expect(names(["Android 8.1"])).toEqual(["Android 8.1 (native)"]);
    expect(names(["java 11"])).toEqual(["Java 11.0.2 (OpenJDK)"]);
    expect(names(["Firefox 137"])).toEqual(["Firefox 137 (Win 11)"]);
    // Two letters are no prefix, and several matches are no choice.
    expect(() => names(["Ja"])).toThrow('unknown client profile: "Ja"');
    expect(() => names(["Safari 18.4"])).toThrow(
      'unknown client profile: "Safari 18.4" (matches "Safari 18.4 (iOS 18.4)", "Safari 18.4 (macOS 15.4/iOS 18.4)", "Safari 18.4 (iOS)", "Safari 18.4 (macOS)": name one)',
    );
  });

  it("stay a reasonable size", () => {
    const file = join(REPO_ROOT, "packages/core/src/registry/generated/client-profiles.ts");
    expect(statSync(file).size).toBeLessThan(400_000);
  });
});
