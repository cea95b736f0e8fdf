/**
 * Lints a rule's schema against the ScanReport schema, so that a rule cannot pass vacuously on a
 * field that does not exist. Walking the rule and the report schema side by side:
 *
 * - every property a rule names (`properties`, `required`, `dependentRequired`,
 *   `dependentSchemas`) must be a field of the report at that place; `items`, `prefixItems`,
 *   `contains` step into list items and need a list; `allOf`/`anyOf`/`oneOf`/`not`/`if`/`then`/
 *   `else` stay in place. `patternProperties` and schema-valued `additionalProperties` are
 *   allowed only over maps (objects whose fields all have the same schema, such as `protocols`),
 *   and each pattern must match at least one field;
 * - a type-specific keyword must apply to the field (`minimum` on a string is refused: it would
 *   always pass); `const` and `enum` values must be of the field's type, from its value set
 *   (protocol names, strength classes…), and cipher suite and group names must be in the registry;
 * - `$ref`, `$id`, `$defs` and other identifiers are refused: a rule is self-contained data;
 * - every `pattern` and `patternProperties` key must compile under RE2 (linear-pattern.ts).
 *
 * The walk also prepares the schema that is compiled: wherever a type-specific keyword stands
 * without a `type`, the field's own type is added. A null value (an unknown fact) then fails the
 * rule with a `type` error at that value, which the evaluator reports as inconclusive, instead of
 * passing vacuously (JSON Schema ignores `items` on null). A rule that names `null` in its own
 * `type`, `const` or `enum` handles unknown facts itself.
 */
import { cipherSuiteByName, groupByName, sslv2CipherSuiteByName } from "../registry/index.js";
import { CIPHER_SUITES, GROUPS, SSLV2_CIPHER_SUITES } from "../registry/index.js";
import { clientProfileByName } from "../registry/index.js";
import { closestClientProfile } from "../registry/client-profiles.js";
import { scanReportSchema } from "../scan-report/schema.js";
import { compileRuleSchema } from "./ajv.js";
import type { PolicyErrorCode } from "./errors.js";
import { checkPattern, compilePattern } from "./linear-pattern.js";
import { escapePointerSegment } from "./source-map.js";
import { closest, didYouMean } from "./suggest.js";
import type { RuleSchema } from "./types.js";

export interface LintIssue {
  code: PolicyErrorCode;
  /** JSON pointer, within the policy document when a base pointer was given. */
  pointer: string;
  message: string;
}

export interface LintResult {
  issues: LintIssue[];
  /** The schema to compile: the rule's schema with the report's types made explicit. */
  prepared: RuleSchema;
}

type JsonType = "object" | "array" | "string" | "number" | "integer" | "boolean" | "null";
type SchemaNode = { readonly [keyword: string]: unknown };
type Domain = "cipher-suite" | "group" | "client";

/** A place in the ScanReport: the report schemas that describe it. */
interface Place {
  nodes: SchemaNode[];
  types: Set<JsonType>;
  nullable: boolean;
  /** Human path: "" for the report, "cipherSuites[].iana". */
  label: string;
  values: unknown[] | null;
  domain: Domain | null;
}

