import { describe, expect, it } from "vitest";
import { CLIENT_PROFILES, clientProfileByName } from "../registry/client-profiles.js";
import type { ClientProfile } from "../registry/client-profiles.js";
import { decodeClientHello, decodeSslv2ClientHello, fromHex } from "../wire/index.js";
import type { ClientHello, Extension } from "../wire/index.js";
import { keyShareFor } from "./client-hellos.js";
import { buildProfileHello, isGrease, profileSslv2CipherSpecs } from "./profile-hello.js";

const profile = (name: string): ClientProfile => {
  const found = clientProfileByName(name);
  if (found === undefined) throw new Error(`no profile ${name}`);
  return found;
};

/** The ClientHello inside one handshake record. */
function sent(record: Uint8Array): ClientHello {
  expect(record[0]).toBe(22);
  const length = ((record[3] ?? 0) << 8) | (record[4] ?? 0);
  expect(record.length).toBe(5 + length);
  return decodeClientHello(record.subarray(9));
}

const ext = (hello: ClientHello, type: number): Extension | undefined =>
  hello.extensions?.find((e) => e.type === type);

const u16s = (data: Uint8Array, skip: number): number[] => {
  const out: number[] = [];
  for (let at = skip; at + 1 < data.length; at += 2)
    out.push(((data[at] ?? 0) << 8) | (data[at + 1] ?? 0));
  return out;
};

/** Equal, except that a GREASE value may be any GREASE value. */
const sameModuloGrease = (actual: readonly number[], expected: readonly number[]): boolean =>
  actual.length === expected.length &&
  actual.every((v, i) => (isGrease(expected[i] ?? -1) ? isGrease(v) : v === expected[i]));

