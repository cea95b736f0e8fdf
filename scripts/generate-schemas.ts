// Writes the JSON Schemas that @tlsgate/core ships (packages/core/schemas/*.schema.json) from
// their source of truth, the schema objects in packages/core/src. Editors validate a policy or
// config offline against the installed copy; tlsgate itself validates with the objects. The
// shipped policy schema adds one thing for editors: a rule's `schema` is described place by
// place from the ScanReport schema, so that an editor completes the field names of the report
// in `properties` and `required` (tlsgate's own linter checks far more at load time).
//
//   tsx scripts/generate-schemas.ts [--check]     (npm run generate:schemas)
//
// --check writes nothing and exits 1 listing the files that are stale (0 when all match).
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as prettier from "prettier";
import { configSchema } from "../packages/core/src/config/config.js";
import { policySchema } from "../packages/core/src/policy/policy-schema.js";
import { scanReportSchema } from "../packages/core/src/scan-report/schema.js";
import { syncGeneratedFiles } from "./generated-files.js";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const OUTPUT_DIR = "packages/core/schemas";

type SchemaNode = { readonly [keyword: string]: unknown };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The report schema nodes a node stands for, with `$ref`, `anyOf` and `oneOf` expanded. */
function alternatives(node: SchemaNode): SchemaNode[] {
  if (typeof node.$ref === "string") {
    const name = node.$ref.replace(/^#\/\$defs\//, "");
    const target = (scanReportSchema.$defs as Record<string, SchemaNode | undefined>)[name];
    if (target === undefined) throw new Error(`ScanReport schema: unresolved $ref ${node.$ref}`);
    return alternatives(target);
  }
  const choices = node.anyOf ?? node.oneOf;
  if (Array.isArray(choices)) return (choices as SchemaNode[]).flatMap(alternatives);
  return [node];
}

/**
 * `$defs` of a rule schema at each place of the report ("report", "report.protocols",
 * "report.cipherSuites[]"…): at an object, `properties` and `required` name its fields; at a
 * list, `items`, `contains` and `prefixItems` lead to its items; combinators stay in place.
 */
function ruleSchemaDefs(): Record<string, object> {
  const defs: Record<string, object> = {};
  /** A place described by a `$defs` entry of the report schema is one def, however reached. */
  const placeName = (node: SchemaNode, path: string): string => {
    const refs = [node, ...((node.anyOf as SchemaNode[] | undefined) ?? [])]
      .map((n) => n.$ref)
      .filter((ref): ref is string => typeof ref === "string");
    return refs.length === 1 ? `report.${(refs[0] as string).replace(/^#\/\$defs\//, "")}` : path;
  };
  const visit = (nodes: SchemaNode[], name: string, description: string | undefined): void => {
    if (name in defs) return;
    const self = { $ref: `#/$defs/${name}` };
    const list = { type: "array", items: self };
    const def: Record<string, unknown> = {
      type: ["object", "boolean"],
      properties: {
        allOf: list,
        anyOf: list,
        oneOf: list,
        not: self,
        if: self,
        then: self,
        else: self,
      },
    };
    if (description !== undefined) def.description = description;
    defs[name] = def;
    const keywords = def.properties as Record<string, unknown>;
    const fields: Record<string, object> = {};
    for (const node of nodes) {
      if (isObject(node.properties)) {
        for (const [field, child] of Object.entries(
          node.properties as Record<string, SchemaNode>,
        )) {
          const childName = placeName(child, `${name}.${field}`);
          fields[field] = { $ref: `#/$defs/${childName}` };
          const text = typeof child.description === "string" ? child.description : undefined;
          visit(alternatives(child), childName, text);
        }
      }
      if (isObject(node.items)) {
        const itemName = placeName(node.items as SchemaNode, `${name}[]`);
        const item = { $ref: `#/$defs/${itemName}` };
        keywords.items = item;
        keywords.contains = item;
        keywords.prefixItems = { type: "array", items: item };
        visit(alternatives(node.items as SchemaNode), itemName, undefined);
      }
    }
    if (Object.keys(fields).length > 0) {
      keywords.properties = { type: "object", properties: fields, additionalProperties: false };
      keywords.required = { type: "array", items: { enum: Object.keys(fields) } };
    }
  };
  visit([scanReportSchema as unknown as SchemaNode], "report", undefined);
  return defs;
}

/** The policy schema for editors: tlsgate's, with report fields to complete in rule schemas. */
export function editorPolicySchema(): object {
  const schema = structuredClone(policySchema) as unknown as {
    $defs: Record<string, unknown> & { rule: { properties: Record<string, unknown> } };
  };
  schema.$defs.rule.properties.schema = {
    ...(schema.$defs.rule.properties.schema as object),
    $ref: "#/$defs/report",
  };
  Object.assign(schema.$defs, ruleSchemaDefs());
  return schema;
}

/** File name → schema object. Keep in step with the `exports` of packages/core/package.json. */
export const SCHEMAS: Readonly<Record<string, object>> = {
  "policy.schema.json": editorPolicySchema(),
  "scan-report.schema.json": scanReportSchema,
  "config.schema.json": configSchema,
};

/** The files, by path relative to the repository root, formatted as the repository formats them. */
export async function generate(root: string = REPO_ROOT): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    const path = `${OUTPUT_DIR}/${name}`;
    const options = (await prettier.resolveConfig(join(root, path))) ?? {};
    files.set(path, await prettier.format(JSON.stringify(schema), { ...options, parser: "json" }));
  }
  return files;
}

async function main(argv: readonly string[]): Promise<number> {
  const check = argv.includes("--check");
  if (argv.some((arg) => arg !== "--check")) {
    console.error("usage: tsx scripts/generate-schemas.ts [--check]");
    return 2;
  }
  const files = new Map(
    [...(await generate())].map(([file, contents]) => [join(REPO_ROOT, file), contents]),
  );
  const stale = (await syncGeneratedFiles(files, check)).map((path) => relative(REPO_ROOT, path));
  if (check) {
    if (stale.length === 0) return 0;
    console.error("Shipped schemas out of date; run `npm run generate:schemas` and commit them:");
    for (const file of stale) console.error(`  ${file}`);
    return 1;
  }
  console.log(stale.length === 0 ? "Schemas up to date." : `Wrote ${stale.join(", ")}.`);
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 2;
    },
  );
}
