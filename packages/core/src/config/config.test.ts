import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

const dir = mkdtempSync(join(tmpdir(), "tlsgate-config-"));
const write = (name: string, value: unknown): string => {
  writeFileSync(join(dir, name), typeof value === "string" ? value : JSON.stringify(value));
  return name;
};

describe("loadConfig", () => {
  it("reads targets, per-target settings and defaults, resolving from the file's folder", () => {
    const file = write("ok.json", {
      policy: "modern",
      failOn: "warning",
      timeout: 2000,
      targets: ["a.example", { target: "b.example:8443", policy: "./p.yaml", sni: "b.example" }],
    });
    const loaded = loadConfig(file, dir);
    expect(loaded.dir).toBe(dir);
    expect(loaded.file).toBe(join(dir, "ok.json"));
    expect(loaded.config.targets).toEqual([
      "a.example",
      { target: "b.example:8443", policy: "./p.yaml", sni: "b.example" },
    ]);
    expect(loaded.config.failOn).toBe("warning");
  });

  it.each([
    [{ targets: "a" }, "/targets", "must be array"],
    [{ targets: [{ port: 1 }] }, "/targets/0", 'missing field "target"'],
    [{ targets: [42] }, "/targets/0", 'must be a target or {"target": …}'],
    [{ targets: [{ target: "a", port: 0 }] }, "/targets/0/port", "must be >= 1"],
    [{ targets: [{ target: "a", prot: 1 }] }, "/targets/0", 'unknown field "prot"'],
    [{ failOn: "fatal", targets: [] }, "/failOn", "must be one of error, warning, info, never"],
    [{ timeout: 5, targets: [] }, "/timeout", "must be >= 100"],
    [{}, "", 'missing field "targets"'],
  ])("refuses %j at %s", (value, pointer, message) => {
    const file = write("bad.json", value);
    let caught: unknown;
    try {
      loadConfig(file, dir);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).pointer).toBe(pointer);
    expect((caught as ConfigError).message).toBe(
      `bad.json${pointer === "" ? "" : ` ${pointer}`}: ${message}`,
    );
  });

  it("names the file it cannot parse", () => {
    const file = write("broken.json", "{ targets: ");
    expect(() => loadConfig(file, dir)).toThrow(/^broken\.json: cannot read: /);
  });
});