const OBJECT_KEYWORDS = new Set([
  "properties",
  "patternProperties",
  "additionalProperties",
  "unevaluatedProperties",
  "required",
  "dependentRequired",
  "dependentSchemas",
  "propertyNames",
  "minProperties",
  "maxProperties",
]);
const ARRAY_KEYWORDS = new Set([
  "items",
  "prefixItems",
  "contains",
  "minContains",
  "maxContains",
  "minItems",
  "maxItems",
  "uniqueItems",
  "unevaluatedItems",
]);
const STRING_KEYWORDS = new Set(["pattern", "minLength", "maxLength", "format"]);
const NUMBER_KEYWORDS = new Set([
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
]);
const GENERAL_KEYWORDS = new Set([
  "type",
  "const",
  "enum",
  "allOf",
  "anyOf",
  "oneOf",
  "not",
  "if",
  "then",
  "else",
  "title",
  "description",
  "$comment",
  "default",
  "examples",
  "deprecated",
  "readOnly",
  "writeOnly",
]);
const FORBIDDEN_KEYWORDS = new Set([
  "$ref",
  "$dynamicRef",
  "$recursiveRef",
  "$id",
  "$anchor",
  "$dynamicAnchor",
  "$recursiveAnchor",
  "$defs",
  "definitions",
  "$schema",
  "$vocabulary",
]);
const KNOWN_KEYWORDS = [
  ...OBJECT_KEYWORDS,
  ...ARRAY_KEYWORDS,
  ...STRING_KEYWORDS,
  ...NUMBER_KEYWORDS,
  ...GENERAL_KEYWORDS,
];
const TYPE_NAMES = new Set<string>([
  "object",
  "array",
  "string",
  "number",
  "integer",
  "boolean",
  "null",
]);

