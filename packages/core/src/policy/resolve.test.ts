import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { PolicyError } from "./errors.js";
import { MAX_POLICY_BYTES } from "./load.js";
import { canonicalJson, resolvePolicy, resolvePolicyRef } from "./resolve.js";
import type { PresetSource } from "./resolve.js";
import { tempDir } from "../../test/support/temp-dir.js";

function policyError(run: () => unknown): PolicyError {
  try {
    run();
  } catch (error) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error("expected a PolicyError");
}

const protocolRule = (title: string, protocol: string, severity = "error"): object => ({
  severity,
  title,
  schema: { properties: { protocols: { properties: { [protocol]: { const: false } } } } },
});

const dirs: { remove(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));
function files(content: Record<string, string | object>): ReturnType<typeof tempDir> {
  const dir = tempDir(content);
  dirs.push(dir);
  return dir;
}

/** Presets served from a folder of the test, in place of @tlsgate/policies. */
function presetsFrom(dir: ReturnType<typeof tempDir>, names: string[]): PresetSource {
  return {
    list: () => names,
    read: (name) =>
      names.includes(name) ? readFileSync(dir.path(`presets/${name}.json`), "utf8") : undefined,
    file: (name) => dir.path(`presets/${name}.json`),
  };
}

describe("resolvePolicy", () => {
  it("merges three levels in order: later documents override severities and replace rules", () => {
    const dir = files({
      "presets/base.json": {
        name: "base",
        version: "1.0.0",
        rules: {
          "no-sslv3": protocolRule("No SSLv3", "SSLv3"),
          "no-tls10": protocolRule("No TLS 1.0", "TLSv1.0"),
          "no-tls11": protocolRule("No TLS 1.1", "TLSv1.1"),
          "no-sslv2": protocolRule("No SSLv2", "SSLv2"),
        },
      },
      "org/mid.yaml": [
        "name: acme/base",
        "version: 2.0.0",
        "extends: [base]",
        "rules:",
        "  no-tls10: warning",
        "  no-tls11:",
        "    severity: info",
        "    title: TLS 1.1 is discouraged",
        "    schema: { properties: { protocols: { properties: { TLSv1.1: { const: false } } } } }",
        "  tls13:",
        "    severity: warning",
        "    title: TLS 1.3 is offered",
        "    schema: { properties: { protocols: { properties: { TLSv1.3: { const: true } } } } }",
        "",
      ].join("\n"),
      "acme.json": {
        name: "acme/prod",
        version: "3.1.0",
        description: "Production",
        extends: ["./org/mid.yaml"],
        rules: {
          "no-tls10": "error",
          tls13: "off",
          "no-sslv2": protocolRule("SSLv2 is gone", "SSLv2", "warning"),
        },
      },
    });
    const policy = resolvePolicy(dir.path("acme.json"), { presets: presetsFrom(dir, ["base"]) });
    expect(policy.name).toBe("acme/prod");
    expect(policy.version).toBe("3.1.0");
    expect(policy.description).toBe("Production");
    expect(
      Object.values(policy.rules).map((r) => [r.id, r.severity, r.title, r.source.file]),
    ).toEqual([
      ["no-sslv3", "error", "No SSLv3", dir.path("presets/base.json")],
      ["no-tls10", "error", "No TLS 1.0", dir.path("presets/base.json")],
      ["no-tls11", "info", "TLS 1.1 is discouraged", dir.path("org/mid.yaml")],
      ["no-sslv2", "warning", "SSLv2 is gone", dir.path("acme.json")],
      ["tls13", "off", "TLS 1.3 is offered", dir.path("org/mid.yaml")],
    ]);
    expect(policy.rules["no-tls11"]?.source).toEqual({
      file: dir.path("org/mid.yaml"),
      line: 6,
      column: 3,
    });
    expect(policy.sources.map((s) => [s.kind, s.ref, s.name, s.version])).toEqual([
      ["file", dir.path("acme.json"), "acme/prod", "3.1.0"],
      ["file", "./org/mid.yaml", "acme/base", "2.0.0"],
      ["preset", "base", "base", "1.0.0"],
    ]);
    expect(policy.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("hashes the resolved rules canonically: key order and sources do not matter", () => {
    const rule = protocolRule("No TLS 1.0", "TLSv1.0");
    const dir = files({
      "a.json": { name: "a", version: "1.0.0", rules: { "no-tls10": rule } },
      "b/b.yaml":
        "version: 9.9.9\nname: b\nrules:\n  no-tls10:\n    title: No TLS 1.0\n    schema: { properties: { protocols: { properties: { TLSv1.0: { const: false } } } } }\n    severity: error\n",
      "c.json": {
        name: "c",
        version: "1.0.0",
        extends: ["./a.json"],
        rules: { "no-tls10": "warning" },
      },
    });
    const a = resolvePolicy(dir.path("a.json"));
    const b = resolvePolicy(dir.path("b/b.yaml"));
    const c = resolvePolicy(dir.path("c.json"));
    expect(b.sha256).toBe(a.sha256);
    expect(c.sha256).not.toBe(a.sha256);
    expect(canonicalJson({ b: [1, { d: null, c: "x" }], a: true })).toBe(
      '{"a":true,"b":[1,{"c":"x","d":null}]}',
    );
  });

  it("refuses a bare severity for a rule no extended policy defines", () => {
    const dir = files({
      "base.json": {
        name: "base",
        version: "1.0.0",
        rules: { "no-tls10": protocolRule("x", "TLSv1.0") },
      },
      "top.yaml": "name: top\nversion: 1.0.0\nextends: [./base.json]\nrules:\n  no-tls11: off\n",
    });
    const error = policyError(() => resolvePolicy(dir.path("top.yaml")));
    expect([
      error.code,
      error.file,
      error.line,
      error.column,
      error.pointer,
      error.message,
    ]).toEqual([
      "invalid",
      dir.path("top.yaml"),
      5,
      3,
      "/rules/no-tls11",
      "no-tls11 is not defined by any policy this one extends, so it cannot be set to off (did you mean no-tls10?)",
    ]);
  });

  it("refuses a policy with no rule in force: it would pass every target", () => {
    const dir = files({
      "base.json": {
        name: "base",
        version: "1.0.0",
        rules: { "no-tls10": protocolRule("x", "TLSv1.0") },
      },
      "all-off.yaml":
        "name: acme/off\nversion: 1.0.0\nextends: [./base.json]\nrules:\n  no-tls10: off\n",
      "empty.json": '{\n  "name": "acme/empty",\n  "version": "1.0.0",\n  "rules": {}\n}\n',
      "bare.json": { name: "acme/bare", version: "1.0.0" },
    });
    const where = (file: string): unknown[] => {
      const error = policyError(() => resolvePolicy(dir.path(file)));
      return [error.code, error.file, error.line, error.pointer, error.message];
    };
    expect(where("all-off.yaml")).toEqual([
      "invalid",
      dir.path("all-off.yaml"),
      4,
      "/rules",
      "policy acme/off has no rules in force (all 1 are off): nothing to judge",
    ]);
    expect(where("empty.json")).toEqual([
      "invalid",
      dir.path("empty.json"),
      4,
      "/rules",
      "policy acme/empty has no rules in force (it defines and extends none): nothing to judge",
    ]);
    expect(where("bare.json")).toEqual([
      "invalid",
      dir.path("bare.json"),
      1,
      "",
      "policy acme/bare has no rules in force (it defines and extends none): nothing to judge",
    ]);
    // One rule in force is something to judge.
    expect(Object.keys(resolvePolicy(dir.path("base.json")).rules)).toEqual(["no-tls10"]);
  });

  it("refuses an extends cycle, naming the chain", () => {
    const dir = files({
      "a.json": { name: "a", version: "1.0.0", extends: ["./b.json"] },
      "b.json": { name: "b", version: "1.0.0", extends: ["./sub/c.yaml"] },
      "sub/c.yaml": "name: c\nversion: 1.0.0\nextends:\n  - ../a.json\n",
    });
    const error = policyError(() => resolvePolicy(dir.path("a.json")));
    expect(error.code).toBe("extends-cycle");
    expect(error.message).toBe("extends cycle: a.json → b.json → sub/c.yaml → a.json");
    expect([error.file, error.line, error.column, error.pointer]).toEqual([
      dir.path("sub/c.yaml"),
      4,
      5,
      "/extends/0",
    ]);
    const self = files({ "self.json": { name: "s", version: "1.0.0", extends: ["./self.json"] } });
    expect(policyError(() => resolvePolicy(self.path("self.json"))).message).toBe(
      "extends cycle: self.json → self.json",
    );
  });

  it("reads a document extended twice (a diamond) once, and is not fooled into a cycle", () => {
    const dir = files({
      "base.json": {
        name: "base",
        version: "1.0.0",
        rules: { "no-tls10": protocolRule("x", "TLSv1.0") },
      },
      "left.json": { name: "left", version: "1.0.0", extends: ["./base.json"] },
      "right.json": { name: "right", version: "1.0.0", extends: ["./base.json"] },
      "top.json": { name: "top", version: "1.0.0", extends: ["./left.json", "./right.json"] },
    });
    const policy = resolvePolicy(dir.path("top.json"));
    expect(Object.keys(policy.rules)).toEqual(["no-tls10"]);
    expect(policy.sources.map((s) => s.name)).toEqual(["top", "left", "base", "right"]);
  });

  it("resolves an installed npm package from the policy file's folder, never the network", () => {
    const dir = files({
      "node_modules/@acme/tls-policies/package.json": {
        name: "@acme/tls-policies",
        version: "4.2.0",
      },
      "node_modules/@acme/tls-policies/prod.yaml":
        "name: '@acme/tls-policies/prod'\nversion: 4.2.0\nrules:\n  no-tls10:\n    severity: error\n    title: No TLS 1.0\n    schema: { properties: { protocols: { properties: { TLSv1.0: { const: false } } } } }\n",
      "node_modules/@acme/tls-policies/base.json": {
        name: "@acme/tls-policies/base",
        version: "4.2.0",
        rules: { "no-sslv3": protocolRule("No SSLv3", "SSLv3") },
      },
      "node_modules/acme-code/package.json": {
        name: "acme-code",
        version: "1.0.0",
        main: "index.js",
      },
      "node_modules/acme-code/index.js": "throw new Error('policies never run code');\n",
      "repo/policies/prod.json": {
        name: "repo/prod",
        version: "1.0.0",
        extends: ["@acme/tls-policies/prod", "@acme/tls-policies/base.json"],
        rules: { "no-tls10": "warning" },
      },
      "repo/policies/code.json": { name: "code", version: "1.0.0", extends: ["acme-code"] },
      "repo/policies/missing.json": { name: "m", version: "1.0.0", extends: ["@acme/nope/prod"] },
    });
    const policy = resolvePolicy(dir.path("repo/policies/prod.json"));
    expect(Object.values(policy.rules).map((r) => [r.id, r.severity])).toEqual([
      ["no-tls10", "warning"],
      ["no-sslv3", "error"],
    ]);
    expect(policy.sources.slice(1).map((s) => [s.kind, s.ref, s.file])).toEqual([
      ["package", "@acme/tls-policies/prod", dir.path("node_modules/@acme/tls-policies/prod.yaml")],
      [
        "package",
        "@acme/tls-policies/base.json",
        dir.path("node_modules/@acme/tls-policies/base.json"),
      ],
    ]);

    const code = policyError(() => resolvePolicy(dir.path("repo/policies/code.json")));
    expect([code.code, code.pointer]).toEqual(["extends-not-found", "/extends/0"]);
    expect(code.message).toContain("which is not a JSON or YAML policy: policies are data");

    const missing = policyError(() => resolvePolicy(dir.path("repo/policies/missing.json")));
    expect([missing.code, missing.line, missing.column]).toEqual(["extends-not-found", 5, 5]);
    expect(missing.message).toContain('cannot resolve "@acme/nope/prod"');
  });

  it("refuses an unknown preset or file, suggesting a preset name", () => {
    const dir = files({
      "presets/modern.json": { name: "modern", version: "1.0.0" },
      "a.yaml": "name: a\nversion: 1.0.0\nextends: [modren]\n",
      "b.yaml": "name: b\nversion: 1.0.0\nextends:\n  - ./nope.json\n",
    });
    const presets = presetsFrom(dir, ["modern"]);
    const preset = policyError(() => resolvePolicy(dir.path("a.yaml"), { presets }));
    expect([preset.code, preset.pointer, preset.line, preset.column]).toEqual([
      "extends-not-found",
      "/extends/0",
      3,
      11,
    ]);
    expect(preset.message).toBe(
      'cannot resolve "modren": no preset named modren (did you mean modern?) (presets: modern) and no installed package',
    );
    const file = policyError(() => resolvePolicy(dir.path("b.yaml"), { presets }));
    expect([file.code, file.file, file.line, file.column]).toEqual([
      "extends-not-found",
      dir.path("b.yaml"),
      4,
      5,
    ]);
    expect(file.message).toBe(`cannot read ./nope.json (${dir.path("nope.json")})`);
  });

  it("reports an error inside an extended file at that file", () => {
    const dir = files({
      "base.yaml":
        "name: base\nversion: 1.0.0\nrules:\n  x:\n    severity: error\n    title: X\n    schema:\n      properties: { protocol: {} }\n",
      "top.json": { name: "top", version: "1.0.0", extends: ["./base.yaml"] },
    });
    const error = policyError(() => resolvePolicy(dir.path("top.json")));
    expect([error.code, error.file, error.line, error.column]).toEqual([
      "unknown-path",
      dir.path("base.yaml"),
      8,
      21,
    ]);
  });
});

describe("resolvePolicyRef", () => {
  it("resolves a preset by name, a file and a package like extends does", () => {
    const dir = files({
      "presets/modern.json": {
        name: "modern",
        version: "5.0.0",
        rules: { "no-tls10": protocolRule("No TLS 1.0", "TLSv1.0") },
      },
      "local.yaml": "name: local\nversion: 0.1.0\nextends: [modern]\n",
    });
    const presets = presetsFrom(dir, ["modern"]);
    const preset = resolvePolicyRef("modern", { presets, cwd: dir.dir });
    expect([preset.name, preset.version, Object.keys(preset.rules)]).toEqual([
      "modern",
      "5.0.0",
      ["no-tls10"],
    ]);
    const local = resolvePolicyRef("./local.yaml", { presets, cwd: dir.dir });
    expect([local.name, local.sha256]).toEqual(["local", preset.sha256]);
    const error = policyError(() => resolvePolicyRef("ancient", { presets, cwd: dir.dir }));
    expect([error.code, error.file, error.toString()]).toEqual([
      "extends-not-found",
      null,
      'cannot resolve "ancient": no preset named ancient (presets: modern) and no installed package',
    ]);
  });

  describe("reads only what it should", () => {
    const base = {
      name: "base",
      version: "1.0.0",
      rules: { "no-tls10": protocolRule("No TLS 1.0", "TLSv1.0") },
    };

    it("refuses an extends file outside the policy's repository, naming where and how to allow it", () => {
      const dir = files({
        "repo/.git/HEAD": "ref: refs/heads/main\n",
        "repo/policies/prod.yaml": "name: prod\nversion: 1.0.0\nextends:\n  - ../../outside.json\n",
        "repo/policies/abs.yaml": `name: abs\nversion: 1.0.0\nextends:\n  - ${"/"}etc/passwd\n`,
        "repo/policies/inside.yaml":
          "name: in\nversion: 1.0.0\nextends:\n  - ../shared/base.json\n",
        "repo/shared/base.json": base,
        "outside.json": base,
      });
      const outside = policyError(() => resolvePolicy(dir.path("repo/policies/prod.yaml")));
      expect([outside.code, outside.pointer, outside.line, outside.column]).toEqual([
        "extends-outside",
        "/extends/0",
        4,
        5,
      ]);
      expect(outside.message).toMatch(
        /^extends "\.\.\/\.\.\/outside\.json" reads \S+outside\.json, outside the policy's repository \(\S+repo\); allow it with --allow-policy-path$/,
      );
      expect(policyError(() => resolvePolicy(dir.path("repo/policies/abs.yaml"))).code).toBe(
        "extends-outside",
      );
      // Inside the repository, `..` is fine.
      expect(Object.keys(resolvePolicy(dir.path("repo/policies/inside.yaml")).rules)).toEqual([
        "no-tls10",
      ]);
      // An allowed folder opens the way.
      const allowed = resolvePolicy(dir.path("repo/policies/prod.yaml"), { allowPaths: [dir.dir] });
      expect(allowed.sources.map((source) => source.name)).toEqual(["prod", "base"]);
    });

    it("refuses a FIFO at once, without opening it", () => {
      const dir = files({
        "repo/package.json": "{}",
        "repo/top.yaml": "name: t\nversion: 1.0.0\nextends: [./pipe.json]\n",
      });
      execFileSync("mkfifo", [dir.path("repo/pipe.json")]);
      const error = policyError(() => resolvePolicy(dir.path("repo/top.yaml")));
      expect(error.code).toBe("extends-not-found");
      expect(error.message).toMatch(/^cannot read \.\/pipe\.json \(/);
      expect((error.cause as PolicyError).message).toMatch(/: not a regular file$/);
    });

    it("refuses a policy file larger than 1 MiB", () => {
      const big = `{"name":"big","version":"1.0.0","description":"${"x".repeat(MAX_POLICY_BYTES)}"}`;
      const dir = files({ "big.json": big });
      const error = policyError(() => resolvePolicy(dir.path("big.json")));
      expect(error.message).toMatch(/more than a policy may have \(1048576\)$/);
    });
  });
});
