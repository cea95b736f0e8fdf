// Bundles the action into one deterministic ESM file, dist/index.js, and copies the preset
// policies (the repository's policies/*.json) to presets/, beside dist/: the bundled
// @tlsgate/policies reads them from "../presets/" relative to its module, which is now the bundle.
//
//   tsx scripts/bundle.ts            write dist/index.js and presets/ (npm run bundle)
//   tsx scripts/bundle.ts --check    fail when dist/ or presets/ differ from a fresh build
//   tsx scripts/bundle.ts --out DIR  write DIR/dist/index.js and DIR/presets/ instead
//
// Deterministic: pinned esbuild, no timestamps, no absolute paths (esbuild's path comments are
// relative to this package), the same bytes wherever the repository is checked out.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import type { Plugin } from "esbuild";

const packageDir = fileURLToPath(new URL("../", import.meta.url));
const policiesDir = fileURLToPath(new URL("../../../policies/", import.meta.url));
const OUTFILE = "dist/index.js";

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

/** The bundle's bytes; the same inputs always give the same bytes. */
export async function buildBundle(): Promise<Uint8Array> {
  const result = await esbuild.build({
    absWorkingDir: packageDir,
    entryPoints: ["src/index.ts"],
    outfile: OUTFILE,
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
    plugins: [inlineCoreVersion],
  });
  const [output, ...rest] = result.outputFiles;
  if (output === undefined || rest.length > 0) throw new Error("expected exactly one output file");
  const text = output.text;
  // A relative require() left in the bundle would look for a file beside dist/ at run time.
  const relative = /\brequire\d*\(\s*["']\.\.?\//.exec(text);
  if (relative !== null) throw new Error(`the bundle requires a relative path: ${relative[0]}`);
  return output.contents;
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

function write(outDir: string, bundle: Uint8Array, presets: ReadonlyMap<string, Buffer>): void {
  mkdirSync(join(outDir, "dist"), { recursive: true });
  writeFileSync(join(outDir, OUTFILE), bundle);
  const presetsDir = join(outDir, "presets");
  rmSync(presetsDir, { recursive: true, force: true });
  mkdirSync(presetsDir, { recursive: true });
  for (const [file, bytes] of presets) writeFileSync(join(presetsDir, file), bytes);
}

/** What differs between a fresh build and the files in outDir. */
function differences(
  outDir: string,
  bundle: Uint8Array,
  presets: ReadonlyMap<string, Buffer>,
): string[] {
  const problems: string[] = [];
  const dist = join(outDir, OUTFILE);
  if (!existsSync(dist) || !Buffer.from(bundle).equals(readFileSync(dist))) {
    problems.push(`${OUTFILE} is not what the sources build`);
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
  const bundle = await buildBundle();
  const presets = presetFiles();
  if (args.includes("--check")) {
    const problems = differences(outDir, bundle, presets);
    if (problems.length > 0) {
      console.error(`${problems.join("\n")}\nRun: npm run bundle -w @tlsgate/action`);
      process.exitCode = 1;
    }
  } else {
    write(outDir, bundle, presets);
    console.log(
      `${join(outDir, OUTFILE)}: ${bundle.length} bytes; presets: ${[...presets.keys()].join(", ")}`,
    );
  }
}