const DOMAINS: Readonly<Record<string, Domain>> = {
  "cipherSuites[].iana": "cipher-suite",
  "serverPreference[].order[]": "cipher-suite",
  "clients[].cipher": "cipher-suite",
  "groups[].name": "group",
  "clients[].group": "group",
  "clients[].name": "client",
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function resolveRef(ref: string): SchemaNode {
  const name = ref.replace(/^#\/\$defs\//, "");
  const node = (scanReportSchema.$defs as Record<string, SchemaNode | undefined>)[name];
  if (node === undefined) throw new Error(`ScanReport schema: unresolved $ref ${ref}`);
  return node;
}

/** The alternatives a report schema node stands for, with `$ref` and `anyOf` expanded. */
function alternatives(node: SchemaNode): SchemaNode[] {
  if (typeof node.$ref === "string") return alternatives(resolveRef(node.$ref));
  if (Array.isArray(node.anyOf)) return (node.anyOf as SchemaNode[]).flatMap(alternatives);
  return [node];
}

function typesOfValue(value: unknown): JsonType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value as JsonType;
}

function placeOf(node: SchemaNode, label: string): Place {
  const types = new Set<JsonType>();
  let nullable = false;
  let values: unknown[] | null = null;
  const nodes: SchemaNode[] = [];
  for (const alt of alternatives(node)) {
    let altTypes: JsonType[];
    if (alt.type !== undefined) {
      altTypes = (Array.isArray(alt.type) ? alt.type : [alt.type]) as JsonType[];
    } else if (alt.const !== undefined) {
      altTypes = [typesOfValue(alt.const)];
      values = [...(values ?? []), alt.const];
    } else if (Array.isArray(alt.enum)) {
      altTypes = alt.enum.map(typesOfValue);
      values = [...(values ?? []), ...(alt.enum as unknown[])];
    } else {
      altTypes = [];
    }
    if (altTypes.includes("null")) nullable = true;
    const nonNull = altTypes.filter((t) => t !== "null");
    for (const t of nonNull) types.add(t);
    if (nonNull.length > 0) nodes.push(alt);
  }
  return { nodes, types, nullable, label, values, domain: DOMAINS[label] ?? null };
}

const ROOT: Place = placeOf(scanReportSchema as unknown as SchemaNode, "");

function fieldNames(place: Place): string[] {
  return place.nodes.flatMap((n) => (isObject(n.properties) ? Object.keys(n.properties) : []));
}

function child(place: Place, name: string): Place | undefined {
  for (const node of place.nodes) {
    if (isObject(node.properties) && Object.prototype.hasOwnProperty.call(node.properties, name)) {
      const label = place.label === "" ? name : `${place.label}.${name}`;
      return placeOf(node.properties[name] as SchemaNode, label);
    }
  }
  return undefined;
}

function itemPlace(place: Place): Place | undefined {
  for (const node of place.nodes) {
    if (isObject(node.items)) return placeOf(node.items as SchemaNode, `${place.label}[]`);
  }
  return undefined;
}

/** A map: an object whose fields all share one schema (such as `protocols`). */
function isMap(place: Place): boolean {
  const node = place.nodes[0];
  if (place.nodes.length !== 1 || node === undefined || !isObject(node.properties)) return false;
  // Descriptions differ between fields of the same shape; they do not make a field different.
  const shape = (field: unknown): string =>
    JSON.stringify(field, (key, value: unknown) => (key === "description" ? undefined : value));
  return new Set(Object.values(node.properties).map(shape)).size === 1;
}

function describeTypes(place: Place): string {
  const types = [...place.types];
  const text = types.length === 0 ? "any value" : types.join(" or ");
  return place.nullable ? `${text} or null` : text;
}

function where(place: Place): string {
  return place.label === "" ? "the ScanReport" : place.label;
}

function notAField(name: string, place: Place): string {
  const suggestion = didYouMean(name, fieldNames(place));
  return place.label === ""
    ? `${name} is not a ScanReport field${suggestion}`
    : `${name} is not a field of ${place.label}${suggestion}`;
}

function registryIssue(value: string, domain: Domain): string | null {
  if (domain === "cipher-suite") {
    if (cipherSuiteByName(value)?.iana === value) return null;
    if (sslv2CipherSuiteByName(value)?.name === value) return null;
    const known = cipherSuiteByName(value) ?? undefined;
    if (known !== undefined) {
      return `${JSON.stringify(value)} is not an IANA cipher suite name: the report names it ${known.iana}`;
    }
    const names = [...CIPHER_SUITES.map((s) => s.iana), ...SSLV2_CIPHER_SUITES.map((s) => s.name)];
    return `${JSON.stringify(value)} is not a cipher suite name${didYouMean(value, names)}`;
  }
  if (domain === "client") {
    // The report names a client by its profile name; a rule naming another spelling never matches.
    const profile = clientProfileByName(value);
    if (profile?.name === value) return null;
    if (profile !== undefined) {
      return `${JSON.stringify(value)} is not a client name: the report names it ${profile.name}`;
    }
    return `${JSON.stringify(value)} is not a client profile${closestClient(value)}`;
  }
  if (groupByName(value)?.name === value) return null;
  const known = groupByName(value);
  if (known !== undefined)
    return `${JSON.stringify(value)} is not a group name: the report names it ${known.name}`;
  return `${JSON.stringify(value)} is not a group name${didYouMean(
    value,
    GROUPS.map((g) => g.name),
  )}`;
}

/** Keywords that only lead to other places or combine schemas: they constrain nothing alone. */
const STRUCTURAL_KEYWORDS = new Set([
  "properties",
  "items",
  "prefixItems",
  "contains",
  "allOf",
  "anyOf",
  "oneOf",
  "not",
  "if",
  "then",
  "else",
  "required",
  "title",
  "description",
  "$comment",
]);

class Walker {
  readonly issues: LintIssue[] = [];
  /** Report places (labels) the rule constrains, when asked for (`ruleFieldUses`). */
  uses: Set<string> | null = null;

  private issue(code: PolicyErrorCode, pointer: string, message: string): void {
    this.issues.push({ code, pointer, message });
  }

  private pattern(source: unknown, pointer: string): void {
    if (typeof source !== "string") return;
    const problem = checkPattern(source);
    if (problem !== null) this.issue("unsafe-pattern", pointer, problem);
  }

  /** `const`/`enum` values must be able to occur at this place. */
  private values(values: unknown[], place: Place, pointer: string, asList: boolean): void {
    values.forEach((value, index) => {
      const at = asList ? `${pointer}/${index}` : pointer;
      const type = typesOfValue(value);
      if (value === null) {
        if (!place.nullable && place.types.size > 0) {
          this.issue("schema", at, `${where(place)} is never null`);
        }
        return;
      }
      const fits =
        place.types.size === 0 ||
        place.types.has(type) ||
        (type === "integer" && place.types.has("number"));
      if (!fits) {
        this.issue(
          "schema",
          at,
          `${JSON.stringify(value)} can never match: ${where(place)} is ${describeTypes(place)}`,
        );
        return;
      }
      if (place.values !== null && !place.values.includes(value)) {
        const allowed = place.values.filter((v) => v !== null).map(String);
        this.issue(
          "schema",
          at,
          `${JSON.stringify(value)} is not a value of ${where(place)}${didYouMean(String(value), allowed)} (one of ${allowed.join(", ")})`,
        );
        return;
      }
      if (place.domain !== null && typeof value === "string") {
        const problem = registryIssue(value, place.domain);
        if (problem !== null) this.issue("schema", at, problem);
      }
    });
  }

  private schemaList(value: unknown, place: Place, pointer: string): unknown {
    if (!Array.isArray(value)) return this.walk(value, place, pointer);
    return value.map((item, i) => this.walk(item, place, `${pointer}/${i}`));
  }

  walk(node: unknown, place: Place, pointer: string): unknown {
    if (typeof node === "boolean") return node;
    if (!isObject(node)) {
      this.issue("schema", pointer, "must be a JSON Schema (an object or a boolean)");
      return node;
    }
    const out: Record<string, unknown> = {};
    let typeSpecific = false;
    if (this.uses !== null && Object.keys(node).some((k) => !STRUCTURAL_KEYWORDS.has(k))) {
      this.uses.add(place.label);
    }
    for (const [keyword, value] of Object.entries(node)) {
      const at = `${pointer}/${escapePointerSegment(keyword)}`;
      out[keyword] = value;
      if (FORBIDDEN_KEYWORDS.has(keyword)) {
        this.issue("schema", at, `${keyword} is not allowed in a rule: rules are self-contained`);
        continue;
      }
      let family: JsonType | null = null;
      if (OBJECT_KEYWORDS.has(keyword)) family = "object";
      else if (ARRAY_KEYWORDS.has(keyword)) family = "array";
      else if (STRING_KEYWORDS.has(keyword)) family = "string";
      else if (NUMBER_KEYWORDS.has(keyword)) family = "number";
      else if (!GENERAL_KEYWORDS.has(keyword)) {
        this.issue(
          "schema",
          at,
          `unknown keyword ${keyword}${didYouMean(keyword, KNOWN_KEYWORDS)}`,
        );
        continue;
      }
      if (family !== null) {
        typeSpecific = true;
        const applies =
          place.types.size === 0 ||
          place.types.has(family) ||
          (family === "number" && place.types.has("integer"));
        if (!applies) {
          this.issue(
            "schema",
            at,
            `${keyword} does not apply to ${where(place)}, which is ${describeTypes(place)}`,
          );
          continue;
        }
      }
      out[keyword] = this.keyword(keyword, value, place, pointer, at);
    }
    if (typeSpecific && out.type === undefined && place.types.size > 0) {
      const types = [...place.types];
      out.type = types.length === 1 ? types[0] : types;
    }
    return out;
  }

  private keyword(
    keyword: string,
    value: unknown,
    place: Place,
    pointer: string,
    at: string,
  ): unknown {
    switch (keyword) {
      case "properties": {
        if (!isObject(value)) return value;
        const out: Record<string, unknown> = {};
        for (const [name, sub] of Object.entries(value)) {
          const subAt = `${at}/${escapePointerSegment(name)}`;
          const next = child(place, name);
          if (next === undefined) {
            this.issue("unknown-path", subAt, notAField(name, place));
            out[name] = sub;
          } else {
            out[name] = this.walk(sub, next, subAt);
          }
        }
        return out;
      }
      case "required":
        if (Array.isArray(value)) {
          value.forEach((name, i) => {
            if (typeof name !== "string") return;
            const named = child(place, name);
            if (named === undefined)
              this.issue("unknown-path", `${at}/${i}`, notAField(name, place));
            else this.uses?.add(named.label);
          });
        }
        return value;
      case "dependentRequired":
      case "dependentSchemas": {
        if (!isObject(value)) return value;
        const out: Record<string, unknown> = {};
        for (const [name, sub] of Object.entries(value)) {
          const subAt = `${at}/${escapePointerSegment(name)}`;
          if (child(place, name) === undefined) {
            this.issue("unknown-path", subAt, notAField(name, place));
          }
          if (keyword === "dependentSchemas") out[name] = this.walk(sub, place, subAt);
          else {
            out[name] = sub;
            if (Array.isArray(sub)) {
              sub.forEach((other, i) => {
                if (typeof other === "string" && child(place, other) === undefined) {
                  this.issue("unknown-path", `${subAt}/${i}`, notAField(other, place));
                }
              });
            }
          }
        }
        return out;
      }
      case "patternProperties": {
        if (!isObject(value)) return value;
        if (!isMap(place)) {
          this.issue(
            "unknown-path",
            at,
            `patternProperties is allowed only over maps (such as protocols); ${where(place)} has named fields: use properties`,
          );
          return value;
        }
        const out: Record<string, unknown> = {};
        for (const [source, sub] of Object.entries(value)) {
          const subAt = `${at}/${escapePointerSegment(source)}`;
          const problem = checkPattern(source);
          if (problem !== null) {
            this.issue("unsafe-pattern", subAt, problem);
            out[source] = sub;
            continue;
          }
          const regexp = compilePattern(source);
          const matched = fieldNames(place).filter((name) => regexp.test(name));
          const first = matched[0];
          if (first === undefined) {
            this.issue(
              "unknown-path",
              subAt,
              `pattern ${source} matches no field of ${where(place)} (${fieldNames(place).join(", ")})`,
            );
            out[source] = sub;
            continue;
          }
          out[source] = this.walk(sub, child(place, first) as Place, subAt);
        }
        return out;
      }
      case "additionalProperties":
      case "unevaluatedProperties": {
        if (typeof value === "boolean") return value;
        const first = fieldNames(place)[0];
        if (!isMap(place) || first === undefined) {
          this.issue(
            "unknown-path",
            at,
            `a schema in ${keyword} is allowed only over maps (such as protocols); ${where(place)} has named fields: use properties`,
          );
          return value;
        }
        return this.walk(value, child(place, first) as Place, at);
      }
      case "propertyNames": {
        const names: Place = {
          nodes: [{ type: "string" }],
          types: new Set(["string"]),
          nullable: false,
          label: `${place.label || "ScanReport"} field names`,
          values: fieldNames(place),
          domain: null,
        };
        return this.walk(value, names, at);
      }
      case "items":
      case "contains":
      case "unevaluatedItems": {
        const items = itemPlace(place);
        if (typeof value === "boolean" || items === undefined) return value;
        return this.walk(value, items, at);
      }
      case "prefixItems": {
        const items = itemPlace(place);
        if (items === undefined) return value;
        return this.schemaList(value, items, at);
      }
      case "allOf":
      case "anyOf":
      case "oneOf":
        return this.schemaList(value, place, at);
      case "not":
      case "if":
      case "then":
      case "else":
        return this.walk(value, place, at);
      case "pattern":
        this.pattern(value, at);
        return value;
      case "const":
        this.values([value], place, at, false);
        return value;
      case "enum":
        if (Array.isArray(value)) this.values(value, place, at, true);
        return value;
      case "type": {
        const listed = Array.isArray(value) ? value : [value];
        for (const t of listed) {
          if (typeof t === "string" && !TYPE_NAMES.has(t)) {
            this.issue("schema", at, `unknown type ${t}${didYouMean(t, TYPE_NAMES)}`);
          }
        }
        return value;
      }
      default:
        return value;
    }
  }
}

/**
 * Walks a rule's schema (checking paths, keywords, values and patterns) and returns the schema
 * to compile. Issue pointers are `pointer` (the rule schema's place in its document) + the path
 * inside the schema. Does not compile: see `lintRuleSchema`.
 */
export function prepareRuleSchema(schema: unknown, pointer = ""): LintResult {
  const walker = new Walker();
  const prepared = walker.walk(schema, ROOT, pointer);
  return { issues: walker.issues, prepared: (isObject(prepared) ? prepared : {}) as RuleSchema };
}

/**
 * The report fields a rule's schema constrains, as labels ("protocols.TLSv1.0",
 * "cipherSuites[].iana", "certificates[].chain[]"): places where it applies a keyword that is
 * more than a step to another place, and fields it requires. For docs/report-fields.md.
 */
export function ruleFieldUses(schema: unknown): string[] {
  const walker = new Walker();
  walker.uses = new Set();
  walker.walk(schema, ROOT, "");
  return [...walker.uses].sort();
}

/**
 * Everything `prepareRuleSchema` checks, plus compiling the prepared schema under ajv's strict
 * mode (an issue with code "schema" at the rule schema's pointer when it does not compile).
 */
export function lintRuleSchema(schema: unknown, pointer = ""): LintResult {
  const result = prepareRuleSchema(schema, pointer);
  if (result.issues.length > 0) return result;
  try {
    compileRuleSchema(result.prepared);
  } catch (error) {
    result.issues.push({
      code: "schema",
      pointer,
      message: `not a valid rule schema: ${(error as Error).message}`,
    });
  }
  return result;
}

/** The placeholders a rule's `message` may use; `value.FIELD` and `report.PATH` take a path. */
export const MESSAGE_PLACEHOLDERS = [
  "name",
  "pointer",
  "value",
  "title",
  "report",
  "parent",
] as const;

/** What may follow a placeholder after "|". */
export const MESSAGE_FILTERS = ["date", "abs", "quote", "list"] as const;

/** `{…}` with no space or brace inside: what a placeholder looks like, spelt right or not. */
const PLACEHOLDER = /\{([A-Za-z_][^{}\s]*)\}/g;

/** Every field name any object of the report has (what `{value.FIELD}` can name). */
function allFieldNames(): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (isObject(node)) {
      if (isObject(node.properties))
        for (const name of Object.keys(node.properties)) names.add(name);
      Object.values(node).forEach(visit);
    }
  };
  visit(scanReportSchema);
  return names;
}
let fieldNameSet: Set<string> | undefined;

