// The table of well-known finite-field DH primes: RFC 7919's named groups, the RFC 2409/3526 MODP
// groups, RFC 5114's groups and the built-in defaults of Apache httpd, nginx and OpenSSL, so a
// ServerKeyExchange prime can be named. The primes are public numbers; data/SOURCES.md (§6) says
// where each was read. The table keeps the SHA-256 of each prime (big-endian bytes, no leading
// zero), not the prime.
import { createHash } from "node:crypto";
import type { DhPrimeRow } from "../../packages/core/src/registry/types.js";
import { HEADER, printProperty } from "./emit.js";
import { readJson } from "./read-data.js";

/** One entry of data/dh/well-known-primes.json. */
interface WellKnownPrime {
  name: string;
  reference: string;
  source: string;
  /** Upper-case hex, big-endian. */
  prime: string;
}

export async function buildDhPrimes(dataDir: string): Promise<DhPrimeRow[]> {
  const entries = await readJson<WellKnownPrime[]>(dataDir, "dh/well-known-primes.json");
  const rows = entries.map((entry) => {
    if (!/^[0-9A-F]+$/.test(entry.prime) || entry.prime.startsWith("0")) {
      throw new Error(`generate-registry: dh prime ${entry.name} is not upper-case hex`);
    }
    const prime = Buffer.from(
      entry.prime.length % 2 === 0 ? entry.prime : `0${entry.prime}`,
      "hex",
    );
    return {
      name: entry.name,
      bits: BigInt(`0x${entry.prime}`).toString(2).length,
      sha256: createHash("sha256").update(prime).digest("hex"),
      reference: entry.reference,
    };
  });
  for (const [i, row] of rows.entries()) {
    if (rows.findIndex((other) => other.name === row.name || other.sha256 === row.sha256) !== i) {
      throw new Error(`generate-registry: dh prime ${row.name} is listed twice`);
    }
  }
  return rows;
}

/** The generated file dh-primes.ts. */
export async function dhPrimeFiles(dataDir: string): Promise<[string, string][]> {
  const rows = await buildDhPrimes(dataDir);
  const lines = [HEADER, "// Sources: dh/well-known-primes.json.", ""];
  lines.push('import type { DhPrimeRow } from "../types.js";', "");
  lines.push("export const DH_PRIME_ROWS: readonly DhPrimeRow[] = [");
  for (const row of rows) {
    lines.push("  {");
    for (const [key, value] of Object.entries(row)) lines.push(...printProperty(key, value, 4));
    lines.push("  },");
  }
  lines.push("];", "");
  return [["dh-primes.ts", lines.join("\n")]];
}
