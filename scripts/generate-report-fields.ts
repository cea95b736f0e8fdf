// Generates docs/report-fields.md from the ScanReport JSON Schema: every field path with its
// type, its meaning (the schema's descriptions), example values (from the sample reports in
// packages/core/samples/) and the preset rules that use it (from policies/*.json). The output is
// formatted with the repository's Prettier. It reads whatever the schema holds: a new field
// appears on the next run, a field without a description is listed with a warning.
//
//   tsx scripts/generate-report-fields.ts [--check] [--output FILE]  (npm run generate:report-fields)
//
// --check writes nothing and exits 1 when the page (default docs/report-fields.md) is stale, 0
// when it matches.
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as prettier from "prettier";
import { ruleFieldUses } from "../packages/core/src/policy/lint.js";
import { readSampleReport, sampleReportNames } from "../packages/core/src/policy/sample-reports.js";
import { scanReportSchema } from "../packages/core/src/scan-report/schema.js";
import { readPresets } from "./generate-preset-docs.js";
import { syncGeneratedFiles } from "./generated-files.js";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const OUTPUT = "docs/report-fields.md";
const MAX_EXAMPLES = 3;
const MAX_EXAMPLE_LENGTH = 48;

type SchemaNode = { readonly [keyword: string]: unknown };

