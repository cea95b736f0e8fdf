import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

const dir = mkdtempSync(join(tmpdir(), "tlsgate-config-"));
function refusal(file: string): ConfigError {
  try {
    loadConfig(file, dir);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`${file} was accepted`);
}

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
    [{ targets: "a" }, "1:2 /targets", "must be array"],
    [{ targets: [{ port: 1 }] }, "1:13 /targets/0", 'missing field "target"'],
    [{ targets: [42] }, "1:13 /targets/0", 'must be a target or {"target": …}'],
    [{ targets: [{ target: "a", port: 0 }] }, "1:27 /targets/0/port", "must be >= 1"],
    [{ targets: [{ target: "a", prot: 1 }] }, "1:27 /targets/0/prot", 'unknown field "prot"'],
    [{ failOn: "fatal", targets: [] }, "1:2 /failOn", "must be one of error, warning, info, never"],
    [{ timeout: 5, targets: [] }, "1:2 /timeout", "must be >= 100"],
    [{}, "1:1", 'missing field "targets"'],
  ])("refuses %j at %s", (value, where, message) => {
    const file = write("bad.json", value);
    const caught = refusal(file);
    const pointer = where.split(" ")[1] ?? "";
    expect(caught.pointer).toBe(pointer);
    expect(caught.message).toBe(`bad.json:${where.replace(" ", " ")}: ${message}`);
    expect(caught.issues).toHaveLength(1);
  });

  it("reports every problem of a file at once, each with its line and column", () => {
    const file = write(
      "three.json",
      [
        "{",
        '  "failOn": "fatal",',
        '  "timout": 100,',
        '  "targets": [{ "target": "a", "port": 0 }]',
        "}",
      ].join("\n"),
    );
    const caught = refusal(file);
    expect(caught.code).toBe("invalid");
    expect(caught.toString().split("\n")).toEqual([
      "three.json:2:3 /failOn: must be one of error, warning, info, never",
      'three.json:3:3 /timout: unknown field "timout"',
      "three.json:4:32 /targets/0/port: must be >= 1",
    ]);
  });

  it("reads waivers as policies do: every bad date at once, each at its expires", () => {
    const waiver = (rule: string, expires: string): string =>
      `    { "rule": "${rule}", "targets": ["*"], "reason": "OPS-1", "expires": "${expires}" }`;
    const file = write(
      "waivers.json",
      [
        "{",
        '  "targets": [],',
        '  "waivers": [',
        `${waiver("no-tls10", "2027-02-30")},`,
        `${waiver("no-tls11", "2027-03-31")},`,
        waiver("no-rc4", "2027-13-01"),
        "  ]",
        "}",
      ].join("\n"),
    );
    expect(refusal(file).toString().split("\n")).toEqual([
      'waivers.json:4:64 /waivers/0/expires: "2027-02-30" is not a date like 2027-03-31',
      'waivers.json:6:62 /waivers/2/expires: "2027-13-01" is not a date like 2027-03-31',
    ]);
    write("waivers.json", {
      targets: [],
      waivers: [{ rule: "r", targets: ["*"], reason: "x", expires: "2027-03-31" }],
    });
    expect(loadConfig("waivers.json", dir).waivers).toEqual([
      {
        rule: "r",
        targets: ["*"],
        reason: "x",
        expires: "2027-03-31",
        source: { file: join(dir, "waivers.json"), line: 1, column: 26, pointer: "/waivers/0" },
        expiresAt: { line: 1, column: 67 },
      },
    ]);
  });

  it("names the file and position of a syntax error, and a file it cannot read", () => {
    const file = write("broken.json", "{ targets: ");
    expect(refusal(file).message).toMatch(/^broken\.json:1:3: not JSON: /);
    expect(refusal("missing.json").message).toMatch(/^missing\.json: cannot read: ENOENT/);
    expect(refusal("missing.json").code).toBe("read");
  });

  it("refuses a FIFO at once, without opening it", () => {
    execFileSync("mkfifo", [join(dir, "pipe.json")]);
    expect(refusal("pipe.json").message).toBe("pipe.json: cannot read: not a regular file");
  });
});
