import { GROUP_ROWS } from "./generated/groups.js";
import type { Group } from "./types.js";

/** Every supported-groups code point of the IANA registry (GREASE included), sorted by code. */
export const GROUPS: readonly Group[] = GROUP_ROWS.map((row) => Object.freeze(row));

const BY_CODE: ReadonlyMap<number, Group> = new Map(GROUPS.map((g) => [g.code, g]));

// IANA names first, then aliases, so an alias can never shadow a registry name. GREASE rows are
// all named "Reserved" and are found by code only.
const BY_NAME: ReadonlyMap<string, Group> = (() => {
  const index = new Map<string, Group>();
  const add = (name: string, group: Group): void => {
    const key = name.toLowerCase();
    if (!index.has(key)) index.set(key, group);
  };
  for (const g of GROUPS) if (!g.grease) add(g.name, g);
  for (const g of GROUPS) for (const alias of g.aliases) add(alias, g);
  return index;
})();

/** The group with this code (23 for secp256r1, 0x11EC for X25519MLKEM768); else undefined. */
export function groupByCode(code: number): Group | undefined {
  return BY_CODE.get(code);
}

/** The group by IANA name or alias (prime256v1, P-256, X25519), case-insensitively. */
export function groupByName(name: string): Group | undefined {
  return BY_NAME.get(name.trim().toLowerCase());
}
