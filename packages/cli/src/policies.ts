import { existsSync } from "node:fs";
import { resolve } from "node:path";
import {
  compilePolicy,
  resolvePolicy,
  resolvePolicyRef,
  type CompiledPolicy,
  type ResolvedPolicy,
} from "@tlsgate/core";

export const DEFAULT_POLICY = "intermediate";

/**
 * A policy as the user names it: a preset ("modern"), a file ("tls.yaml", "./p.json") or an
 * installed package ("@acme/tls-policies/prod"). An existing file wins over a package name.
 */
export function loadPolicy(ref: string, cwd: string): ResolvedPolicy {
  const file = resolve(cwd, ref);
  if (/\.(json|ya?ml)$/i.test(ref) && existsSync(file)) return resolvePolicy(file);
  return resolvePolicyRef(ref, { cwd });
}

/** Compiles each distinct policy once, however many targets use it. */
export class PolicyCache {
  readonly #cwd: string;
  readonly #compiled = new Map<string, CompiledPolicy>();

  constructor(cwd: string) {
    this.#cwd = cwd;
  }

  get(ref: string, cwd: string = this.#cwd): CompiledPolicy {
    const key = `${cwd}\0${ref}`;
    let compiled = this.#compiled.get(key);
    if (compiled === undefined) {
      compiled = compilePolicy(loadPolicy(ref, cwd));
      this.#compiled.set(key, compiled);
    }
    return compiled;
  }
}
