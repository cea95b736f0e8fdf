import { describe, expect, it } from "vitest";
import { GROUPS, groupByCode, groupByName } from "./groups.js";
import type { Group } from "./types.js";
import { readDataJson, readDataText, type IanaGroupEntry } from "@tlsgate/testing/data";

function group(code: number): Group {
  const found = groupByCode(code);
  if (found === undefined) throw new Error(`no group ${code}`);
  return found;
}

describe("groups", () => {
  it("hold every named IANA group and every GREASE value", () => {
    const iana = readDataJson<IanaGroupEntry[]>("iana/tls-supported-groups.json");
    const named = iana.filter((e) => !e.grease && e.name !== "Reserved" && e.name !== "Unassigned");
    const grease = iana.filter((e) => e.grease);
    expect(named).toHaveLength(57);
    expect(grease).toHaveLength(16);
    expect(GROUPS.filter((g) => !g.grease)).toHaveLength(named.length);
    expect(GROUPS.filter((g) => g.grease)).toHaveLength(grease.length);
    for (const entry of named) {
      const row = group(entry.value);
      expect(entry.name.startsWith(row.name), entry.name).toBe(true);
      expect(row.hex).toBe(entry.hex);
      expect(row.recommended).toBe(entry.recommended);
    }
    expect(groupByCode(0)).toBeUndefined(); // Reserved
    expect(groupByCode(0xff00)).toBeUndefined(); // Unassigned
  });

  it("are sorted by code with unique codes", () => {
    const codes = GROUPS.map((g) => g.code);
    expect(codes).toEqual([...codes].sort((a, b) => a - b));
    expect(new Set(codes).size).toBe(codes.length);
  });

  it("find secp256r1 by every common spelling", () => {
    for (const name of ["secp256r1", "prime256v1", "P-256", "p-256", "SECP256R1"]) {
      expect(groupByName(name)?.code, name).toBe(23);
    }
    expect(group(23)).toMatchObject({
      kind: "ecdhe",
      bits: 256,
      recommended: "Y",
      postQuantum: false,
    });
    expect(groupByName("P-384")?.code).toBe(24);
    expect(groupByName("P-521")?.code).toBe(25);
    expect(groupByName("X25519")?.code).toBe(29);
    expect(groupByName("x25519")?.code).toBe(29);
    expect(groupByName("X448")?.code).toBe(30);
    expect(groupByName("prime192v1")?.code).toBe(19);
    expect(group(29)).toMatchObject({ name: "x25519", bits: 255, aliases: ["X25519"] });
    expect(group(0x0100)).toMatchObject({ name: "ffdhe2048", kind: "ffdhe", bits: 2048 });
  });

  it("mark the post-quantum groups", () => {
    expect(groupByName("X25519MLKEM768")).toMatchObject({
      code: 0x11ec,
      hex: "0x11EC",
      kind: "hybrid-pq",
      postQuantum: true,
      hybrid: true,
      bits: null,
    });
    expect(groupByName("SecP256r1MLKEM768")?.code).toBe(0x11eb);
    expect(groupByName("SecP384r1MLKEM1024")?.code).toBe(0x11ed);
    expect(groupByName("curveSM2MLKEM768")?.code).toBe(0x11ee);
    expect(groupByName("MLKEM768")).toMatchObject({ kind: "pq", postQuantum: true, hybrid: false });
    // The Kyber drafts: found by name with or without the registry's "(OBSOLETE)".
    expect(groupByName("X25519Kyber768Draft00")).toMatchObject({ code: 0x6399, recommended: "D" });
    expect(groupByName("X25519Kyber768Draft00 (OBSOLETE)")?.code).toBe(0x6399);

    const pq = GROUPS.filter((g) => g.postQuantum).map((g) => g.hex);
    expect(pq).toEqual([
      "0x0200",
      "0x0201",
      "0x0202",
      "0x11EB",
      "0x11EC",
      "0x11ED",
      "0x11EE",
      "0x6399",
      "0x639A",
    ]);
  });

  it("resolve every name in testssl's curves-mapping to its code", () => {
    let checked = 0;
    for (const line of readDataText("testssl/curves-mapping.txt").split(/\r?\n/)) {
      const m = /^\s*0x([0-9a-f]{2}),0x([0-9a-f]{2})\s+-\s+(\S+)\s+(\S+)/i.exec(line);
      if (m === null) continue;
      const code = Number.parseInt(`${m[1]}${m[2]}`, 16);
      if (code === 0) continue; // 0x0000 is Reserved in IANA; testssl calls it NULL
      expect(groupByName(m[3] ?? "")?.code, m[3]).toBe(code);
      expect(groupByName(m[4] ?? "")?.code, m[4]).toBe(code);
      checked++;
    }
    expect(checked).toBe(54);
  });

  it("know every curve name and group code a simulated client uses", () => {
    interface Simulation {
      curves?: string[];
      parsed_clienthello?: { supported_groups?: number[] };
    }
    const clients = [
      ...readDataJson<Simulation[]>("testssl/client-simulation.json"),
      ...readDataJson<Simulation[]>("testssl/client-simulation.wiresharked.json"),
    ];
    const unknown = new Set<string>();
    for (const client of clients) {
      for (const name of client.curves ?? [])
        if (groupByName(name) === undefined) unknown.add(name);
      for (const code of client.parsed_clienthello?.supported_groups ?? []) {
        if (groupByCode(code) === undefined) unknown.add(String(code));
      }
    }
    expect([...unknown]).toEqual([]);
  });

  it("find GREASE by code only and return undefined for unknown names", () => {
    expect(group(0x0a0a)).toMatchObject({ grease: true, kind: "grease", postQuantum: false });
    expect(groupByName("Reserved")).toBeUndefined();
    expect(groupByName("P-255")).toBeUndefined();
    expect(groupByCode(0x11e9)).toBeUndefined();
  });
});
