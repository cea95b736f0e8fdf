import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PolicyCache, loadNamedPolicy, policyFileOf } from "./named-policy.js";

const dir = mkdtempSync(join(tmpdir(), "tlsgate-named-"));
const policy = (name: string) => ({
  name,
  version: "1.0.0",
  rules: {
    "no-tls10": {
      severity: "error",
      title: "No TLS 1.0",
      schema: { properties: { protocols: { properties: { "TLSv1.0": { const: false } } } } },
    },
  },
});
writeFileSync(join(dir, "team.json"), JSON.stringify(policy("team")));
mkdirSync(join(dir, "policy"));
writeFileSync(join(dir, "policy", "x.yaml"), `name: x\nversion: 1.0.0\nextends: [baseline]\n`);

describe("named policies", () => {
  it("takes an existing file for a bare file name, relative to the folder", () => {
    expect(policyFileOf("team.json", dir)).toBe(join(dir, "team.json"));
    expect(policyFileOf("missing.json", dir)).toBeNull();
    expect(policyFileOf("intermediate", dir)).toBeNull();
    expect(loadNamedPolicy("team.json", dir).name).toBe("team");
  });

  it("reads a path in a folder with or without ./, and names a missing file", () => {
    expect(loadNamedPolicy("policy/x.yaml", dir).name).toBe("x");
    expect(loadNamedPolicy("./policy/x.yaml", dir).name).toBe("x");
    expect(loadNamedPolicy(join(dir, "policy", "x.yaml"), "/").name).toBe("x");
    expect(() => loadNamedPolicy("./policy/missing.yaml", dir)).toThrow(
      `cannot read ./policy/missing.yaml (${join(dir, "policy", "missing.yaml")})`,
    );
  });

  it("resolves a preset name", () => {
    expect(loadNamedPolicy("baseline", dir).name).toBe("tlsgate/baseline");
  });

  it("compiles each policy once per folder and reference", () => {
    const cache = new PolicyCache();
    const first = cache.get("team.json", dir);
    expect(cache.get("team.json", `${dir}/.`)).toBe(first);
    expect(cache.get("baseline", dir)).not.toBe(first);
  });
});
