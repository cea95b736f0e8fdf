// Reads ../shared/data for the registry tests. A missing folder is an error, never a skip: the
// registry is only as good as its check against the sources.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// test-support → registry → src → core → packages → repo root
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../..");

/** The data folder, resolved like scripts/generate-registry.mjs resolves it. */
export function sharedDataDir(): string {
  const fromEnv = process.env["TLSGATE_SHARED_DATA"];
  return fromEnv !== undefined && fromEnv !== ""
    ? resolve(fromEnv)
    : resolve(REPO_ROOT, "..", "shared", "data");
}

/** The data folder; throws a clear error when it is missing. */
export function requireSharedData(): string {
  const dir = sharedDataDir();
  if (!existsSync(dir)) {
    throw new Error(
      `The shared reference data is missing: ${dir} does not exist. The registry tests check the ` +
        "generated tables against it; set TLSGATE_SHARED_DATA to the shared/data folder.",
    );
  }
  return dir;
}

export function readSharedText(file: string): string {
  return readFileSync(join(requireSharedData(), file), "utf8");
}

export function readSharedJson<T>(file: string): T {
  return JSON.parse(readSharedText(file)) as T;
}

/** A small CSV reader, independent of the generator's, for the testssl mapping. */
export function readSharedCsv(file: string): Record<string, string>[] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  const text = readSharedText(file);
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

/** The parts of scripts/generate-registry.mjs the tests use. */
export interface RegistryGenerator {
  generate(dataDir: string): Promise<Map<string, string>>;
  OUTPUT_DIR: string;
}

export async function loadGenerator(): Promise<RegistryGenerator> {
  const url = pathToFileURL(join(REPO_ROOT, "scripts", "generate-registry.mjs")).href;
  return (await import(url)) as RegistryGenerator;
}
