// The group table (supported_groups): every IANA named group and GREASE value, with its kind
// (ECDHE curve, FFDHE, post-quantum, hybrid), size and the other spellings clients and servers
// use for it (OpenSSL's names from testssl's curve mapping).
import type { GroupKind, GroupRow } from "../../packages/core/src/registry/types.js";
import { hex, printTable, recommendedOf } from "./emit.js";
import { readJson, readText } from "./read-data.js";
import type { IanaCodePoint } from "./read-data.js";

interface TestsslCurve {
  code: number;
  openssl: string;
  iana: string;
}

/** testssl's curves-mapping.txt: "0x00,0x17 -   secp256r1   secp256r1" → code, OpenSSL, IANA. */
async function readTestsslCurves(dataDir: string): Promise<TestsslCurve[]> {
  const text = await readText(dataDir, "testssl/curves-mapping.txt");
  const curves: TestsslCurve[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*0x([0-9a-f]{2}),0x([0-9a-f]{2})\s+-\s+(\S+)\s+(\S+)\s*$/i.exec(line);
    if (m === null) continue;
    const [, high, low, openssl, iana] = m;
    if (high === undefined || low === undefined || openssl === undefined || iana === undefined) {
      continue;
    }
    curves.push({ code: Number.parseInt(high + low, 16), openssl, iana });
  }
  return curves;
}

// Other spellings clients and servers use: OpenSSL's ANSI X9.62 names, NIST's P-nnn, OpenSSL's
// capitalised X25519/X448. Lookups are case-insensitive, so case-only variants are listed only
// where that spelling is the one people type.
const GROUP_ALIASES: Readonly<Record<string, readonly string[]>> = {
  secp192r1: ["prime192v1", "P-192"],
  secp224r1: ["P-224"],
  secp256r1: ["prime256v1", "P-256"],
  secp384r1: ["P-384"],
  secp521r1: ["P-521"],
  x25519: ["X25519"],
  x448: ["X448"],
};

const CURVE_BITS = /^(?:sec[pt]|brainpoolP|GC)(\d+)/;

interface GroupShape {
  kind: GroupKind;
  bits: number | null;
  pq: boolean;
}

function groupShape(name: string, code: number): GroupShape {
  if (/^ffdhe(\d+)$/.test(name)) return { kind: "ffdhe", bits: Number(name.slice(5)), pq: false };
  if (/^MLKEM\d+$/.test(name)) return { kind: "pq", bits: null, pq: true };
  if (/MLKEM|Kyber/.test(name)) return { kind: "hybrid-pq", bits: null, pq: true };
  if (name.startsWith("arbitrary_explicit_")) return { kind: "explicit", bits: null, pq: false };
  if (name === "x25519") return { kind: "ecdhe", bits: 255, pq: false };
  if (name === "x448") return { kind: "ecdhe", bits: 448, pq: false };
  if (name === "curveSM2") return { kind: "ecdhe", bits: 256, pq: false };
  const m = CURVE_BITS.exec(name);
  if (m !== null) return { kind: "ecdhe", bits: Number(m[1]), pq: false };
  throw new Error(`generate-registry: unknown group ${name} (${hex(code, 4)})`);
}

export async function buildGroups(dataDir: string): Promise<GroupRow[]> {
  const iana = await readJson<IanaCodePoint[]>(dataDir, "iana/tls-supported-groups.json");
  const curves = await readTestsslCurves(dataDir);
  const opensslByCode = new Map(curves.map((c) => [c.code, c.openssl]));
  const rows: GroupRow[] = [];
  for (const entry of iana) {
    const grease = entry.grease === true;
    if (!grease && (entry.name === "Reserved" || entry.name === "Unassigned")) continue;
    // IANA marks the Kyber drafts "X25519Kyber768Draft00 (OBSOLETE)"; the name is the first word.
    const name = grease ? entry.name : entry.name.replace(/\s*\(OBSOLETE\)$/, "");
    const aliases: string[] = [];
    const add = (alias: string): void => {
      if (alias !== name && !aliases.includes(alias)) aliases.push(alias);
    };
    if (!grease) {
      for (const alias of GROUP_ALIASES[name] ?? []) add(alias);
      const openssl = opensslByCode.get(entry.value);
      if (openssl !== undefined) add(openssl);
      add(entry.name); // the registry's own spelling, "(OBSOLETE)" and all
    }
    const shape: GroupShape = grease
      ? { kind: "grease", bits: null, pq: false }
      : groupShape(name, entry.value);
    rows.push({
      code: entry.value,
      hex: hex(entry.value, 4),
      name,
      aliases,
      kind: shape.kind,
      postQuantum: shape.pq,
      hybrid: shape.kind === "hybrid-pq",
      bits: shape.bits,
      recommended: recommendedOf(entry.recommended),
      grease,
    });
  }
  rows.sort((a, b) => a.code - b.code);
  return rows;
}

/** The generated file groups.ts. */
export async function groupFiles(dataDir: string): Promise<[string, string][]> {
  const rows = await buildGroups(dataDir);
  return [
    [
      "groups.ts",
      printTable("GROUP_ROWS", "GroupRow", rows, [
        "iana/tls-supported-groups.json",
        "testssl/curves-mapping.txt",
      ]),
    ],
  ];
}
