// Writes packages/core/src/policy/precompiled-rules.ts: the validators of every preset rule,
// compiled ahead of time to ajv standalone code, so that a scan with a preset compiles no rule
// schema at start-up; and precompiled-policy-schema.ts, the policy document's validator. Each validator is keyed by its prepared schema's JSON text, the key
// compileRuleSchema looks up: a rule whose schema differs (a custom policy, a changed preset)
// is compiled at run time as before, so a stale file costs time, never correctness. The same
// validators are also keyed by each rule schema as written, and each preset's SHA-256 is recorded:
// a preset whose text still has that hash is not linted again at load (it was linted here).
//
//   tsx scripts/generate-validators.ts [--check]     (npm run generate:validators)
//
// --check writes nothing and exits 1 when a file is stale (0 when both match).
import { readFile, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import standaloneModule from "ajv/dist/standalone/index.js";
import * as prettier from "prettier";
import { PRESET_NAMES, readPreset } from "../packages/policies/src/index.js";
import type { Ajv2020 } from "ajv/dist/2020.js";
import { createRuleAjv } from "../packages/core/src/policy/ajv.js";
import { compilePattern } from "../packages/core/src/policy/linear-pattern.js";
import { prepareRuleSchema } from "../packages/core/src/policy/lint.js";
import { createPolicyAjv, parsePolicy } from "../packages/core/src/policy/load.js";
import { presetSha256 } from "../packages/core/src/policy/precompiled.js";
import { policySchema } from "../packages/core/src/policy/policy-schema.js";
import { resolvePolicyRef } from "../packages/core/src/policy/resolve.js";

const standaloneCode = standaloneModule.default;
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const RULES = "packages/core/src/policy/precompiled-rules.ts";
const POLICY_SCHEMA = "packages/core/src/policy/precompiled-policy-schema.ts";

const byText = ([a]: [string, unknown], [b]: [string, unknown]): number =>
  a < b ? -1 : a > b ? 1 : 0;

/**
 * The prepared schema of every rule of every preset, once each, by JSON text; each rule schema
 * as the presets write it, by JSON text, with the JSON text of its prepared schema; the SHA-256
 * of each preset's text. Every preset is linted first (parsePolicy, never its shortcut for
 * presets already linted): a preset with a problem stops the generation.
 */
function presetRules(): {
  schemas: Map<string, object>;
  written: Map<string, string>;
  presets: Map<string, string>;
} {
  const schemas = new Map<string, object>();
  const written = new Map<string, string>();
  const presets = new Map<string, string>();
  for (const name of PRESET_NAMES) {
    const text = readPreset(name);
    if (text === undefined) throw new Error(`preset ${name} cannot be read`);
    parsePolicy(text, `${name}.json`, { format: "json" });
    presets.set(name, presetSha256(text));
    const resolved = resolvePolicyRef(name, { cwd: REPO_ROOT });
    for (const rule of Object.values(resolved.rules)) {
      if (rule.severity === "off") continue;
      const { issues, prepared } = prepareRuleSchema(rule.schema);
      if (issues.length > 0) throw new Error(`preset ${name}: ${issues[0]?.message}`);
      schemas.set(JSON.stringify(prepared), prepared);
      written.set(JSON.stringify(rule.schema), JSON.stringify(prepared));
    }
  }
  return {
    schemas: new Map([...schemas].sort(byText)),
    written: new Map([...written].sort(byText)),
    presets,
  };
}

/** ajv's standalone code says `require("m")`; an ES module imports `m` once instead. */
function hoistRequires(code: string): string {
  const modules = new Map<string, string>();
  const body = code.replace(/require\("([^"]+)"\)/g, (_match, specifier: string) => {
    let name = modules.get(specifier);
    if (name === undefined) {
      name = `module${modules.size}`;
      modules.set(specifier, name);
    }
    return name;
  });
  // ajv names CommonJS files without their extension, which an ES module import needs.
  const withExtension = (specifier: string) =>
    /\.[cm]?js$/.test(specifier) ? specifier : `${specifier}.js`;
  // A CommonJS module's exports: Node's namespace holds them as `default`, a transpiler's
  // (vitest, esbuild) spreads them when the module says `__esModule`.
  const imports = [...modules].map(([specifier, name]) =>
    specifier.startsWith(".")
      ? `import * as ${name} from "${specifier}";`
      : `import * as ${name}Namespace from "${withExtension(specifier)}";\n` +
        `const ${name} = ${name}Namespace.default?.__esModule ? ${name}Namespace.default : ${name}Namespace;`,
  );
  return `${imports.join("\n")}\n${body}`;
}