describe("buildProfileHello", () => {
  it("sends each client's own suites, extensions, groups and versions in its order", () => {
    for (const p of CLIENT_PROFILES) {
      if (p.format !== "tls") continue;
      const hello = sent(buildProfileHello(p, { sni: "www.example.test" }));
      const template = decodeClientHello(fromHex(p.hello).subarray(4));
      expect(hello.legacyVersion).toBe(template.legacyVersion);
      expect(sameModuloGrease(hello.cipherSuites, p.cipherSuites), p.name).toBe(true);
      expect(hello.compressionMethods).toEqual(template.compressionMethods);
      const types = hello.extensions?.map((e) => e.type) ?? null;
      // Padding is dropped only where the hello is 512 bytes or more without it.
      const expected = p.extensions?.filter((t) => t !== 21 || types?.includes(21)) ?? null;
      expect(types === null ? null : sameModuloGrease(types, expected ?? []), p.name).toBe(
        expected === null ? null : true,
      );
      const groups = ext(hello, 10);
      if (p.groups !== null)
        expect(sameModuloGrease(u16s(groups?.data ?? new Uint8Array(), 2), p.groups)).toBe(true);
      const sigalgs = ext(hello, 13);
      if (p.signatureAlgorithms !== null)
        expect(u16s(sigalgs?.data ?? new Uint8Array(), 2)).toEqual(p.signatureAlgorithms);
      const shares = ext(hello, 51);
      if (p.keyShares !== null) {
        const entries: [number, number][] = [];
        const data = shares?.data ?? new Uint8Array();
        for (let at = 2; at < data.length;) {
          const group = ((data[at] ?? 0) << 8) | (data[at + 1] ?? 0);
          const length = ((data[at + 2] ?? 0) << 8) | (data[at + 3] ?? 0);
          entries.push([group, length]);
          at += 4 + length;
        }
        expect(
          sameModuloGrease(
            entries.map(([g]) => g),
            p.keyShares.map(([g]) => g),
          ),
        ).toBe(true);
        expect(entries.map(([, l]) => l)).toEqual(p.keyShares.map(([, l]) => l));
      }
      const sni = ext(hello, 0);
      expect(sni !== undefined).toBe(p.sni);
      if (sni !== undefined)
        expect(Buffer.from(sni.data.subarray(5)).toString()).toBe("www.example.test");
      const padding = ext(hello, 21);
      if (padding !== undefined) expect(record(hello).length).toBe(512);
    }
  });

  it("makes random, session id, key shares and GREASE fresh on every hello", () => {
    const chrome = profile("Chromium 137 (Win 11)");
    const a = sent(buildProfileHello(chrome, { sni: "a.test" }));
    const b = sent(buildProfileHello(chrome, { sni: "a.test" }));
    expect(a.random).not.toEqual(b.random);
    expect(a.sessionId).toHaveLength(32);
    expect(a.sessionId).not.toEqual(b.sessionId);
    expect(ext(a, 51)?.data).not.toEqual(ext(b, 51)?.data);
    // GREASE: equal values stay equal (the key share's group is supported_groups' GREASE) and
    // the two GREASE extensions stay distinct.
    const draws = Array.from({ length: 20 }, () => sent(buildProfileHello(chrome, { sni: null })));
    for (const hello of draws) {
      const greaseTypes = (hello.extensions ?? []).map((e) => e.type).filter(isGrease);
      expect(greaseTypes).toHaveLength(2);
      expect(new Set(greaseTypes).size).toBe(2);
      const groupGrease = u16s(ext(hello, 10)?.data ?? new Uint8Array(), 2)[0];
      const shareGrease = u16s(ext(hello, 51)?.data ?? new Uint8Array(), 2)[0];
      expect(isGrease(groupGrease ?? 0)).toBe(true);
      expect(shareGrease).toBe(groupGrease);
    }
    expect(new Set(draws.map((h) => h.cipherSuites[0])).size).toBeGreaterThan(1);
  });

  it("sends no server name to an IP target, as a browser would", () => {
    const hello = sent(buildProfileHello(profile("Firefox 137 (Win 11)"), { sni: null }));
    expect(ext(hello, 0)).toBeUndefined();
  });

  it("pads to 512 bytes the way the client does, and only when it does", () => {
    // Chrome 101 pads a 303-byte hello with a 205-byte padding extension; a longer name eats into it.
    const chrome = profile("Chrome 101 (Win 10)");
    const short = sent(buildProfileHello(chrome, { sni: "a.test" }));
    const long = sent(buildProfileHello(chrome, { sni: `${"x".repeat(60)}.test` }));
    expect(record(short).length).toBe(512);
    expect(record(long).length).toBe(512);
    const longer = `${"x".repeat(60)}.test`.length - "a.test".length;
    expect(ext(long, 21)?.data.length).toBe((ext(short, 21)?.data.length ?? 0) - longer);
    // A name long enough to pass 512 bytes needs no padding at all.
    const huge = sent(
      buildProfileHello(chrome, {
        sni: `${"x".repeat(63)}.`.repeat(4) + "test",
      }),
    );
    expect(ext(huge, 21)).toBeUndefined();
    // Android 9 resumed a session in the capture; its first handshake is padded instead.
    expect(
      record(sent(buildProfileHello(profile("Android 9.0 (native)"), { sni: "a.test" }))).length,
    ).toBe(512);
  });

  it("makes key shares of the right kind and size, ML-KEM keys well-formed", () => {
    const x25519mlkem = keyShareFor(0x11ec).keyExchange;
    expect(x25519mlkem).toHaveLength(1216);
    // ML-KEM-768 first: 3·256 coefficients of 12 bits, each below q = 3329, then a 32-byte seed.
    for (let at = 0; at < 1152; at += 3) {
      const [b0 = 0, b1 = 0, b2 = 0] = x25519mlkem.subarray(at, at + 3);
      expect(b0 | ((b1 & 0x0f) << 8)).toBeLessThan(3329);
      expect((b1 >> 4) | (b2 << 4)).toBeLessThan(3329);
    }
    expect(keyShareFor(0x11eb).keyExchange).toHaveLength(65 + 1184);
    expect(keyShareFor(0x11eb).keyExchange[0]).toBe(4); // an uncompressed P-256 point first
    expect(keyShareFor(0x11ed).keyExchange).toHaveLength(97 + 1568);
    expect(keyShareFor(0x6399).keyExchange).toHaveLength(32 + 1184);
    expect(keyShareFor(24).keyExchange).toHaveLength(97);
    expect(keyShareFor(25).keyExchange).toHaveLength(133);
    expect(keyShareFor(30).keyExchange).toHaveLength(56);
    expect(() => keyShareFor(256)).toThrow(/no key share generator/);
  });

  it("re-sends an SSLv2-format hello with a fresh challenge", () => {
    const ie6 = profile("IE 6 XP");
    const record = buildProfileHello(ie6, { sni: "a.test" });
    expect((record[0] ?? 0) & 0x80).toBe(0x80);
    const hello = decodeSslv2ClientHello(record.subarray(2));
    const template = decodeSslv2ClientHello(fromHex(ie6.hello).subarray(2));
    expect(hello.version).toBe(0x0300);
    expect(hello.cipherSpecs).toEqual(template.cipherSpecs);
    expect(hello.challenge).toHaveLength(template.challenge.length);
    expect(hello.challenge).not.toEqual(template.challenge);
  });
});

/** The handshake message length (header included) of a decoded hello, re-measured. */
function record(hello: ClientHello): { length: number } {
  let length = 4 + 2 + 32 + 1 + hello.sessionId.length + 2 + 2 * hello.cipherSuites.length;
  length += 1 + hello.compressionMethods.length;
  if (hello.extensions !== null)
    length += 2 + hello.extensions.reduce((n, e) => n + 4 + e.data.length, 0);
  return { length };
}

describe("profileSslv2CipherSpecs", () => {
  const sslv2 = CLIENT_PROFILES.filter((p) => p.format === "sslv2");

  it.each(sslv2.map((p) => [p.name, p] as const))(
    "reads the cipher specs of %s from its stored SSLv2 record, in order",
    (_name, profile) => {
      const bytes = fromHex(profile.hello);
      // The stored record's own cipher_specs field, read by hand as a second opinion.
      const length = ((bytes[5] ?? 0) << 8) | (bytes[6] ?? 0);
      const expected: number[] = [];
      for (let at = 11; at < 11 + length; at += 3)
        expected.push(
          ((bytes[at] ?? 0) << 16) | ((bytes[at + 1] ?? 0) << 8) | (bytes[at + 2] ?? 0),
        );
      expect(expected.length).toBeGreaterThan(0);
      expect(profileSslv2CipherSpecs(profile)).toEqual(expected);
    },
  );

  it("is empty for a profile whose hello is in TLS format", () => {
    const tls = CLIENT_PROFILES.find((p) => p.format !== "sslv2");
    expect(tls && profileSslv2CipherSpecs(tls)).toEqual([]);
    expect(sslv2.length).toBeGreaterThan(0);
  });
});
