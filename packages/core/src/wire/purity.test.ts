/**
 * The codec is sans-IO: no node:* (or bare Node built-in) imports, no Buffer, no timers, no
 * promises. ESLint enforces this too (eslint.config.js); this reads the sources as a second guard.
 */
import { readFileSync, readdirSync } from "node:fs";

import { describe, expect, it } from "vitest";

const dir = new URL("./", import.meta.url);
const sources = readdirSync(dir)
  .filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))
  .sort();

const BUILTINS = [
  "fs",
  "net",
  "tls",
  "dns",
  "crypto",
  "timers",
  "events",
  "stream",
  "buffer",
  "child_process",
  "os",
  "path",
];

describe("wire/ purity", () => {
  it("has sources to check", () => {
    expect(sources).toContain("index.ts");
    expect(sources).toContain("server-flight.ts");
  });

  it.each(sources)("%s imports nothing from Node and uses no I/O globals", (name) => {
    const text = readFileSync(new URL(name, dir), "utf8");
    const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map(
      (match) => match[1] ?? "",
    );
    for (const specifier of specifiers) {
      expect(specifier.startsWith("node:"), `${name} imports ${specifier}`).toBe(false);
      expect(BUILTINS.includes(specifier), `${name} imports ${specifier}`).toBe(false);
      // Only siblings and the error base: wire/ depends on nothing else in or outside the repo.
      expect(specifier, `${name} imports ${specifier}`).toMatch(
        /^(\.\/[a-z0-9-]+|\.\.\/errors)\.js$/,
      );
    }
    const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, "");
    for (const banned of [
      /\bBuffer\b/,
      /\bsetTimeout\b/,
      /\bsetInterval\b/,
      /\bPromise\b/,
      /\basync\b/,
      /\bawait\b/,
      /\brequire\(/,
      /\bprocess\./,
    ]) {
      expect(banned.test(code), `${name} uses ${banned.source}`).toBe(false);
    }
  });

  it("imports an error base that itself imports nothing", () => {
    const text = readFileSync(new URL("../errors.ts", dir), "utf8");
    expect(text).not.toMatch(/^\s*import\b/m);
  });
});
