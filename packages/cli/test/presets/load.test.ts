// Every preset loads through core's loader (policy schema, rule lint against the ScanReport
// schema, ajv strict compile), carries what reporters show, and composes as documented.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  POLICY_SCHEMA_ID,
  compilePolicy,
  parsePolicy,
  resolvePolicy,
  resolvePolicyRef,
} from "@tlsgate/core";
import { PRESET_NAMES, presetsDir, readPreset } from "@tlsgate/policies";
import type { PresetName } from "@tlsgate/policies";
import { ownRules, presetDocument, severityOverrides } from "./support.js";

/** What each preset extends: the Mozilla levels build on baseline; pq-ready stands alone. */
const EXTENDS: Record<PresetName, string[] | undefined> = {
  baseline: undefined,
  compatible: ["baseline"],
  intermediate: ["baseline"],
  modern: ["baseline"],
  "pq-ready": undefined,
};

const MOZILLA: readonly PresetName[] = ["modern", "intermediate", "compatible"];

describe.each([...PRESET_NAMES])("%s", (name) => {
  it("parses and lints through core's loader", () => {
    const text = readPreset(name) ?? "";
    const loaded = parsePolicy(text, join(presetsDir, `${name}.json`));
    expect(loaded.document.name).toBe(`tlsgate/${name}`);
  });

  it("resolves by bare name and compiles", () => {
    const resolved = resolvePolicyRef(name);
    const compiled = compilePolicy(resolved);
    expect(compiled.policy.name).toBe(`tlsgate/${name}`);
    expect(compiled.off).toEqual([]);
    expect(compiled.rules.length).toBe(Object.keys(resolved.rules).length);
  });

  it("names its schema, itself, its version and what it is for", () => {
    const document = presetDocument(name);
    expect(document.$schema).toBe(POLICY_SCHEMA_ID);
    expect(document.version).toBe("1.0.0");
    expect(document.description?.length).toBeGreaterThan(40);
    expect(document.extends).toEqual(EXTENDS[name]);
  });

  it.each(Object.entries(ownRules(name)))(
    "rule %s explains itself and how to fix it",
    (_, rule) => {
      expect(rule.description?.length).toBeGreaterThan(40);
      expect(rule.message?.length).toBeGreaterThan(5);
      for (const server of ["nginx", "apache", "haproxy", "generic"] as const) {
        expect(rule.remediation?.[server]?.length, server).toBeGreaterThan(5);
      }
      expect(rule.references?.length).toBeGreaterThan(0);
    },
  );
});

describe("composition", () => {
  const baseline = resolvePolicyRef("baseline").rules;

  it.each(MOZILLA)("%s inherits baseline's rules unchanged but for its overrides", (name) => {
    const resolved = resolvePolicyRef(name).rules;
    const overrides = severityOverrides(name);
    for (const [id, rule] of Object.entries(baseline)) {
      const inherited = resolved[id];
      expect(inherited?.schema, id).toEqual(rule.schema);
      expect(inherited?.severity, id).toBe(overrides[id] ?? rule.severity);
    }
    // Its own rules do not replace baseline's.
    expect(Object.keys(ownRules(name)).filter((id) => id in baseline)).toEqual([]);
  });

  it("compatible lowers only 3DES to a warning (Mozilla's old level keeps DES-CBC3-SHA)", () => {
    expect(severityOverrides("compatible")).toEqual({ "no-3des-cipher-suites": "warning" });
    expect(severityOverrides("modern")).toEqual({});
    expect(severityOverrides("intermediate")).toEqual({});
  });

  it("the Mozilla levels define the same rules", () => {
    const [first, ...rest] = MOZILLA.map((name) => Object.keys(ownRules(name)).sort());
    for (const ids of rest) expect(ids).toEqual(first);
  });

  it("pq-ready shares no rule id with any other preset, so it combines with each", () => {
    const pq = Object.keys(ownRules("pq-ready"));
    for (const name of PRESET_NAMES.filter((n) => n !== "pq-ready")) {
      const ids = Object.keys(resolvePolicyRef(name).rules);
      expect(
        pq.filter((id) => ids.includes(id)),
        name,
      ).toEqual([]);
    }
  });

  describe("a policy extending intermediate and pq-ready", () => {
    const dir = mkdtempSync(join(tmpdir(), "tlsgate-presets-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("gets every rule of both", () => {
      const file = join(dir, "policy.json");
      writeFileSync(
        file,
        JSON.stringify({
          name: "acme/prod",
          version: "1.0.0",
          extends: ["intermediate", "pq-ready"],
          rules: { hsts: "off" },
        }),
      );
      const resolved = resolvePolicy(file);
      const expected = [
        ...Object.keys(resolvePolicyRef("intermediate").rules),
        ...Object.keys(ownRules("pq-ready")),
      ];
      expect(Object.keys(resolved.rules).sort()).toEqual(expected.sort());
      expect(resolved.rules["hsts"]?.severity).toBe("off");
      expect(compilePolicy(resolved).off).toEqual(["hsts"]);
    });
  });
});
