/**
 * The bundle bin.js runs (scripts/bundle.ts, built by `npm run build`): `--version` and `--help`
 * must not parse the scanner, the policy engine or their dependencies, so the entry's static
 * imports (what Node loads before main() runs) may hold only commander, the command definitions
 * and core's light settings; everything else is in chunks behind the commands' dynamic imports.
 * Read from esbuild's path comments (`// ../core/dist/scan/scan.js`) in the built files.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const packageDir = resolve(import.meta.dirname, "..");
const bundleDir = join(packageDir, "dist", "bundle");

/** The bundle's files reachable from `entry` through static imports, entry first. */
function staticClosure(entry: string): string[] {
  const seen = [entry];
  for (let i = 0; i < seen.length; i++) {
    const text = readFileSync(join(bundleDir, seen[i]!), "utf8");
    for (const match of text.matchAll(/^(?:import|export)\s[^;]*?from\s*"\.\/([^"]+)"/gm)) {
      if (!seen.includes(match[1]!)) seen.push(match[1]!);
    }
  }
  return seen;
}

/** The source modules esbuild put into a bundle file, from its path comments. */
function modulesOf(file: string): string[] {
  const text = readFileSync(join(bundleDir, file), "utf8");
  return [...text.matchAll(/^\/\/ (\S+\.(?:js|ts|mjs|cjs))$/gm)].map((match) => match[1]!);
}

// Core's settings (what main.ts imports) may bring small constant modules from policy/ and report/;
// these are the modules a command's work starts from, and the third-party code behind them.
const HEAVY =
  /core\/dist\/(scan\/|probe\/|wire\/|cert\/|registry\/|policy\/(load|evaluate|precompiled-\w+)\.js|report\/(json|text|html)\.js)|node_modules\/(ajv|pkijs|asn1js|yaml|re2js|@peculiar)\//;

describe("dist/bundle", () => {
  it("loads neither the scanner nor the policy engine before a command runs", () => {
    const closure = staticClosure("index.js");
    const modules = closure.flatMap(modulesOf);
    expect(modules).toContain("src/main.ts");
    expect(modules).toContain("../../node_modules/commander/lib/command.js");
    expect(modules.filter((module) => HEAVY.test(module))).toEqual([]);
  });

  it("keeps the scanner behind the scan command's dynamic import", () => {
    const entry = readFileSync(join(bundleDir, "index.js"), "utf8");
    const runScan = /import\("\.\/(run-scan-[A-Z0-9]+\.js)"\)/.exec(entry)?.[1];
    expect(runScan).toBeDefined();
    const modules = staticClosure(runScan!).flatMap(modulesOf);
    expect(modules).toContain("../core/dist/scan/scan.js");
    expect(modules).toContain("../core/dist/policy/evaluate.js");
  });

  it("prints the version of package.json, inlined at build time", async () => {
    const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
      version: string;
    };
    const { stdout } = await run(process.execPath, [join(packageDir, "bin.js"), "--version"]);
    expect(stdout.trim()).toBe(manifest.version);
  });
});
