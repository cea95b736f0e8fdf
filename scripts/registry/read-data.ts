// Reading the reference data the registry is generated from: the repository's data/ folder
// (data/SOURCES.md says where each file comes from), and the shapes of the files read.
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (scripts/registry → scripts → root). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The data folder the generator reads when none is given: the repository's data/. */
export const DEFAULT_DATA_DIR = resolve(REPO_ROOT, "data");

/** The contents of `file` (a path relative to the data folder); a missing file stops the run. */
export async function readText(dataDir: string, file: string): Promise<string> {
  const path = join(dataDir, file);
  try {
    return await readFile(path, "utf8");
  } catch (cause) {
    throw new Error(`generate-registry: cannot read ${path} (see data/SOURCES.md)`, {
      cause,
    });
  }
}

/** A JSON file of the data folder, parsed as `T` (the shapes below; the data is trusted). */
export async function readJson<T>(dataDir: string, file: string): Promise<T> {
  return JSON.parse(await readText(dataDir, file)) as T;
}

/** RFC 4180 CSV (quoted fields may hold commas, quotes and newlines) → array of records. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...records] = rows;
  if (header === undefined) return [];
  return records.map((r) => Object.fromEntries(header.map((name, i) => [name, r[i] ?? ""])));
}

// ---------------------------------------------------------------------------------------------
// The shapes of the files read (only the fields the generator uses)

/** iana/tls-cipher-suites.json and iana/tls-supported-groups.json entries. */
export interface IanaCodePoint {
  value: number;
  name: string;
  recommended: string;
  grease?: boolean;
}

/** iana/tls-signature-schemes.json entries. */
export interface IanaSignatureScheme {
  value: number;
  name: string;
  recommended: string;
}

/** testssl/client-simulation*.json entries. */
export interface TestsslClient {
  name: string;
  short: string;
  handshakebytes: string;
  lowest_protocol: string;
  current?: boolean;
  minDhBits?: number;
  maxDhBits?: number;
  minRsaBits?: number;
  maxRsaBits?: number;
  minEcdsaBits?: number;
  requiresSha2?: boolean;
  parsed_clienthello?: unknown;
}

/** One extension of a curl-impersonate signature (fields by extension type). */
export interface CurlExtension {
  type: string;
  length?: number;
  data?: { _bytes_hex?: string };
  supported_groups?: (number | "GREASE")[];
  ec_point_formats?: number[];
  alpn_list?: string[];
  alps_alpn_list?: string[];
  status_request_type?: number;
  sig_hash_algs?: number[];
  key_shares?: { group: number | "GREASE"; length: number }[];
  psk_ke_mode?: number;
  supported_versions?: string[];
  algorithms?: number[];
  record_size_limit?: number;
}

/** clienthello/curl-impersonate-signatures.json entries. */
export interface CurlSignature {
  file: string;
  browser: { os: string | number };
  signature: {
    tls_client_hello: {
      record_version: string;
      handshake_version: string;
      session_id_length: number;
      ciphersuites: (number | "GREASE")[];
      comp_methods: number[];
      extensions: CurlExtension[];
    };
  };
}