/**
 * The place a dotted report path leads to ("target.host", "cipherSuites.0.iana",
 * "protocols.TLSv1.0": a field name may itself hold dots), or the problem with it.
 */
function reportPathPlace(path: string): { place: Place } | { problem: string } {
  const segments = path.split(".");
  let place = ROOT;
  let i = 0;
  while (i < segments.length) {
    const segment = segments[i] as string;
    if (/^(0|[1-9][0-9]*)$/.test(segment)) {
      const items = itemPlace(place);
      if (items === undefined) return { problem: `${where(place)} is not a list` };
      place = items;
      i++;
      continue;
    }
    let next: Place | undefined;
    let used = 0;
    for (let j = segments.length; j > i && next === undefined; j--) {
      next = child(place, segments.slice(i, j).join("."));
      used = j - i;
    }
    if (next === undefined) {
      if (fieldNames(place).length > 0) return { problem: notAField(segment, place) };
      if (place.types.has("array")) {
        return {
          problem: `${where(place)} is a list: name an item by its index (${where(place)}.0)`,
        };
      }
      return { problem: `${where(place)} is ${describeTypes(place)}, it has no fields` };
    }
    place = next;
    i += used;
  }
  return { place };
}

/**
 * Checks the placeholders of a rule's `message`: each must be one of MESSAGE_PLACEHOLDERS, and
 * a path after `value.` or `report.` must exist in the ScanReport. A misspelt placeholder would
 * otherwise be printed as is in every finding. Each issue names the placeholder as written.
 */
