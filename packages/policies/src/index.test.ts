import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { listPresets, readPreset } from "./index.js";

const repoPolicies = fileURLToPath(new URL("../../../policies/", import.meta.url));

describe("presets", () => {
  it("ships exactly the JSON documents of the top-level policies/ folder", () => {
    const expected = readdirSync(repoPolicies)
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.replace(/\.json$/, ""))
      .sort();
    expect(listPresets()).toEqual(expected);
  });

  it("returns undefined for a name it does not ship", () => {
    expect(readPreset("no-such-preset")).toBeUndefined();
    expect(readPreset("../package")).toBeUndefined();
  });
});
