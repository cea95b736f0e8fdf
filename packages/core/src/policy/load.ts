/**
 * Reads a policy document from JSON or YAML, keeping every value's position, validates it
 * against the policy schema and lints each rule's schema. Every refusal is a PolicyError with
 * file, line:column and the JSON pointer of what is wrong.
 */
import { readFileSync, statSync } from "node:fs";
import { extname } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Document, Node as YamlNode } from "yaml";
import { PolicyError } from "./errors.js";
import type { PolicyErrorCode, PolicyIssue } from "./errors.js";
import { isSummaryOfDeeper } from "./ajv-errors.js";
import { lintMessage, lintRuleSchema } from "./lint.js";
import { policySchema, RULE_ID_PATTERN } from "./policy-schema.js";
import { PRECOMPILED_POLICY_SCHEMA } from "./precompiled-policy-schema.js";
import {
  escapePointerSegment,
  parseJsonWithPositions,
  parsePointer,
  positionOf,
  SourceSyntaxError,
} from "./source-map.js";
import type { Locate } from "./source-map.js";
import { closest, didYouMean } from "./suggest.js";
import type { PolicyDocument } from "./types.js";

const addFormats = addFormatsModule.default;

export type PolicyFormat = "json" | "yaml";

/** A policy document read from text, with the way back from a JSON pointer to its position. */
export interface LoadedPolicy {
  file: string;
  format: PolicyFormat;
  document: PolicyDocument;
  /** Position of the value at a JSON pointer (of its key, for an object member). */
  locate: Locate;
}

export interface ParsePolicyOptions {
  /** Default: from the file extension (.json, .yaml, .yml), else JSON when the text starts with "{". */
  format?: PolicyFormat;
  /**
   * The text is a preset exactly as `npm run generate:validators` linted it (see
   * isLintedPreset): its rules' messages and schemas are not linted again. The document is still
   * checked against the policy schema.
   */
  linted?: boolean;
}

/** A problem located in a loaded document. */
function issueAt(
  loaded: Pick<LoadedPolicy, "file" | "locate">,
  code: PolicyErrorCode,
  pointer: string,
  message: string,
): PolicyIssue {
  const position = positionOf(loaded.locate, pointer);
  return {
    code,
    message,
    file: loaded.file,
    line: position?.line ?? null,
    column: position?.column ?? null,
    pointer,
  };
}

/** A PolicyError located in a loaded document. */
export function errorAt(
  loaded: Pick<LoadedPolicy, "file" | "locate">,
  code: PolicyErrorCode,
  pointer: string,
  message: string,
  cause?: unknown,
): PolicyError {
  return PolicyError.of([issueAt(loaded, code, pointer, message)], cause);
}

/**
 * An issue about a placeholder in a message moved from the `message` key to the placeholder
 * itself, when it stands on the key's line (a one-line message, as messages are).
 */
function atPlaceholder(issue: PolicyIssue, text: string, placeholder: string): PolicyIssue {
  if (issue.line === null || issue.column === null) return issue;
  const line = text.split(/\r?\n/)[issue.line - 1];
  const index = line?.indexOf(placeholder, issue.column - 1) ?? -1;
  return index === -1 ? issue : { ...issue, column: index + 1 };
}

/** Document order; unplaced issues last. */
function byPosition(a: PolicyIssue, b: PolicyIssue): number {
  return (
    (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? Infinity) - (b.column ?? Infinity)
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function formatOf(file: string, text: string): PolicyFormat {
  const extension = extname(file).toLowerCase();
  if (extension === ".json") return "json";
  if (extension === ".yaml" || extension === ".yml") return "yaml";
  return text.trimStart().startsWith("{") ? "json" : "yaml";
}

function parseYaml(text: string, file: string): { value: unknown; locate: Locate } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: true,
    strict: true,
    uniqueKeys: true,
    version: "1.2",
    schema: "core",
    merge: false,
  });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem !== undefined) {
    const at = problem.linePos?.[0];
    throw new PolicyError("parse", `YAML: ${(problem.message.split("\n")[0] ?? "").trim()}`, {
      file,
      line: at?.line ?? null,
      column: at?.col ?? null,
      cause: problem,
    });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new PolicyError("parse", `YAML: ${(error as Error).message}`, { file, cause: error });
  }
  return { value, locate: yamlLocator(doc, lineCounter) };
}

