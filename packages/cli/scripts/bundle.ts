// Bundles the CLI for a fast start: `bin.js` loads dist/bundle/index.js, not the ~360 modules of
// dist/, core and their dependencies (ES module resolution and loading was most of the start-up
// time). The commands' dynamic imports stay dynamic: esbuild splits them into chunks beside the
// entry, so `--version` and `--help` parse only commander and the command definitions.
// dist/index.js (tsc) stays the package's library export; the bundle is only what bin.js runs.
// dist/bundle/licenses.txt carries the licenses of the third-party code the chunks include.
//
//   tsx scripts/bundle.ts             (part of `npm run build`)
//   tsx scripts/bundle.ts --analyze   also print the inputs of each output, largest first
//
// @tlsgate/policies stays external (a dependency of this package): it reads its presets from
// "../presets/" beside its own module. Core's sample reports are found through core's installed
// package.json for the same reason.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import type { Plugin } from "esbuild";
import {
  CORE_VERSION_READ,
  NODE_BUNDLE_OPTIONS,
  assertNoRelativeRequire,
  inlinePackageVersions,
  licensesHeader,
  licensesText,
} from "../../../scripts/bundle/node-bundle.js";

const packageDir = fileURLToPath(new URL("../", import.meta.url));
const OUTDIR = "dist/bundle";
const LICENSES = `${OUTDIR}/licenses.txt`;
const LICENSES_HEADER = licensesHeader(
  "dist/bundle/, what the tlsgate command runs",
  "packages/cli/scripts/bundle.ts",
);

/** Core and the CLI read their versions from package.json files that are not beside the bundle. */
const inlineVersions = inlinePackageVersions([
  CORE_VERSION_READ,
  { filter: /[\\/]cli[\\/]src[\\/]version\.ts$/, call: 'require("../package.json")' },
]);

/**
 * Core finds its samples/ folder (the bases of `tlsgate policy test` cases) two folders above its
 * module, which is now a chunk of dist/bundle/: find it through core's installed package.json.
 */
const coreSamples: Plugin = {
  name: "core-samples",
  setup(build) {
    build.onLoad({ filter: /[\\/]core[\\/]dist[\\/]policy[\\/]sample-reports\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const expression = 'new URL("../../samples/", import.meta.url)';
      if (!source.includes(expression)) {
        throw new Error(
          `${args.path} no longer finds samples with ${expression}: update scripts/bundle.ts`,
        );
      }
      const header = [
        'import { createRequire as __samplesRequire } from "node:module";',
        'import { pathToFileURL as __samplesUrl } from "node:url";',
      ].join("\n");
      const replacement =
        'new URL("samples/", __samplesUrl(__samplesRequire(import.meta.url).resolve("@tlsgate/core/package.json")))';
      return { contents: `${header}\n${source.replace(expression, replacement)}`, loader: "js" };
    });
  },
};

/** The bundle's files (absolute path → bytes): the entry, its chunks and the licenses file. */
async function buildBundle(): Promise<{
  files: Map<string, Uint8Array>;
  metafile: esbuild.Metafile;
}> {
  const result = await esbuild.build({
    ...NODE_BUNDLE_OPTIONS,
    absWorkingDir: packageDir,
    entryPoints: { index: "src/index.ts" },
    outdir: OUTDIR,
    splitting: true,
    chunkNames: "[name]-[hash]",
    target: "node20",
    external: ["@tlsgate/policies"],
    plugins: [inlineVersions, coreSamples],
  });
  const files = new Map<string, Uint8Array>();
  for (const file of result.outputFiles) {
    // A relative require() left in the bundle would look for a file beside dist/bundle/.
    assertNoRelativeRequire(relative(packageDir, file.path), file.text);
    files.set(file.path, file.contents);
  }
  const outputs = [...files.keys()].map((path) => relative(packageDir, path));
  files.set(
    join(packageDir, LICENSES),
    licensesText(result.metafile, packageDir, outputs, LICENSES_HEADER),
  );
  return { files, metafile: result.metafile };
}

const { files, metafile } = await buildBundle();
// --analyze: what each output holds, largest inputs first (to see what a command parses).
if (process.argv.includes("--analyze")) console.log(await esbuild.analyzeMetafile(metafile));
rmSync(join(packageDir, OUTDIR), { recursive: true, force: true });
for (const [path, contents] of files) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, contents);
}
console.log(`${OUTDIR}: ${files.size} files`);
