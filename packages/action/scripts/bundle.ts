// Bundles the action into one deterministic ESM file, dist/index.js, with the scan worker thread's
// entry beside it as dist/worker.js (core starts it as `new URL("./worker.js", import.meta.url)`,
// which in the bundle is dist/), and copies the preset
// policies (the repository's policies/*.json) to presets/, beside dist/: the bundled
// @tlsgate/policies reads them from "../presets/" relative to its module, which is now the bundle.
// dist/licenses.txt carries the license of every third-party package the bundle includes (their
// MIT, ISC, BSD and Apache licenses ask that the notice travel with the code).
//
//   tsx scripts/bundle.ts            write dist/index.js, dist/licenses.txt and presets/
//   tsx scripts/bundle.ts --check    fail when dist/ or presets/ differ from a fresh build
//   tsx scripts/bundle.ts --out DIR  write DIR/dist/… and DIR/presets/ instead
//
// Deterministic: pinned esbuild, no timestamps, no absolute paths (esbuild's path comments are
// relative to this package), the same bytes wherever the repository is checked out.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import type { Plugin } from "esbuild";

const packageDir = fileURLToPath(new URL("../", import.meta.url));
const policiesDir = fileURLToPath(new URL("../../../policies/", import.meta.url));
const OUTFILE = "dist/index.js";
const WORKER_OUTFILE = "dist/worker.js";
const LICENSES = "dist/licenses.txt";

// ESM output with CommonJS dependencies (ajv, undici, …) that call require() for Node built-ins.
const BANNER = [
  'import { createRequire as __tlsgateCreateRequire } from "node:module";',
  "const require = __tlsgateCreateRequire(import.meta.url);",
].join("\n");

/**
 * @tlsgate/core reads its version from "../../package.json" at run time, a path that does not
 * exist beside the bundle: inline the version instead.
 */
const inlineCoreVersion: Plugin = {
  name: "inline-core-version",
  setup(build) {
    build.onLoad({ filter: /[\\/]core[\\/]dist[\\/]scan[\\/]version\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const call = 'require("../../package.json")';
      if (!source.includes(call)) {
        throw new Error(`${args.path} no longer reads ${call}: update scripts/bundle.ts`);
      }
      const manifest = JSON.parse(
        readFileSync(join(dirname(args.path), call.slice(9, -2)), "utf8"),
      ) as { version: string };
      return {
        contents: source.replace(call, JSON.stringify({ version: manifest.version })),
        loader: "js",
      };
    });
  },
};

export interface BuiltBundle {
  bundle: Uint8Array;
  /** The scan worker thread's entry, dist/worker.js. */
  worker: Uint8Array;
  licenses: Uint8Array;
}

