// Reads the reference data vendored in the repository's data/ folder (data/SOURCES.md), for the
// registry and preset tests. A missing file is an error, never a skip: the registry and the
// presets are only as good as their check against the sources.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// src → testing → packages → repo root
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The vendored reference data: <repo root>/data. */
export const DATA_DIR = join(REPO_ROOT, "data");

/** The contents of a file under data/ (e.g. "iana/tls-cipher-suites.json"). */
export function readDataText(file: string): string {
  const path = join(DATA_DIR, file);
  if (!existsSync(path)) {
    throw new Error(
      `The reference data file ${path} is missing. It is vendored in the repository's data/ ` +
        "folder (see data/SOURCES.md); restore it from git.",
    );
  }
  return readFileSync(path, "utf8");
}

/** A JSON file under data/, parsed. */
export function readDataJson<T>(file: string): T {
  return JSON.parse(readDataText(file)) as T;
}

/** A small CSV reader, independent of the generator's, for the testssl mapping. */
export function readDataCsv(file: string): Record<string, string>[] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  const text = readDataText(file);
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (quoted) {
      if (ch === '"' && text.charAt(i + 1) === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      record.push(field);
      field = "";
    } else if (ch === "\n") {
      record.push(field.replace(/\r$/, ""));
      records.push(record);
      record = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || record.length > 0) records.push([...record, field]);
  const [header, ...rows] = records;
  if (header === undefined) return [];
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i] ?? ""])));
}

export interface IanaCipherSuiteEntry {
  hex: string;
  value: number;
  name: string;
  recommended: string;
  grease: boolean;
}

export interface IanaGroupEntry {
  value: number;
  hex: string;
  name: string;
  recommended: string;
  grease: boolean;
}

export interface IanaSignatureSchemeEntry {
  value: number;
  hex: string;
  name: string;
  recommended: string;
}