function yamlLocator(doc: Document, lineCounter: LineCounter): Locate {
  return (pointer) => {
    let node: unknown = doc.contents;
    let keyNode: YamlNode | null = null;
    for (const segment of parsePointer(pointer)) {
      if (isAlias(node)) node = node.resolve(doc);
      keyNode = null;
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isScalar(item.key) && String(item.key.value) === segment,
        );
        if (pair === undefined) return null;
        keyNode = pair.key as YamlNode;
        node = pair.value;
      } else if (isSeq(node)) {
        node = node.items[Number(segment)];
        if (node === undefined || !/^(0|[1-9][0-9]*)$/.test(segment)) return null;
      } else return null;
    }
    const target = (keyNode ?? node) as YamlNode | null;
    const offset = target?.range?.[0];
    if (offset === undefined) return null;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
}

let policyValidator: ValidateFunction | undefined;

/** The ajv instance the policy schema compiles under (also for scripts/generate-validators.ts). */
export function createPolicyAjv(options: { source?: boolean } = {}): Ajv2020 {
  // Our own schema, checked against the meta-schema by a test: validating it here would
  // compile the 2020-12 meta-schema on every start.
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    verbose: true,
    validateSchema: false,
    code: { source: options.source ?? false },
  });
  addFormats(ajv, ["uri"]);
  return ajv;
}

function validatePolicyDocument(value: unknown): ErrorObject[] {
  if (policyValidator === undefined) {
    // Precompiled unless policy-schema.ts changed since `npm run generate:validators`.
    policyValidator =
      JSON.stringify(policySchema) === PRECOMPILED_POLICY_SCHEMA.key
        ? (PRECOMPILED_POLICY_SCHEMA.validate as ValidateFunction)
        : createPolicyAjv().compile(policySchema);
  }
  return policyValidator(value) ? [] : [...(policyValidator.errors ?? [])];
}

const TYPE_NAMES: Record<string, string> = {
  object: "an object",
  array: "a list",
  string: "a string",
  number: "a number",
  integer: "an integer",
  boolean: "true or false",
  null: "null",
};

/**
 * Every distinct problem, each as pointer and plain message, in document order. Ajv reports a
 * problem several times (a rule entry fails both branches of its anyOf; a misspelt key is both an
 * unknown property and a missing one): per place, the most telling error is kept.
 */
