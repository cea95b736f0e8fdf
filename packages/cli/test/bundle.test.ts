/**
 * The bundle bin.js runs (scripts/bundle.ts, built by `npm run build`): `--version` and `--help`
 * must not parse the scanner, the policy engine or their dependencies, so the entry's static
 * imports (what Node loads before main() runs) may hold only commander, the command definitions
 * and core's light settings; everything else is in chunks behind the commands' dynamic imports.
 * Read from esbuild's path comments (`// ../core/dist/scan/scan.js`) in the built files.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { startOneServerFleet } from "./support/one-server-fleet.js";

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

  it("starts core's scan worker threads from the bundle (dist/bundle/worker.js)", async () => {
    // A fleet large enough for two workers: were worker.js not beside the chunk that starts it,
    // every target would come back as a worker error, not as a scanned server.
    const fleet = await startOneServerFleet(64, "bundle-test");
    const { dir, targets } = fleet;
    try {
      // Loaded before the CLI in every thread (workers inherit the process's --import): each
      // worker thread leaves a file, so the test knows the scans ran in two threads.
      const preload = join(dir, "threads.mjs");
      writeFileSync(
        preload,
        [
          'import { isMainThread, threadId } from "node:worker_threads";',
          'import { writeFileSync } from "node:fs";',
          `if (!isMainThread) writeFileSync(${JSON.stringify(join(dir, "thread-"))} + threadId, "");`,
        ].join("\n"),
      );
      const { stdout } = await run(
        process.execPath,
        [
          "--import",
          pathToFileURL(preload).href,
          join(packageDir, "bin.js"),
          "scan",
          "--targets-file",
          fleet.targetsFile,
          "--workers",
          "2",
          "--policy",
          fleet.policy,
          "--format",
          "ndjson",
        ],
        { maxBuffer: 64 * 1024 * 1024 },
      );
      const lines = stdout
        .trimEnd()
        .split("\n")
        .map(
          (line) =>
            JSON.parse(line) as {
              type: string;
              target?: string;
              report?: { reachable: boolean | null; protocols: Record<string, boolean | null> };
            },
        );
      const results = lines.filter((line) => line.type === "result");
      expect(results.map((line) => line.target).sort()).toEqual([...targets].sort());
      // The server's configuration: TLS 1.2 and 1.3, nothing older.
      for (const line of results) {
        expect(line.report?.reachable).toBe(true);
        expect(line.report?.protocols["TLSv1.1"]).toBe(false);
        expect(line.report?.protocols["TLSv1.2"]).toBe(true);
      }
      expect(lines.at(-1)).toMatchObject({ type: "gate", outcome: "pass" });
      expect(readdirSync(dir).filter((file) => file.startsWith("thread-"))).toHaveLength(2);
    } finally {
      await fleet.close();
    }
  }, 300_000);
});
