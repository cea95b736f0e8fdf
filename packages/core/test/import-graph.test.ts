/**
 * The module graph of core's sources: no import cycles (type-only imports count too: a cycle of
 * types is still two modules that cannot be understood apart), and scan/ reaches the wire codec
 * only through probe/. Reads the sources' import and export-from statements, resolved like
 * NodeNext does for our relative `.js` specifiers.
 */
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

const files = sources(SRC);
const known = new Set(files);
const graph = new Map<string, string[]>(
  files.map((file) => {
    const text = readFileSync(file, "utf8");
    const specifiers = [...text.matchAll(/(?:import|export)\s[^;]*?from\s*["'](\.[^"']+)["']/g)];
    const targets = specifiers
      .map((match) => resolve(dirname(file), (match[1] ?? "").replace(/\.js$/, ".ts")))
      .filter((target) => known.has(target));
    return [file, targets];
  }),
);
const name = (file: string): string => relative(SRC, file);

/** Strongly connected components of more than one module (Tarjan), or a module importing itself. */
function cycles(): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(target) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      onStack.delete(member);
      component.push(name(member));
      if (member === node) break;
    }
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) {
      found.push(component.sort());
    }
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return found;
}

describe("core's import graph", () => {
  it("reads the sources it checks", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(graph.get(join(SRC, "scan/scan.ts"))?.map(name)).toContain("scan/context.ts");
  });

  it("has no import cycles", () => {
    expect(cycles()).toEqual([]);
  });

  it("finds a cycle when there is one", () => {
    const a = join(SRC, "scan/scan.ts");
    const b = join(SRC, "scan/context.ts");
    const saved = graph.get(b) ?? [];
    graph.set(b, [...saved, a]);
    try {
      const component = cycles().find((members) => members.includes("scan/scan.ts"));
      expect(component).toEqual(expect.arrayContaining(["scan/context.ts", "scan/scan.ts"]));
    } finally {
      graph.set(b, saved);
    }
  });

  it("keeps scan/ off the wire codec: it reads what probes summarise", () => {
    const offenders = files
      .filter((file) => name(file).startsWith("scan/"))
      .flatMap((file) =>
        (graph.get(file) ?? [])
          .filter((target) => name(target).startsWith("wire/"))
          .map((target) => `${name(file)} → ${name(target)}`),
      );
    expect(offenders).toEqual([]);
  });
});