function explainAll(errors: readonly ErrorObject[]): { pointer: string; message: string }[] {
  // Summaries of if/then/else say less than the error inside them; errors inside propertyNames
  // (marked with propertyName) say less than the propertyNames error.
  const useful = errors.filter((e) => e.keyword !== "if" && e.propertyName === undefined);
  const paths = new Set(useful.map((e) => e.instancePath));
  // An error at a place that has errors deeper inside is their summary (anyOf, type of a branch).
  const leaves = useful.filter((e) => !isSummaryOfDeeper(e, paths));
  const byPath = new Map<string, ErrorObject[]>();
  for (const error of leaves) {
    const list = byPath.get(error.instancePath) ?? [];
    list.push(error);
    byPath.set(error.instancePath, list);
  }
  const explained: { pointer: string; message: string }[] = [];
  for (const list of byPath.values()) {
    const unknown = list.filter((e) => e.keyword === "additionalProperties");
    const missing = list.filter((e) => e.keyword === "required");
    // An unknown key is usually the misspelling of the missing one: name it, not the gap.
    const chosen =
      unknown.length > 0 ? unknown : missing.length > 0 ? missing : [mostTelling(list)];
    for (const error of chosen) explained.push(explain(error));
  }
  const seen = new Set<string>();
  return explained.filter(({ pointer, message }) => {
    const key = `${pointer}\0${message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const KEYWORD_RANK = ["propertyNames", "enum", "pattern", "format", "minLength", "required"];

function mostTelling(errors: readonly ErrorObject[]): ErrorObject {
  const rank = (e: ErrorObject): number => {
    const index = KEYWORD_RANK.indexOf(e.keyword);
    return index === -1 ? KEYWORD_RANK.length : index;
  };
  return [...errors].sort((a, b) => rank(a) - rank(b))[0]!;
}

/** One error as pointer and plain message. */
function explain(error: ErrorObject): { pointer: string; message: string } {
  const params = error.params as Record<string, unknown>;
  const pointer = error.instancePath;
  const segments = parsePointer(pointer);
  const name =
    pointer === ""
      ? "the policy"
      : segments.length === 2 && segments[0] === "waivers"
        ? `waiver ${segments[1]}`
        : (segments.at(-1) ?? "");
  switch (error.keyword) {
    case "required": {
      // A misspelt key ("severty") is what most often leaves a required one missing.
      const missing = String(params.missingProperty);
      const data = error.data;
      const present =
        data !== null && typeof data === "object" && !Array.isArray(data) ? Object.keys(data) : [];
      const misspelt = present.find((key) => closest(key, [missing]) !== undefined);
      const hint = misspelt === undefined ? "" : ` (${misspelt}: did you mean ${missing}?)`;
      return { pointer, message: `${name} is missing ${missing}${hint}` };
    }
    case "additionalProperties": {
      const extra = String(params.additionalProperty);
      const parent = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
      const known = Object.keys(parent?.properties ?? {});
      return {
        pointer: `${pointer}/${escapePointerSegment(extra)}`,
        message: `unknown property ${extra}${didYouMean(extra, known)}; allowed: ${known.join(", ")}`,
      };
    }
    case "propertyNames": {
      const id = String(params.propertyName);
      return {
        pointer: `${pointer}/${escapePointerSegment(id)}`,
        message: `rule id ${id} is not kebab-case (lower-case words joined by dashes, ${RULE_ID_PATTERN})`,
      };
    }
    case "pattern":
      if (pointer === "/version") {
        return { pointer, message: `${JSON.stringify(error.data)} is not a version like 1.2.3` };
      }
      if (/\/waivers\/[0-9]+\/expires$/.test(pointer)) {
        return { pointer, message: `${JSON.stringify(error.data)} is not a date like 2027-03-31` };
      }
      return { pointer, message: `must match ${String(params.pattern)}` };
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map(String);
      return {
        pointer,
        message: `${JSON.stringify(error.data)} is not one of ${allowed.join(", ")}${didYouMean(String(error.data), allowed)}`,
      };
    }
    case "type":
      return {
        pointer,
        message: `${name} must be ${TYPE_NAMES[String(params.type)] ?? String(params.type)}`,
      };
    case "format":
      return {
        pointer,
        message: `${JSON.stringify(error.data)} is not a ${String(params.format)}`,
      };
    case "minLength":
      return { pointer, message: `${name} must not be empty` };
    default:
      return { pointer, message: error.message ?? `fails ${error.keyword}` };
  }
}

/**
 * Parses and checks a policy document from text. `file` names it in errors and decides the
 * format; nothing is read from disk.
 */
export function parsePolicy(
  text: string,
  file: string,
  options: ParsePolicyOptions = {},
): LoadedPolicy {
  const format = options.format ?? formatOf(file, text);
  let parsed: { value: unknown; locate: Locate };
  if (format === "json") {
    try {
      parsed = parseJsonWithPositions(text);
    } catch (error) {
      if (!(error instanceof SourceSyntaxError)) throw error;
      throw new PolicyError("parse", `JSON: ${error.message}`, {
        file,
        line: error.position.line,
        column: error.position.column,
        cause: error,
      });
    }
  } else {
    parsed = parseYaml(text, file);
  }
  const loaded = { file, format, locate: parsed.locate };
  // Every problem at once: the document against the policy schema, then each rule's schema
  // against the report schema (also for rules of a document that is otherwise invalid).
  const issues: PolicyIssue[] = explainAll(validatePolicyDocument(parsed.value)).map(
    ({ pointer, message }) => issueAt(loaded, "invalid", pointer, message),
  );
  const value = parsed.value as { rules?: unknown } | null;
  const rules =
    typeof value === "object" && value !== null && isPlainObject(value.rules) ? value.rules : {};
  for (const [id, entry] of Object.entries(options.linted === true ? {} : rules)) {
    if (!isPlainObject(entry)) continue;
    const rulePointer = `/rules/${escapePointerSegment(id)}`;
    if (typeof entry.message === "string") {
      for (const issue of lintMessage(entry.message, `${rulePointer}/message`)) {
        const placed = issueAt(loaded, issue.code, issue.pointer, issue.message);
        issues.push(atPlaceholder(placed, text, issue.placeholder));
      }
    }
    if (!("schema" in entry)) continue;
    for (const issue of lintRuleSchema(entry.schema, `${rulePointer}/schema`).issues) {
      issues.push(issueAt(loaded, issue.code, issue.pointer, issue.message));
    }
  }
  const [first, ...rest] = issues.sort(byPosition);
  if (first !== undefined) throw PolicyError.of([first, ...rest]);
  return { ...loaded, document: parsed.value as PolicyDocument };
}

/** A policy is a small text document; a larger file is not one. */
export const MAX_POLICY_BYTES = 1024 * 1024;

/**
 * Reads and checks a policy file (JSON, or YAML for .yaml/.yml): a regular file of at most
 * MAX_POLICY_BYTES. A FIFO, device or folder is refused before it is opened, so it cannot hang
 * or flood the load.
 */
export function loadPolicyFile(file: string): LoadedPolicy {
  let text: string;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new Error("not a regular file");
    if (stat.size > MAX_POLICY_BYTES) {
      throw new Error(`${stat.size} bytes, more than a policy may have (${MAX_POLICY_BYTES})`);
    }
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new PolicyError("extends-not-found", `cannot read ${file}: ${(error as Error).message}`, {
      file,
      cause: error,
    });
  }
  return parsePolicy(text, file);
}