/** One row: a field of the report, found by walking the schema. */
interface Field {
  /** "target.host", "cipherSuites[].iana", "protocols.TLSv1.0". */
  path: string;
  /** Segments to reach its values in a report: field names, and "[]" for every item of a list. */
  segments: string[];
  type: string;
  description: string | null;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function resolveRef(node: SchemaNode): SchemaNode {
  if (typeof node.$ref !== "string") return node;
  const name = node.$ref.replace(/^#\/\$defs\//, "");
  const target = (scanReportSchema.$defs as Record<string, SchemaNode | undefined>)[name];
  if (target === undefined) throw new Error(`ScanReport schema: unresolved $ref ${node.$ref}`);
  return target;
}

/** The alternatives a node stands for, with `$ref`, `anyOf` and `oneOf` expanded. */
function alternatives(node: SchemaNode): SchemaNode[] {
  const resolved = resolveRef(node);
  const choices = resolved.anyOf ?? resolved.oneOf;
  if (Array.isArray(choices)) return (choices as SchemaNode[]).flatMap(alternatives);
  return [resolved];
}

const literal = (value: unknown): string => JSON.stringify(value);

/** "string (date-time)", "integer 0–65535 or null", "one of: "good", "revoked" or null". */
function typeOf(node: SchemaNode): string {
  let nullable = false;
  const parts: string[] = [];
  for (const alt of alternatives(node)) {
    if (alt.const !== undefined) {
      parts.push(literal(alt.const));
      continue;
    }
    if (Array.isArray(alt.enum)) {
      const values = (alt.enum as unknown[]).filter((v) => v !== null);
      if (values.length < alt.enum.length) nullable = true;
      parts.push(`one of ${values.map(literal).join(", ")}`);
      continue;
    }
    const types = (Array.isArray(alt.type) ? alt.type : [alt.type]) as (string | undefined)[];
    for (const type of types) {
      if (type === undefined) continue;
      if (type === "null") {
        nullable = true;
        continue;
      }
      let text = type;
      if (type === "array" && isObject(alt.items)) {
        const items = typeOf(alt.items as SchemaNode);
        text = `list of ${items.includes(" ") ? `(${items})` : items}`;
      }
      if (typeof alt.format === "string") text += ` (${alt.format})`;
      if (typeof alt.pattern === "string") text += ` matching \`${alt.pattern}\``;
      const min = alt.minimum;
      const max = alt.maximum;
      if (typeof min === "number" && typeof max === "number") text += ` ${min}–${max}`;
      else if (typeof min === "number") text += ` ≥ ${min}`;
      parts.push(text);
    }
  }
  if (parts.length === 0) parts.push("any value");
  return nullable ? `${parts.join(" or ")} or null` : parts.join(" or ");
}

function descriptionOf(node: SchemaNode): string | null {
  if (typeof node.description === "string") return node.description;
  const resolved = resolveRef(node);
  return typeof resolved.description === "string" ? resolved.description : null;
}

/** Every field of the report, depth first in schema order. */
export function reportFields(): Field[] {
  const fields: Field[] = [];
  const visit = (node: SchemaNode, path: string, segments: string[]): void => {
    for (const alt of alternatives(node)) {
      if (isObject(alt.properties)) {
        for (const [name, child] of Object.entries(alt.properties as Record<string, SchemaNode>)) {
          const childPath = path === "" ? name : `${path}.${name}`;
          const childSegments = [...segments, name];
          fields.push({
            path: childPath,
            segments: childSegments,
            type: typeOf(child),
            description: descriptionOf(child),
          });
          visit(child, childPath, childSegments);
        }
      }
      if (isObject(alt.items)) visit(alt.items as SchemaNode, `${path}[]`, [...segments, "[]"]);
    }
  };
  visit(scanReportSchema as unknown as SchemaNode, "", []);
  return fields;
}

function valuesAt(value: unknown, segments: readonly string[]): unknown[] {
  const [head, ...rest] = segments;
  if (head === undefined) return [value];
  if (head === "[]") return Array.isArray(value) ? value.flatMap((v) => valuesAt(v, rest)) : [];
  return isObject(value) && head in value ? valuesAt(value[head], rest) : [];
}

const isScalar = (value: unknown): boolean => value === null || typeof value !== "object";

/** Up to MAX_EXAMPLES distinct values of the samples at a field (scalars, lists of scalars). */
function examples(samples: readonly unknown[], field: Field): string[] {
  const seen = new Set<string>();
  for (const sample of samples) {
    for (const value of valuesAt(sample, field.segments)) {
      const shown = isScalar(value) || (Array.isArray(value) && value.every(isScalar));
      if (!shown) continue;
      let text = JSON.stringify(value);
      if (text.length > MAX_EXAMPLE_LENGTH) text = `${text.slice(0, MAX_EXAMPLE_LENGTH - 1)}…`;
      seen.add(text);
      if (seen.size === MAX_EXAMPLES) return [...seen];
    }
  }
  return [...seen];
}

/** Rule links by field path: the preset rules whose schema constrains the field. */
async function ruleUses(root: string): Promise<Map<string, string[]>> {
  const uses = new Map<string, string[]>();
  for (const [preset, document] of await readPresets(root)) {
    for (const [id, entry] of Object.entries(document.rules ?? {})) {
      if (typeof entry === "string") continue;
      const link = `[${preset}/${id}](../packages/policies/docs/${preset}.md#${id})`;
      for (const label of ruleFieldUses(entry.schema)) {
        const path = label.replace(/(\[\])+$/, "");
        const list = uses.get(path) ?? [];
        if (!list.includes(link)) list.push(link);
        uses.set(path, list);
      }
    }
  }
  return uses;
}

const cell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``;

function page(
  fields: readonly Field[],
  samples: readonly string[],
  sampleValues: unknown[],
  uses: Map<string, string[]>,
): string {
  const lines = [
    "<!-- Generated by scripts/generate-report-fields.ts from the ScanReport schema — do not edit. -->",
    "",
    "# ScanReport fields",
    "",
    `Every field of the ScanReport (schema version ${literal(scanReportSchema.properties.schemaVersion.const)}, [\`scan-report.schema.json\`](../packages/core/schemas/scan-report.schema.json)) that a rule can test. ${cell(scanReportSchema.description)}`,
    "",
    "- **Path**: dots between fields, `[]` for every item of a list (`cipherSuites[].iana`). In a rule the same path is written as nested `properties` and `items`; in a message placeholder as `{report.target.host}`, or `{value.iana}` for a field of the failing value. See [writing-rules.md](writing-rules.md).",
    "- **Type**: JSON types; `or null` marks a fact the scan may not establish. A rule that fails only on `null` is inconclusive, never a pass.",
    `- **Examples**: values from the sample reports shipped in \`@tlsgate/core\` (${samples.map(code).join(", ")}; [packages/core/samples](../packages/core/samples/README.md)).`,
    "- **Used by**: the preset rules whose schema constrains the field.",
    "",
  ];
  const byTop = new Map<string, Field[]>();
  for (const field of fields) {
    const top = field.segments[0] as string;
    byTop.set(top, [...(byTop.get(top) ?? []), field]);
  }
  // Fields without inner fields share one table; each other top-level field has its own.
  const sections = new Map<string, Field[]>([["Top level", []]]);
  for (const [top, rows] of byTop) {
    if (rows.length === 1) sections.get("Top level")?.push(...rows);
    else sections.set(code(top), rows);
  }
  for (const [title, rows] of sections) {
    lines.push(
      `## ${title}`,
      "",
      "| Path | Type | Meaning | Examples | Used by |",
      "| --- | --- | --- | --- | --- |",
    );
    for (const field of rows) {
      const shown = examples(sampleValues, field).map(code).join(", ");
      const rules = (uses.get(field.path) ?? []).join(", ");
      lines.push(
        `| ${code(field.path)} | ${cell(field.type)} | ${cell(field.description ?? "")} | ${cell(shown)} | ${rules} |`,
      );
    }
    lines.push("");
  }
  return lines.join("\n");
}

/** The page and the fields that have no description. */
export async function generate(
  root: string = REPO_ROOT,
): Promise<{ text: string; undocumented: string[] }> {
  const fields = reportFields();
  const samples = sampleReportNames();
  const sampleValues = samples.map((name) => readSampleReport(name));
  const markdown = page(fields, samples, sampleValues, await ruleUses(root));
  const options = (await prettier.resolveConfig(join(root, OUTPUT))) ?? {};
  const text = await prettier.format(markdown, { ...options, parser: "markdown" });
  return { text, undocumented: fields.filter((f) => f.description === null).map((f) => f.path) };
}

async function main(argv: readonly string[]): Promise<number> {
  let check = false;
  let path = join(REPO_ROOT, OUTPUT);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = argv[i + 1];
    if (arg === "--check") check = true;
    else if (arg === "--output" && next !== undefined) {
      path = resolve(next);
      i++;
    } else {
      console.error("usage: tsx scripts/generate-report-fields.ts [--check] [--output FILE]");
      return 2;
    }
  }
  const { text, undocumented } = await generate();
  if (undocumented.length > 0) {
    console.error(
      `warning: ScanReport fields without a description (add one in packages/core/src/scan-report/schema.ts): ${undocumented.join(", ")}`,
    );
  }
  const shown = relative(process.cwd(), path) || path;
  const stale = await syncGeneratedFiles(new Map([[path, text]]), check);
  if (stale.length === 0) {
    if (!check) console.log(`${shown} up to date.`);
    return 0;
  }
  if (check) {
    console.error(`${shown} is out of date; run \`npm run generate:report-fields\` and commit it.`);
    return 1;
  }
  console.log(`Wrote ${shown}.`);
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
