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
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import {
  CORE_VERSION_READ,
  NODE_BUNDLE_OPTIONS,
  assertNoRelativeRequire,
  inlinePackageVersions,
  licensesHeader,
  licensesText,
} from "../../../scripts/bundle/node-bundle.js";

const packageDir = fileURLToPath(new URL("../", import.meta.url));
const policiesDir = fileURLToPath(new URL("../../../policies/", import.meta.url));
const OUTFILE = "dist/index.js";
const WORKER_OUTFILE = "dist/worker.js";
const LICENSES = "dist/licenses.txt";
const LICENSES_HEADER = licensesHeader(
  "dist/index.js and dist/worker.js, the tlsgate GitHub Action",
  "packages/action/scripts/bundle.ts",
);

/** Core's version, inlined: see CORE_VERSION_READ. */
const inlineCoreVersion = inlinePackageVersions([CORE_VERSION_READ]);

export interface BuiltBundle {
  bundle: Uint8Array;
  /** The scan worker thread's entry, dist/worker.js. */
  worker: Uint8Array;
  licenses: Uint8Array;
}

/** The bundle's bytes and its licenses file; the same inputs always give the same bytes. */
export async function buildBundle(): Promise<BuiltBundle> {
  const result = await esbuild.build({
    ...NODE_BUNDLE_OPTIONS,
    absWorkingDir: packageDir,
    entryPoints: [
      { in: "src/index.ts", out: "index" },
      // Core's built worker entry, found like the rest of core (a workspace link to its dist/).
      { in: "../core/dist/scan/worker.js", out: "worker" },
    ],
    outdir: "dist",
    target: "node24",
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
  // A relative require() left in the bundle would look for a file beside dist/ at run time.
  assertNoRelativeRequire(OUTFILE, output.text);
  assertNoRelativeRequire(WORKER_OUTFILE, worker.text);
  return {
    bundle: output.contents,
    worker: worker.contents,
    licenses: licensesText(result.metafile, packageDir, [OUTFILE, WORKER_OUTFILE], LICENSES_HEADER),
  };
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
