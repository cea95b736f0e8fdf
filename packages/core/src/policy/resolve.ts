/**
 * Resolves a policy's `extends` chain and merges it into one ResolvedPolicy.
 *
 * An `extends` entry is one of:
 * - a file, when it starts with "./", "../" or "/": relative to the extending file's folder. It
 *   must lie inside the policy's repository (the nearest folder above the policy the user named
 *   that holds `.git`, else `package.json`, else that policy's own folder) or a folder allowed
 *   with `allowPaths`; a policy is data from wherever it came from, and must not read the rest
 *   of the machine;
 * - a preset, when it is a bare name that @tlsgate/policies ships ("intermediate");
 * - an installed npm package otherwise ("@acme/tls-policies/prod", "acme-tls"): resolved with
 *   Node's resolution from the extending file's folder, trying the specifier as written, then
 *   with .json, .yaml and .yml; it must resolve to a JSON or YAML file. Nothing is fetched and
 *   no code runs.
 *
 * Documents merge in order, each extended document before the one that extends it: a full rule
 * defines or replaces a rule, a bare severity changes the severity of a rule defined earlier.
 */
import { createHash } from "node:crypto";
import { existsSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import {
  dirname,
  extname,
  isAbsolute,
  join,
  relative,
  resolve as resolvePath,
  sep,
} from "node:path";
import { listPresets, presetsDir, readPreset } from "@tlsgate/policies";
import { PolicyError, type PolicyIssue } from "./errors.js";
import { errorAt, loadPolicyFile, parsePolicy } from "./load.js";
import { isLintedPreset } from "./precompiled.js";
import type { LoadedPolicy } from "./load.js";
import { escapePointerSegment, positionOf } from "./source-map.js";
import { didYouMean } from "./suggest.js";
import type {
  PolicyRule,
  PolicySource,
  PolicySourceKind,
  ResolvedPolicy,
  ResolvedRule,
  Waiver,
} from "./types.js";
import { readWaivers } from "./waivers.js";

/** Where bare preset names come from (by default @tlsgate/policies). */
export interface PresetSource {
  list(): string[];
  /** The preset's JSON text, or undefined when there is no such preset. */
  read(name: string): string | undefined;
  /** The file a preset is read from, for error messages. */
  file(name: string): string;
}

export interface ResolveOptions {
  presets?: PresetSource;
  /**
   * Reads a policy file's text by absolute path instead of the disk (a policy at a git
   * revision reads what it extends at that revision too). Throws PolicyError when it cannot.
   */
  readFile?: (file: string) => string;
  /** Folders outside the policy's repository that `extends` may read files from. */
  allowPaths?: readonly string[];
}

const defaultPresets: PresetSource = {
  list: listPresets,
  read: readPreset,
  file: (name) => join(presetsDir, `${name}.json`),
};

interface Loaded extends LoadedPolicy {
  kind: PolicySourceKind;
  ref: string;
  /** Identity for cycle detection: the absolute file, or "preset:NAME". */
  key: string;
}

const POLICY_EXTENSIONS = new Set([".json", ".yaml", ".yml"]);

function isFileRef(ref: string): boolean {
  return ref.startsWith("./") || ref.startsWith("../") || isAbsolute(ref);
}

/** Canonical JSON: object keys sorted, no whitespace. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** SHA-256 of the canonical JSON of rules, without where each was read from. */
export function hashRules(rules: Record<string, ResolvedRule>): string {
  const bare = Object.fromEntries(
    Object.entries(rules).map(([id, rule]) => {
      const { source: _source, ...rest } = rule;
      return [id, rest];
    }),
  );
  return createHash("sha256").update(canonicalJson(bare)).digest("hex");
}

class Resolver {
  private readonly cache = new Map<string, Loaded>();
  readonly sources: PolicySource[] = [];
  /** Waivers by document and index (a document extended twice adds its waivers once). */
  readonly waivers = new Map<string, Waiver>();
  private readonly root: string;

  /** Folders (real paths) file references may resolve into. */
  private readonly allowed: string[];

  constructor(
    private readonly presets: PresetSource,
    rootDir: string,
    allowPaths: readonly string[] = [],
    private readonly readFile?: (file: string) => string,
  ) {
    this.root = rootDir;
    this.allowed = [
      repositoryOf(rootDir),
      ...allowPaths.map((dir) => realOrSelf(resolvePath(dir))),
    ];
  }

  /** Refuses a file reference that leaves the repository and every allowed folder. */
  private checkInside(file: string, ref: string, from: Loaded): void {
    const real = realOrSelf(file);
    // A package's own files may refer to each other inside the package.
    const roots =
      from.kind === "package" ? [...this.allowed, packageRootOf(from.file)] : this.allowed;
    if (roots.some((root) => real === root || real.startsWith(`${root}${sep}`))) return;
    throw errorAt(
      from,
      "extends-outside",
      "",
      `extends ${JSON.stringify(ref)} reads ${file}, outside the policy's repository (${this.allowed[0]}); allow it with --allow-policy-path`,
    );
  }

  /** How a document is named in an extends cycle message. */
  private label(doc: Loaded): string {
    if (doc.kind !== "file") return doc.ref;
    const rel = relative(this.root, doc.file);
    return rel.startsWith("..") || isAbsolute(rel) ? doc.file : rel;
  }

  private record(doc: Loaded): void {
    this.sources.push({
      kind: doc.kind,
      ref: doc.ref,
      file: doc.file,
      name: doc.document.name,
      version: doc.document.version,
    });
  }

  loadFile(file: string, ref: string, kind: PolicySourceKind = "file"): Loaded {
    const key = resolvePath(file);
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const loaded =
      this.readFile === undefined ? loadPolicyFile(key) : parsePolicy(this.readFile(key), key);
    const doc: Loaded = { ...loaded, kind, ref, key };
    this.cache.set(key, doc);
    this.record(doc);
    return doc;
  }

  /**
   * Loads what an `extends` entry names; `from` and `pointer` say where it is named. `from` is
   * null for the policy the user named, which may be anywhere.
   */
  loadRef(
    ref: string,
    from: Pick<LoadedPolicy, "file" | "locate">,
    pointer: string,
    extending: Loaded | null = null,
  ): Loaded {
    const notFound = (message: string, cause?: unknown): PolicyError =>
      errorAt(from, "extends-not-found", pointer, message, cause);
    if (isFileRef(ref)) {
      const file = resolvePath(dirname(from.file), ref);
      if (extending !== null) {
        try {
          this.checkInside(file, ref, extending);
        } catch (error) {
          if (!(error instanceof PolicyError)) throw error;
          throw errorAt(from, "extends-outside", pointer, error.message);
        }
      }
      try {
        return this.loadFile(file, ref);
      } catch (error) {
        if (
          error instanceof PolicyError &&
          error.code === "extends-not-found" &&
          error.file === file
        ) {
          throw notFound(`cannot read ${ref} (${file})`, error);
        }
        throw error;
      }
    }
    const presets = this.presets.list();
    if (!ref.includes("/") && !ref.startsWith("@") && presets.includes(ref)) {
      const key = `preset:${ref}`;
      const cached = this.cache.get(key);
      if (cached !== undefined) return cached;
      const text = this.presets.read(ref);
      if (text === undefined) throw notFound(`preset ${ref} cannot be read`);
      const file = this.presets.file(ref);
      const doc: Loaded = {
        // Linted when validators were generated, unless its text has changed since.
        ...parsePolicy(text, file, { format: "json", linted: isLintedPreset(ref, text) }),
        kind: "preset",
        ref,
        key,
      };
      this.cache.set(key, doc);
      this.record(doc);
      return doc;
    }
    const file = this.resolvePackage(ref, from.file);
    if (file === undefined) {
      const isBare = !ref.includes("/") && !ref.startsWith("@");
      const hint = isBare
        ? `no preset named ${ref}${didYouMean(ref, presets)} (presets: ${presets.join(", ") || "none"}) and no installed package`
        : `no installed package file (looked for ${ref}, ${ref}.json, ${ref}.yaml, ${ref}.yml from ${dirname(from.file)})`;
      throw notFound(`cannot resolve ${JSON.stringify(ref)}: ${hint}`);
    }
    if (!POLICY_EXTENSIONS.has(extname(file).toLowerCase())) {
      throw notFound(
        `${JSON.stringify(ref)} resolves to ${file}, which is not a JSON or YAML policy: policies are data`,
      );
    }
    return this.loadFile(file, ref, "package");
  }

  private resolvePackage(ref: string, fromFile: string): string | undefined {
    const require = createRequire(resolvePath(fromFile));
    for (const candidate of [ref, `${ref}.json`, `${ref}.yaml`, `${ref}.yml`]) {
      try {
        return require.resolve(candidate);
      } catch {
        // try the next spelling
      }
    }
    return undefined;
  }

  /** Merged rules of a document and everything it extends. */
  merge(doc: Loaded, chain: Loaded[]): Map<string, ResolvedRule> {
    const merged = new Map<string, ResolvedRule>();
    const nextChain = [...chain, doc];
    (doc.document.extends ?? []).forEach((ref, index) => {
      const base = this.loadRef(ref, doc, `/extends/${index}`, doc);
      if (nextChain.some((d) => d.key === base.key)) {
        const names = [...nextChain.slice(nextChain.findIndex((d) => d.key === base.key)), base];
        throw errorAt(
          doc,
          "extends-cycle",
          `/extends/${index}`,
          `extends cycle: ${names.map((d) => this.label(d)).join(" → ")}`,
        );
      }
      for (const [id, rule] of this.merge(base, nextChain)) merged.set(id, rule);
    });
    for (const [id, entry] of Object.entries(doc.document.rules ?? {})) {
      const pointer = `/rules/${escapePointerSegment(id)}`;
      if (typeof entry === "string") {
        const existing = merged.get(id);
        if (existing === undefined) {
          throw errorAt(
            doc,
            "invalid",
            pointer,
            `${id} is not defined by any policy this one extends, so it cannot be set to ${entry}${didYouMean(id, merged.keys())}`,
          );
        }
        merged.set(id, { ...existing, severity: entry });
        continue;
      }
      const position = positionOf(doc.locate, pointer);
      const rule: PolicyRule = entry;
      merged.set(id, {
        id,
        ...rule,
        source: { file: doc.file, line: position?.line ?? null, column: position?.column ?? null },
      });
    }
    this.collectWaivers(doc);
    return merged;
  }

  private collectWaivers(doc: Loaded): void {
    const { waivers, issues } = readWaivers(doc.document.waivers ?? [], doc.file, doc.locate);
    const [first, ...rest] = issues.map((issue): PolicyIssue => ({
      code: "invalid",
      file: doc.file,
      ...issue,
    }));
    if (first !== undefined) throw PolicyError.of([first, ...rest]);
    waivers.forEach((waiver, index) => {
      // A document extended twice adds its waivers once.
      const key = `${doc.key}#${index}`;
      if (!this.waivers.has(key)) this.waivers.set(key, waiver);
    });
  }
}

/** The real path of `path`, or `path` itself when it does not exist (yet). */
function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The nearest folder at or above `dir` holding one of `markers`, or null. */
function nearest(dir: string, markers: readonly string[]): string | null {
  for (let at = realOrSelf(dir); ; at = dirname(at)) {
    if (markers.some((marker) => existsSync(join(at, marker)))) return at;
    if (dirname(at) === at) return null;
  }
}

/** The repository a policy belongs to: where `.git` is, else `package.json`, else its folder. */
function repositoryOf(dir: string): string {
  return nearest(dir, [".git"]) ?? nearest(dir, ["package.json"]) ?? realOrSelf(dir);
}

function packageRootOf(file: string): string {
  return nearest(dirname(file), ["package.json"]) ?? realOrSelf(dirname(file));
}

function finish(resolver: Resolver, root: Loaded): ResolvedPolicy {
  const rules = Object.fromEntries(resolver.merge(root, []));
  // A policy without a rule in force passes every target: nothing was judged, so it is refused.
  const ids = Object.keys(rules);
  if (ids.every((id) => rules[id]!.severity === "off")) {
    const why = ids.length === 0 ? "it defines and extends none" : `all ${ids.length} are off`;
    throw errorAt(
      root,
      "invalid",
      root.document.rules === undefined ? "" : "/rules",
      `policy ${root.document.name} has no rules in force (${why}): nothing to judge`,
    );
  }
  const waivers = [...resolver.waivers.values()];
  for (const waiver of waivers) {
    if (rules[waiver.rule] !== undefined) continue;
    throw new PolicyError(
      "invalid",
      `waiver of ${waiver.rule}: no such rule in ${root.document.name}${didYouMean(waiver.rule, Object.keys(rules))}`,
      { ...waiver.source, pointer: `${waiver.source.pointer}/rule` },
    );
  }
  const policy: ResolvedPolicy = {
    name: root.document.name,
    version: root.document.version,
    sources: resolver.sources,
    rules,
    sha256: hashRules(rules),
  };
  if (waivers.length > 0) policy.waivers = waivers;
  if (root.document.description !== undefined) policy.description = root.document.description;
  return policy;
}

/** Loads a policy file and everything it extends into one policy. */
export function resolvePolicy(file: string, options: ResolveOptions = {}): ResolvedPolicy {
  const absolute = resolvePath(file);
  const resolver = new Resolver(
    options.presets ?? defaultPresets,
    dirname(absolute),
    options.allowPaths,
    options.readFile,
  );
  return finish(resolver, resolver.loadFile(absolute, file));
}

/**
 * Resolves a policy named the way `extends` names one (a preset, "./file.yaml", a package),
 * relative to `cwd` (default: the working directory).
 */
export function resolvePolicyRef(
  ref: string,
  options: ResolveOptions & { cwd?: string } = {},
): ResolvedPolicy {
  const cwd = resolvePath(options.cwd ?? process.cwd());
  const resolver = new Resolver(options.presets ?? defaultPresets, cwd, options.allowPaths);
  const anchor = join(cwd, "<policy>");
  let root: Loaded;
  try {
    root = resolver.loadRef(ref, { file: anchor, locate: () => null }, "");
  } catch (error) {
    if (!(error instanceof PolicyError) || error.file !== anchor) throw error;
    throw new PolicyError(error.code, error.message, { cause: error.cause });
  }
  return finish(resolver, root);
}
