// Writing policies: the starter policy of `tlsgate init` and its $schema, message placeholder
// lint errors with their position, and policy test cases over a named sample report.
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { sampleReportNames } from "@tlsgate/core/policy";
import { CLI_VERSION } from "../src/version.js";
import { runCli } from "./run-cli.js";

const CORE_DIR = fileURLToPath(new URL("../../core/", import.meta.url));
const project = (): string => mkdtempSync(join(tmpdir(), "tlsgate-authoring-"));

function validatorFor(schemaFile: string): (value: unknown) => string[] {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormatsModule.default(ajv, ["uri", "date-time"]);
  const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, "utf8")) as object);
  return (value) =>
    validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe("tlsgate init", () => {
  it("writes a starter policy whose $schema is the installed schema file, which validates it", async () => {
    const root = project();
    // The project has @tlsgate/core installed (a link to this repository's package, as npm
    // workspaces make it); init runs in a subfolder, so the path climbs to the node_modules.
    mkdirSync(join(root, "node_modules", "@tlsgate"), { recursive: true });
    symlinkSync(CORE_DIR, join(root, "node_modules", "@tlsgate", "core"), "dir");
    const cwd = join(root, "infra");
    mkdirSync(cwd);
    const run = await runCli(["init", "example.com", "--policy", "modern"], { cwd });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain("note:");

    const text = readFileSync(join(cwd, "tls-policy.yaml"), "utf8");
    const ref = "../node_modules/@tlsgate/core/schemas/policy.schema.json";
    expect(text.split("\n")[0]).toBe(`# yaml-language-server: $schema=${ref}`);
    const policy = parseYaml(text) as Record<string, unknown>;
    expect(policy).toMatchObject({ $schema: ref, extends: ["modern"], rules: {} });
    expect(validatorFor(resolve(cwd, ref))(policy)).toEqual([]);
    // Not vacuous: the same schema refuses a misspelt key.
    expect(validatorFor(resolve(cwd, ref))({ ...policy, rulez: {} })).not.toEqual([]);

    const config = JSON.parse(readFileSync(join(cwd, "tlsgate.config.json"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(config).toMatchObject({
      $schema: "../node_modules/@tlsgate/core/schemas/config.schema.json",
      policy: "./tls-policy.yaml",
      targets: ["example.com"],
    });
    expect(validatorFor(resolve(cwd, config.$schema as string))(config)).toEqual([]);

    // The starter policy loads and lints as tlsgate itself reads it.
    const lint = await runCli(["policy", "lint", "tls-policy.yaml"], { cwd });
    expect(lint.stderr).toBe("");
    expect(lint.stdout).toMatch(/^tls-policy\.yaml: valid — infra\/tls@1\.0\.0, \d+ rules/);
    expect(lint.code).toBe(0);
  });

  it("points $schema at unpkg.com and says so when @tlsgate/core is not installed", async () => {
    const cwd = project();
    const run = await runCli(["init"], { cwd });
    expect(run.code).toBe(0);
    const url = `https://unpkg.com/@tlsgate/core@${CLI_VERSION}/schemas/policy.schema.json`;
    expect(run.stdout).toContain(
      `note: @tlsgate/core is not installed here, so $schema points at ${url}`,
    );
    const policy = parseYaml(readFileSync(join(cwd, "tls-policy.yaml"), "utf8")) as object;
    expect(policy).toMatchObject({ $schema: url, extends: ["intermediate"] });
    // The unpkg path is the path of the file the package ships.
    expect(validatorFor(join(CORE_DIR, "schemas", "policy.schema.json"))(policy)).toEqual([]);
  });
});

describe("tlsgate policy lint", () => {
  it("refuses a misspelt message placeholder with file:line:col and a suggestion", async () => {
    const cwd = project();
    writeFileSync(
      join(cwd, "p.yaml"),
      [
        "name: acme/tls",
        "version: 1.0.0",
        "extends: [intermediate]",
        "rules:",
        "  tls13-required:",
        "    severity: error",
        "    title: TLS 1.3 is enabled",
        '    message: "{reprot.target.host} does not speak TLS 1.3"',
        "    schema:",
        "      properties:",
        "        protocols: { properties: { TLSv1.3: { const: true } } }",
        "",
      ].join("\n"),
    );
    const run = await runCli(["policy", "lint", "p.yaml"], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "p.yaml:8:15 /rules/tls13-required/message: unknown message placeholder {reprot.target.host} (did you mean {report.target.host}?)",
    );
  });
});

describe("tlsgate policy test with a base report", () => {
  it("names every shipped sample report in its help", async () => {
    const help = await runCli(["policy", "test", "--help"]);
    expect(help.code).toBe(0);
    const listed = /\(([a-z, -]+)\), and only what differs/.exec(help.stdout)?.[1];
    expect(listed?.split(", ")).toEqual(sampleReportNames());
  });

  it("passes and fails partial-report cases merged over a named sample", async () => {
    const cwd = project();
    const cases = join(cwd, "cases");
    mkdirSync(cases);
    writeFileSync(
      join(cases, "tls10.case.yaml"),
      "policy: intermediate\nbase: mozilla-intermediate\nreport: { protocols: { TLSv1.0: true } }\nexpect: { tls-versions: fail }\n",
    );
    writeFileSync(
      join(cases, "as-captured.case.yaml"),
      "policy: intermediate\nbase: mozilla-intermediate\nexpect: { tls-versions: pass }\n",
    );
    const pass = await runCli(["policy", "test", "cases"], { cwd });
    expect(pass.stdout).toBe("ok    as-captured\nok    tls10\n2 passed, 0 failed\n");
    expect(pass.code).toBe(0);

    writeFileSync(
      join(cases, "wrong.case.yaml"),
      "policy: intermediate\nbase: mozilla-intermediate\nreport: { protocols: { TLSv1.1: true } }\nexpect: { tls-versions: pass }\n",
    );
    const fail = await runCli(["policy", "test", "cases"], { cwd });
    expect(fail.stdout).toContain("FAIL  wrong\n      tls-versions: expected pass, got fail");
    expect(fail.stdout).toContain("2 passed, 1 failed");
    expect(fail.code).toBe(1);
  });
});