/** The bundle's bytes and its licenses file; the same inputs always give the same bytes. */
export async function buildBundle(): Promise<BuiltBundle> {
  const result = await esbuild.build({
    absWorkingDir: packageDir,
    entryPoints: [
      { in: "src/index.ts", out: "index" },
      // Core's built worker entry, found like the rest of core (a workspace link to its dist/).
      { in: "../core/dist/scan/worker.js", out: "worker" },
    ],
    outdir: "dist",
    bundle: true,
    platform: "node",
    target: "node24",
    format: "esm",
    banner: { js: BANNER },
    charset: "utf8",
    legalComments: "eof",
    sourcemap: false,
    minify: false,
    write: false,
    logLevel: "warning",
    metafile: true,
    plugins: [inlineCoreVersion],
  });
  const byName = new Map(
    result.outputFiles.map((file) => [relativeOutput(file.path), file] as const),
  );
  const output = byName.get(OUTFILE);
  const worker = byName.get(WORKER_OUTFILE);
  if (output === undefined || worker === undefined || byName.size !== 2) {
    throw new Error(
      `expected ${OUTFILE} and ${WORKER_OUTFILE}, got ${[...byName.keys()].join(", ")}`,
    );
  }
  for (const file of [output, worker]) {
    // A relative require() left in the bundle would look for a file beside dist/ at run time.
    const required = /\brequire\d*\(\s*["']\.\.?\//.exec(file.text);
    if (required !== null) throw new Error(`the bundle requires a relative path: ${required[0]}`);
  }
  return {
    bundle: output.contents,
    worker: worker.contents,
    licenses: licensesText(result.metafile),
  };
}

const LICENSE_FILE = /^(licen[cs]e|copying)(\.(md|txt|markdown))?$/i;

/**
 * dist/licenses.txt: for each package under node_modules that contributed code to the bundle
 * (esbuild's metafile, so tree-shaken packages are left out), its name, version, license and
 * license file, sorted by name. The workspace's own packages are under the repository's LICENSE.
 */
export function licensesText(metafile: esbuild.Metafile): Uint8Array {
  const roots = new Set<string>();
  const inputs = [OUTFILE, WORKER_OUTFILE].flatMap((file) =>
    Object.entries(metafile.outputs[file]?.inputs ?? {}),
  );
  for (const [input, { bytesInOutput }] of inputs) {
    if (bytesInOutput === 0) continue;
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match?.[1] !== undefined) roots.add(match[1]);
  }
  const entries = [...roots].map((root) => {
    const dir = join(packageDir, root);
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      name: string;
      version: string;
      license?: string;
    };
    const file = readdirSync(dir)
      .filter((name) => LICENSE_FILE.test(name))
      .sort()[0];
    if (file === undefined) {
      throw new Error(`${manifest.name} has no license file: add its notice to scripts/bundle.ts`);
    }
    const text = readFileSync(join(dir, file), "utf8").replace(/\r\n?/g, "\n").trim();
    const id = `${manifest.name}@${manifest.version}`;
    return { id, license: manifest.license ?? "see the text below", text };
  });
  const unique = new Map(entries.map((entry) => [entry.id, entry]));
  const sorted = [...unique.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rule = "-".repeat(78);
  const header = [
    "Third-party software bundled into dist/index.js and dist/worker.js, the tlsgate GitHub Action.",
    "tlsgate itself is licensed under the Apache License 2.0 (LICENSE at the repository's root).",
    "Generated by packages/action/scripts/bundle.ts: do not edit.",
  ].join("\n");
  const body = sorted.map(({ id, license, text }) => `${rule}\n${id} (${license})\n\n${text}\n`);
  return Buffer.from(`${header}\n\n${body.join("\n")}`, "utf8");
}

/** An output file's path as "dist/…", relative to this package (esbuild gives absolute paths). */
function relativeOutput(path: string): string {
  return relative(packageDir, path).split(sep).join("/");
}

/** The presets to ship: file name → bytes. */
export function presetFiles(): Map<string, Buffer> {
  return new Map(
    readdirSync(policiesDir)
      .filter((file) => file.endsWith(".json"))
      .sort()
      .map((file): [string, Buffer] => [file, readFileSync(join(policiesDir, file))]),
  );
}

function write(
  outDir: string,
  { bundle, worker, licenses }: BuiltBundle,
  presets: ReadonlyMap<string, Buffer>,
): void {
  mkdirSync(join(outDir, "dist"), { recursive: true });
  writeFileSync(join(outDir, OUTFILE), bundle);
  writeFileSync(join(outDir, WORKER_OUTFILE), worker);
  writeFileSync(join(outDir, LICENSES), licenses);
  const presetsDir = join(outDir, "presets");
  rmSync(presetsDir, { recursive: true, force: true });
  mkdirSync(presetsDir, { recursive: true });
  for (const [file, bytes] of presets) writeFileSync(join(presetsDir, file), bytes);
}

/** What differs between a fresh build and the files in outDir. */
function differences(
  outDir: string,
  { bundle, worker, licenses }: BuiltBundle,
  presets: ReadonlyMap<string, Buffer>,
): string[] {
  const problems: string[] = [];
  for (const [file, bytes] of [
    [OUTFILE, bundle],
    [WORKER_OUTFILE, worker],
    [LICENSES, licenses],
  ] as const) {
    const path = join(outDir, file);
    if (!existsSync(path) || !Buffer.from(bytes).equals(readFileSync(path))) {
      problems.push(`${file} is not what the sources build`);
    }
  }
  const presetsDir = join(outDir, "presets");
  const shipped = existsSync(presetsDir) ? readdirSync(presetsDir).sort() : [];
  for (const file of new Set([...shipped, ...presets.keys()])) {
    const expected = presets.get(file);
    if (expected === undefined) problems.push(`presets/${file} is not in policies/`);
    else if (!shipped.includes(file)) problems.push(`presets/${file} is missing`);
    else if (!expected.equals(readFileSync(join(presetsDir, file)))) {
      problems.push(`presets/${file} differs from policies/${file}`);
    }
  }
  return problems;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf("--out");
  const outDir = outIndex === -1 ? packageDir : args[outIndex + 1];
  if (outDir === undefined) throw new Error("--out wants a folder");
  const built = await buildBundle();
  const presets = presetFiles();
  if (args.includes("--check")) {
    const problems = differences(outDir, built, presets);
    if (problems.length > 0) {
      console.error(`${problems.join("\n")}\nRun: npm run bundle -w @tlsgate/action`);
      process.exitCode = 1;
    }
  } else {
    write(outDir, built, presets);
    console.log(
      `${join(outDir, OUTFILE)}: ${built.bundle.length} bytes; presets: ${[...presets.keys()].join(", ")}`,
    );
  }
}
