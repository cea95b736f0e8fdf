import { compilePolicy } from "../../src/policy/evaluate.js";
import type { CompiledPolicy } from "../../src/policy/evaluate.js";
import { hashRules } from "../../src/policy/resolve.js";
import type { PolicyRule, ResolvedPolicy, ResolvedRule } from "../../src/policy/types.js";

/** A resolved policy made in memory from rules (as if read from `test.json`). */
export function policyOf(
  rules: Record<string, PolicyRule>,
  name = "test/policy",
  version = "1.0.0",
): ResolvedPolicy {
  const resolved: Record<string, ResolvedRule> = {};
  for (const [id, rule] of Object.entries(rules)) {
    resolved[id] = { id, ...rule, source: { file: "test.json", line: null, column: null } };
  }
  return { name, version, sources: [], rules: resolved, sha256: hashRules(resolved) };
}

export function compiled(rules: Record<string, PolicyRule>): CompiledPolicy {
  return compilePolicy(policyOf(rules));
}

export const protocols = (properties: Record<string, unknown>): PolicyRule["schema"] => ({
  properties: { protocols: { properties } },
});

export const suites = (item: Record<string, unknown>): PolicyRule["schema"] => ({
  properties: { cipherSuites: { items: item } },
});
