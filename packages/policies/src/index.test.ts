import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { PRESET_NAMES, isPresetName, listPresets, readPreset } from "./index.js";

const repoPolicies = fileURLToPath(new URL("../../../policies/", import.meta.url));

describe("presets", () => {
  it("ships exactly the JSON documents of the top-level policies/ folder", () => {
    const expected = readdirSync(repoPolicies)
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.replace(/\.json$/, ""))
      .sort();
    expect(listPresets()).toEqual(expected);
  });

  it("names every preset it ships in PRESET_NAMES, sorted", () => {
    expect([...PRESET_NAMES]).toEqual(listPresets());
  });

  it("tells preset names from other strings", () => {
    for (const name of PRESET_NAMES) expect(isPresetName(name)).toBe(true);
    for (const other of ["", "Modern", "./modern.json", "modern.json", "@acme/tls/modern", "old"]) {
      expect(isPresetName(other)).toBe(false);
    }
  });

  it("reads each preset as a JSON policy document named after it", () => {
    for (const name of PRESET_NAMES) {
      const document = JSON.parse(readPreset(name) ?? "null") as { name?: unknown };
      expect(document.name).toBe(`tlsgate/${name}`);
    }
  });

  it("returns undefined for a name it does not ship", () => {
    expect(readPreset("no-such-preset")).toBeUndefined();
    expect(readPreset("../package")).toBeUndefined();
  });
});
