import { PRESET_NAMES, listPresets, readPreset } from "@tlsgate/policies";
import { describe, expect, it, vi } from "vitest";
import * as lint from "./lint.js";
import { compilePolicy } from "./evaluate.js";
import { PolicyError } from "./errors.js";
import { isLintedPreset, precompiledRuleAsWritten } from "./precompiled.js";
import { PRECOMPILED_RULES } from "./precompiled-rules.js";
import { hashRules, resolvePolicyRef, type PresetSource } from "./resolve.js";

// Counts the lint's calls (the functions still run): which path a preset took is not visible
// in the result when the preset is clean, which is the point of skipping it.
vi.mock("./lint.js", async (importOriginal) => {
  const original = await importOriginal<typeof lint>();
  return {
    ...original,
    lintRuleSchema: vi.fn(original.lintRuleSchema),
    prepareRuleSchema: vi.fn(original.prepareRuleSchema),
  };
});

/** The shipped presets, with `intermediate` read as `text`. */
function presetsWith(text: string): PresetSource {
  return {
    list: listPresets,
    read: (name) => (name === "intermediate" ? text : readPreset(name)),
    file: (name) => `${name}.json`,
  };
}

const intermediate = readPreset("intermediate")!;

describe("presets linted at generation", () => {
  it("are recorded by the hash of their text, and a changed byte is not", () => {
    for (const name of PRESET_NAMES) expect(isLintedPreset(name, readPreset(name)!)).toBe(true);
    expect(isLintedPreset("intermediate", `${intermediate} `)).toBe(false);
    expect(isLintedPreset("modern", intermediate)).toBe(false);
    expect(isLintedPreset("no-such-preset", intermediate)).toBe(false);
  });

  it("load without the lint and compile without preparing their rules again", () => {
    vi.mocked(lint.lintRuleSchema).mockClear();
    vi.mocked(lint.prepareRuleSchema).mockClear();
    const compiled = compilePolicy(resolvePolicyRef("intermediate"));
    expect(compiled.rules.length).toBeGreaterThan(10);
    expect(lint.lintRuleSchema).not.toHaveBeenCalled();
    expect(lint.prepareRuleSchema).not.toHaveBeenCalled();
    // The validators are the precompiled ones of the prepared schemas.
    const precompiled = new Set<unknown>(PRECOMPILED_RULES.values());
    for (const rule of compiled.rules) expect(precompiled.has(rule.validate)).toBe(true);
  });

  it("are linted again when their text changed, and a problem is refused", () => {
    vi.mocked(lint.lintRuleSchema).mockClear();
    // Same rules, other bytes: linted, and the same policy comes out.
    const respaced = intermediate.replace(/\n/g, "\n ");
    const relinted = resolvePolicyRef("intermediate", { presets: presetsWith(respaced) });
    expect(lint.lintRuleSchema).toHaveBeenCalled();
    // (Where each rule was read from differs: the file name and columns.)
    expect(hashRules(relinted.rules)).toBe(hashRules(resolvePolicyRef("intermediate").rules));
    // A misspelt report field in a changed preset is found as in any policy.
    const misspelt = intermediate.replace('"protocols"', '"protocolz"');
    expect(misspelt).not.toBe(intermediate);
    const error = (() => {
      try {
        resolvePolicyRef("intermediate", { presets: presetsWith(misspelt) });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).issues[0]).toMatchObject({
      code: "unknown-path",
      file: "intermediate.json",
    });
  });

  it("lend their validators to a custom rule that writes the same schema, and no other", () => {
    const rule = Object.values(resolvePolicyRef("intermediate").rules).find(
      (r) => r.severity !== "off",
    )!;
    const validate = precompiledRuleAsWritten(JSON.parse(JSON.stringify(rule.schema)));
    expect(validate).toBeDefined();
    expect(new Set<unknown>(PRECOMPILED_RULES.values()).has(validate!)).toBe(true);
    expect(precompiledRuleAsWritten({ properties: { hsts: { type: "object" } } })).toBe(undefined);
  });
});