/** The standalone code of `exports` (export name → schema id) as an ES module. */
function moduleCode(ajv: Ajv2020, exports: Record<string, string>): string {
  ajv.opts.code.esm = true;
  return hoistRequires(standaloneCode(ajv, exports).replace(/^"use strict";/, ""));
}

async function format(text: string, file: string): Promise<string> {
  const path = resolve(REPO_ROOT, file);
  const options = await prettier.resolveConfig(path);
  return prettier.format(text, { ...options, filepath: path });
}

const HEADER = [
  "/* eslint-disable */",
  "// Generated by scripts/generate-validators.ts (npm run generate:validators): do not edit.",
  "// @ts-nocheck",
];

async function generateRules(): Promise<string> {
  const ajv = createRuleAjv({ source: true });
  // The same linear-time patterns, called from the generated module beside linear-pattern.ts.
  ajv.opts.code.regExp = Object.assign((source: string) => compilePattern(source), {
    code: 'require("./linear-pattern.js").compilePattern',
  });
  const exports: Record<string, string> = {};
  const keys: string[] = [];
  const { schemas, written, presets } = presetRules();
  for (const [key, schema] of schemas) {
    const id = `rule${keys.length}`;
    ajv.addSchema(schema, id);
    exports[id] = id;
    keys.push(key);
  }
  const table = keys.map((key, index) => `  [${JSON.stringify(key)}, rule${index}],`).join("\n");
  const writtenTable = [...written]
    .map(([schema, prepared]) => `  [${JSON.stringify(schema)}, rule${keys.indexOf(prepared)}],`)
    .join("\n");
  const presetTable = [...presets]
    .map(([name, sha256]) => `  [${JSON.stringify(name)}, ${JSON.stringify(sha256)}],`)
    .join("\n");
  const text = [
    ...HEADER,
    moduleCode(ajv, exports),
    "/** The presets' rule validators by the JSON text of the prepared schema they check. */",
    `export const PRECOMPILED_RULES = new Map([\n${table}\n]);`,
    "/** The same validators by the JSON text of the rule schema as the presets write it. */",
    `export const PRECOMPILED_RULES_AS_WRITTEN = new Map([\n${writtenTable}\n]);`,
    "/** SHA-256 of each preset's text as linted when this file was generated. */",
    `export const LINTED_PRESETS = new Map([\n${presetTable}\n]);`,
    "",
  ].join("\n");
  return format(text, RULES);
}

async function generatePolicySchema(): Promise<string> {
  const ajv = createPolicyAjv({ source: true });
  ajv.addSchema(policySchema, "policy");
  const text = [
    ...HEADER,
    moduleCode(ajv, { policy: "policy" }),
    "/** The policy document's validator and the JSON text of the schema it was compiled from. */",
    `export const PRECOMPILED_POLICY_SCHEMA = { key: ${JSON.stringify(JSON.stringify(policySchema))}, validate: policy };`,
    "",
  ].join("\n");
  return format(text, POLICY_SCHEMA);
}

let stale = false;
for (const [file, text] of [
  [RULES, await generateRules()],
  [POLICY_SCHEMA, await generatePolicySchema()],
] as const) {
  const path = resolve(REPO_ROOT, file);
  if (process.argv.includes("--check")) {
    if ((await readFile(path, "utf8").catch(() => "")) !== text) {
      console.error(`${file} is stale: run npm run generate:validators`);
      stale = true;
    }
  } else {
    await writeFile(path, text);
    console.log(`wrote ${file}`);
  }
}
if (stale) process.exit(1);
