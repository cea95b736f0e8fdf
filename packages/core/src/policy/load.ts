/**
 * Reads a policy document from JSON or YAML, keeping every value's position, validates it
 * against the policy schema and lints each rule's schema. Every refusal is a PolicyError with
 * file, line:column and the JSON pointer of what is wrong.
 */
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Document, Node as YamlNode } from "yaml";
import { PolicyError } from "./errors.js";
import type { PolicyErrorCode } from "./errors.js";
import { lintRuleSchema } from "./lint.js";
import { policySchema, RULE_ID_PATTERN } from "./policy-schema.js";
import {
  escapePointerSegment,
  parseJsonWithPositions,
  parentPointer,
  parsePointer,
  SourceSyntaxError,
} from "./source-map.js";
import type { Locate, Position } from "./source-map.js";
import { didYouMean } from "./suggest.js";
import type { PolicyDocument, PolicyRule } from "./types.js";

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
}

/** Position of a pointer, or of its nearest ancestor that exists in the source. */
export function positionOf(locate: Locate, pointer: string): Position | null {
  let at: string | undefined = pointer;
  while (at !== undefined) {
    const position = locate(at);
    if (position !== null) return position;
    at = parentPointer(at);
  }
  return null;
}

/** A PolicyError located in a loaded document. */
export function errorAt(
  loaded: Pick<LoadedPolicy, "file" | "locate">,
  code: PolicyErrorCode,
  pointer: string,
  message: string,
  cause?: unknown,
): PolicyError {
  const position = positionOf(loaded.locate, pointer);
  return new PolicyError(code, message, {
    file: loaded.file,
    line: position?.line ?? null,
    column: position?.column ?? null,
    pointer,
    cause,
  });
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

function validatePolicyDocument(value: unknown): ErrorObject[] {
  if (policyValidator === undefined) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, verbose: true });
    addFormats(ajv, ["uri"]);
    policyValidator = ajv.compile(policySchema);
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

/** The one most useful error, as pointer and plain message. */
function explain(errors: ErrorObject[]): { pointer: string; message: string } {
  // Summaries of if/then/else say less than the error inside them; errors inside propertyNames
  // (marked with propertyName) say less than the propertyNames error.
  const useful = errors.filter((e) => e.keyword !== "if" && e.propertyName === undefined);
  const depth = (e: ErrorObject): number => e.instancePath.split("/").length;
  const error = [...useful].sort((a, b) => depth(b) - depth(a))[0] ?? errors[0];
  if (error === undefined) return { pointer: "", message: "invalid policy" };
  const params = error.params as Record<string, unknown>;
  const pointer = error.instancePath;
  const name = pointer === "" ? "the policy" : (parsePointer(pointer).at(-1) ?? "");
  switch (error.keyword) {
    case "required":
      return { pointer, message: `${name} is missing ${String(params.missingProperty)}` };
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
  const errors = validatePolicyDocument(parsed.value);
  if (errors.length > 0) {
    const { pointer, message } = explain(errors);
    throw errorAt(loaded, "invalid", pointer, message);
  }
  const document = parsed.value as PolicyDocument;
  for (const [id, entry] of Object.entries(document.rules ?? {})) {
    if (typeof entry === "string") continue;
    const pointer = `/rules/${escapePointerSegment(id)}/schema`;
    const { issues } = lintRuleSchema((entry as PolicyRule).schema, pointer);
    const issue = issues[0];
    if (issue !== undefined) throw errorAt(loaded, issue.code, issue.pointer, issue.message);
  }
  return { ...loaded, document };
}

/** Reads and checks a policy file (JSON, or YAML for .yaml/.yml). */
export function loadPolicyFile(file: string): LoadedPolicy {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new PolicyError("extends-not-found", `cannot read ${file}: ${(error as Error).message}`, {
      file,
      cause: error,
    });
  }
  return parsePolicy(text, file);
}
