/**
 * A policy as a user names it on a command line or in a config file: a preset ("modern"), a
 * policy file ("tls.yaml", "./p.json") or an installed package ("@acme/tls-policies/prod").
 * The CLI and the Action both resolve `--policy` / `policy:` this way.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { compilePolicy, type CompiledPolicy } from "./evaluate.js";
import { resolvePolicy, resolvePolicyRef, type ResolveOptions } from "./resolve.js";
import type { ResolvedPolicy } from "./types.js";

/** The file a reference names, relative to `dir`, or null for a preset or package. A file wins. */
export function policyFileOf(ref: string, dir: string): string | null {
  const file = resolve(dir, ref);
  return /\.(json|ya?ml)$/i.test(ref) && existsSync(file) ? file : null;
}

/** Resolves a named policy with everything it extends. */
export function loadNamedPolicy(
  ref: string,
  dir: string,
  options: ResolveOptions = {},
): ResolvedPolicy {
  const file = policyFileOf(ref, dir);
  return file === null
    ? resolvePolicyRef(ref, { ...options, cwd: dir })
    : resolvePolicy(file, options);
}

/** Compiles each distinct policy once, however many targets use it. */
export class PolicyCache {
  readonly #compiled = new Map<string, CompiledPolicy>();
  readonly #options: ResolveOptions;

  constructor(options: ResolveOptions = {}) {
    this.#options = options;
  }

  get(ref: string, dir: string): CompiledPolicy {
    const key = `${resolve(dir)}\0${ref}`;
    let compiled = this.#compiled.get(key);
    if (compiled === undefined) {
      compiled = compilePolicy(loadNamedPolicy(ref, dir, this.#options));
      this.#compiled.set(key, compiled);
    }
    return compiled;
  }
}