export function lintMessage(
  message: string,
  pointer = "",
): (LintIssue & { placeholder: string })[] {
  const issues: (LintIssue & { placeholder: string })[] = [];
  for (const match of message.matchAll(PLACEHOLDER)) {
    const placeholder = match[0];
    const [body = "", filter, ...more] = (match[1] as string).split("|");
    if (more.length > 0) {
      // The message template applies one filter: a second one would leave it printed as is.
      issues.push({
        pointer,
        placeholder,
        code: "invalid",
        message: `one filter per placeholder: ${placeholder} has ${more.length + 1}`,
      });
      continue;
    }
    if (filter !== undefined && !(MESSAGE_FILTERS as readonly string[]).includes(filter)) {
      issues.push({
        pointer,
        placeholder,
        code: "invalid",
        message: `unknown filter |${filter} in ${placeholder}; filters: ${MESSAGE_FILTERS.map((f) => `|${f}`).join(", ")}`,
      });
      continue;
    }
    const dot = body.indexOf(".");
    const head = dot === -1 ? body : body.slice(0, dot);
    const path = dot === -1 ? null : body.slice(dot + 1);
    const at = { pointer, placeholder };
    const known: readonly string[] = MESSAGE_PLACEHOLDERS;
    if (!known.includes(head)) {
      const match = closest(head, known);
      const meant = match === undefined || path === null ? match : `${match}.${path}`;
      const suggestion = meant === undefined ? "" : ` (did you mean {${meant}}?)`;
      issues.push({
        ...at,
        code: "invalid",
        message: `unknown message placeholder ${placeholder}${suggestion}; placeholders: {name}, {pointer}, {value}, {value.FIELD}, {title}, {report.PATH}, {parent.PATH}`,
      });
    } else if (head === "parent") {
      fieldNameSet ??= allFieldNames();
      const unknown = (path ?? "")
        .split(".")
        .find((segment) => !/^(0|[1-9][0-9]*)$/.test(segment) && !fieldNameSet!.has(segment));
      if (path === null || path === "" || unknown !== undefined) {
        issues.push({
          ...at,
          code: path === null || path === "" ? "invalid" : "unknown-path",
          message:
            path === null || path === ""
              ? `${placeholder} needs a path: {parent.raw}`
              : `message placeholder ${placeholder}: ${unknown} is not a field of any ScanReport value`,
        });
      }
    } else if (head === "report") {
      if (path === null || path === "") {
        issues.push({
          ...at,
          code: "invalid",
          message: `${placeholder} needs a path: {report.target.host}`,
        });
        continue;
      }
      const resolved = reportPathPlace(path);
      if ("problem" in resolved) {
        issues.push({
          ...at,
          code: "unknown-path",
          message: `message placeholder ${placeholder}: ${resolved.problem}`,
        });
      }
    } else if (path !== null) {
      if (head !== "value") {
        issues.push({
          ...at,
          code: "invalid",
          message: `${placeholder}: {${head}} takes no field`,
        });
        continue;
      }
      fieldNameSet ??= allFieldNames();
      if (!/^[A-Za-z0-9_]+$/.test(path)) {
        issues.push({
          ...at,
          code: "invalid",
          message: `${placeholder}: {value.FIELD} names one field of the failing value`,
        });
      } else if (!fieldNameSet.has(path)) {
        issues.push({
          ...at,
          code: "unknown-path",
          message: `message placeholder ${placeholder}: ${path} is not a field of any ScanReport value${didYouMean(path, fieldNameSet)}`,
        });
      }
    }
  }
  return issues;
}

/**
 * Profile names carry a platform suffix ("Android 8.1 (native)"), so a misspelt name is compared
 * with the start of each name as long as itself; whole-name distance favours short names.
 */
function closestClient(value: string): string {
  const best = closestClientProfile(value);
  return best === undefined ? "" : ` (did you mean ${best}?)`;
}
