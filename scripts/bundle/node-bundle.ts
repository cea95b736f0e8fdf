// What the esbuild bundles of the Action (packages/action/scripts/bundle.ts) and of the CLI
// (packages/cli/scripts/bundle.ts) share: the ESM banner that gives CommonJS dependencies a
// require(), the plugin that inlines a package version read at run time from a package.json the
// bundle does not sit beside, the check for relative require() calls, and the licenses file of
// the third-party code a bundle includes.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Metafile, Plugin } from "esbuild";

/** ESM output with CommonJS dependencies (ajv, undici, …) that call require() for Node built-ins. */
export const NODE_ESM_BANNER = [
  'import { createRequire as __tlsgateCreateRequire } from "node:module";',
  "const require = __tlsgateCreateRequire(import.meta.url);",
].join("\n");

/** A module that reads its package's version with `call` (a require of a package.json). */
export interface VersionRead {
  /** Matches the module's path. */
  filter: RegExp;
  /** The exact call in its source, e.g. `require("../../package.json")`. */
  call: string;
}

/**
 * Replaces each `call` with the version of the package.json it names, read at build time: the
 * relative path does not exist beside the bundle. The build fails when the source no longer holds
 * the call (the plugin would silently stop applying).
 */
export function inlinePackageVersions(reads: readonly VersionRead[]): Plugin {
  return {
    name: "inline-package-versions",
    setup(build) {
      for (const { filter, call } of reads) {
        build.onLoad({ filter }, (args) => {
          const source = readFileSync(args.path, "utf8");
          if (!source.includes(call)) {
            throw new Error(`${args.path} no longer reads ${call}: update the bundle script`);
          }
          const path = /^require\("(.+)"\)$/.exec(call)?.[1];
          if (path === undefined) throw new Error(`not a require of a package.json: ${call}`);
          const manifest = JSON.parse(readFileSync(join(dirname(args.path), path), "utf8")) as {
            version: string;
          };
          return {
            contents: source.replace(call, JSON.stringify({ version: manifest.version })),
            loader: args.path.endsWith(".ts") ? "ts" : "js",
          };
        });
      }
    },
  };
}

/** Throws when a bundle still require()s a relative path: it would look beside the bundle. */
export function assertNoRelativeRequire(file: string, text: string): void {
  const relative = /\brequire\d*\(\s*["']\.\.?\//.exec(text);
  if (relative !== null) throw new Error(`${file} requires a relative path: ${relative[0]}`);
}

const LICENSE_FILE = /^(licen[cs]e|copying)(\.(md|txt|markdown))?$/i;

/**
 * The licenses file of a bundle: for each package under node_modules that contributed code to
 * `outputs` (esbuild's metafile, so tree-shaken packages are left out), its name, version, license
 * and license file, sorted by name, after `header`. The workspace's own packages are under the
 * repository's LICENSE. `packageDir` is the build's absWorkingDir (metafile paths are relative).
 */
export function licensesText(
  metafile: Metafile,
  packageDir: string,
  outputs: readonly string[],
  header: string,
): Uint8Array {
  const roots = new Set<string>();
  for (const output of outputs) {
    const inputs = metafile.outputs[output]?.inputs;
    if (inputs === undefined) throw new Error(`${output} is not an output of the build`);
    for (const [input, { bytesInOutput }] of Object.entries(inputs)) {
      if (bytesInOutput === 0) continue;
      const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (match?.[1] !== undefined) roots.add(match[1]);
    }
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
      throw new Error(`${manifest.name} has no license file: add its notice to the bundle script`);
    }
    const text = readFileSync(join(dir, file), "utf8").replace(/\r\n?/g, "\n").trim();
    const id = `${manifest.name}@${manifest.version}`;
    return { id, license: manifest.license ?? "see the text below", text };
  });
  const unique = new Map(entries.map((entry) => [entry.id, entry]));
  const sorted = [...unique.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rule = "-".repeat(78);
  const body = sorted.map(({ id, license, text }) => `${rule}\n${id} (${license})\n\n${text}\n`);
  return Buffer.from(`${header}\n\n${body.join("\n")}`, "utf8");
}
