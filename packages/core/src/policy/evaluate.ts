/**
 * Compiles a resolved policy once and evaluates ScanReports against it. A failed validation is
 * data: ajv's errors become findings, one per offending value of the report.
 */
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import type { ScanReport } from "../scan-report/types.js";
import { compileRuleSchema } from "./ajv.js";
import { PolicyError } from "./errors.js";
import { prepareRuleSchema } from "./lint.js";
import { precompiledRuleAsWritten } from "./precompiled.js";
import { escapePointerSegment, parsePointer } from "./source-map.js";
import type {
  Evaluation,
  EvaluationCounts,
  FailOn,
  Finding,
  FindingStatus,
  GateOptions,
  GateResult,
  PolicyProvenance,
  ResolvedPolicy,
  ResolvedRule,
  RuleInfo,
  Severity,
  Waiver,
} from "./types.js";

export interface CompiledRule {
  id: string;
  severity: Exclude<Severity, "off">;
  info: RuleInfo;
  message: string | undefined;
  validate: ValidateFunction;
}

/** A policy ready to evaluate many reports: every rule compiled once. */
export interface CompiledPolicy {
  policy: PolicyProvenance;
  rules: CompiledRule[];
  /** Ids of rules whose severity is off: not compiled, not evaluated. */
  off: string[];
  /** Metadata of the evaluated rules, by id (shared by every Evaluation). */
  info: Readonly<Record<string, RuleInfo>>;
  /** The policy's waivers (applied by the run, which knows the date). */
  waivers: readonly Waiver[];
}

/** Prepares and compiles one rule's schema (a validator shared per schema). Throws PolicyError. */
function compileRule(rule: ResolvedRule, id: string): ValidateFunction {
  const pointer = `/rules/${escapePointerSegment(id)}/schema`;
  const where = { file: rule.source.file, line: rule.source.line, column: rule.source.column };
  const { issues, prepared } = prepareRuleSchema(rule.schema, pointer);
  const issue = issues[0];
  if (issue !== undefined) {
    throw new PolicyError(issue.code, issue.message, { ...where, pointer: issue.pointer });
  }
  try {
    return compileRuleSchema(prepared);
  } catch (error) {
    throw new PolicyError("schema", `not a valid rule schema: ${(error as Error).message}`, {
      ...where,
      pointer,
      cause: error,
    });
  }
}

/**
 * Compiles every rule of a resolved policy (validators shared per schema; a rule schema a preset
 * writes takes its precompiled validator, without preparing it again). Throws PolicyError.
 */
export function compilePolicy(resolved: ResolvedPolicy): CompiledPolicy {
  const rules: CompiledRule[] = [];
  const off: string[] = [];
  const info: Record<string, RuleInfo> = {};
  for (const [id, rule] of Object.entries(resolved.rules)) {
    if (rule.severity === "off") {
      off.push(id);
      continue;
    }
    const validate = precompiledRuleAsWritten(rule.schema) ?? compileRule(rule, id);
    const ruleInfo: RuleInfo = {
      id,
      severity: rule.severity,
      title: rule.title,
      source: rule.source,
    };
    if (rule.description !== undefined) ruleInfo.description = rule.description;
    if (rule.remediation !== undefined) ruleInfo.remediation = rule.remediation;
    if (rule.references !== undefined) ruleInfo.references = rule.references;
    info[id] = Object.freeze(ruleInfo);
    rules.push({ id, severity: rule.severity, info: ruleInfo, message: rule.message, validate });
  }
  return {
    policy: { name: resolved.name, version: resolved.version, sha256: resolved.sha256 },
    rules,
    off,
    info: Object.freeze(info),
    waivers: resolved.waivers ?? [],
  };
}

/** The report's value at a JSON pointer (undefined when there is none). */
export function valueAt(report: unknown, pointer: string): unknown {
  let value: unknown = report;
  let start = 1;
  while (start <= pointer.length) {
    let end = pointer.indexOf("/", start);
    if (end === -1) end = pointer.length;
    let segment = pointer.slice(start, end);
    if (segment.includes("~")) segment = segment.replace(/~1/g, "/").replace(/~0/g, "~");
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[segment];
    start = end + 1;
  }
  return value;
}

const COMBINATORS = new Set(["anyOf", "oneOf", "if", "contains", "propertyNames"]);
const ITEM_POINTER = /^\/(cipherSuites|groups)\/\d+/;

interface ErrorGroup {
  top: ErrorObject;
  subs: ErrorObject[];
}

/** Schema path prefix of the errors that explain a combinator's failure. */
function branchPrefix(error: ErrorObject): string {
  if (error.keyword === "if") {
    const failing = String((error.params as { failingKeyword?: unknown }).failingKeyword);
    return `${error.schemaPath.slice(0, -"/if".length)}/${failing}/`;
  }
  return `${error.schemaPath}/`;
}

/**
 * Groups ajv's errors: a combinator's error (anyOf, oneOf, if…) comes right after the errors of
 * its branches, which explain it; they form one group with it.
 */
function groupErrors(errors: readonly ErrorObject[]): ErrorGroup[] {
  const groups: ErrorGroup[] = [];
  for (const error of errors) {
    const group: ErrorGroup = { top: error, subs: [] };
    if (COMBINATORS.has(error.keyword)) {
      const prefix = branchPrefix(error);
      while (groups.length > 0) {
        const last = groups[groups.length - 1] as ErrorGroup;
        if (!last.top.schemaPath.startsWith(prefix)) break;
        groups.pop();
        group.subs.unshift(last.top, ...last.subs);
      }
    }
    groups.push(group);
  }
  return groups;
}

/**
 * Whether an error is about an unknown fact: its instance (ajv's `data`, with `verbose`) is null.
 * (Its parent cannot be null: ajv never descends into null, and the linter makes every keyword
 * that would skip a null value carry the field's `type`, which fails on null right there.)
 */
function nullCaused(error: ErrorObject): boolean {
  return error.data === null;
}

function leaves(errors: readonly ErrorObject[]): ErrorObject[] {
  return errors.filter((e) => !COMBINATORS.has(e.keyword));
}

/** Whether a group of errors could vanish if the unknown (null) facts were known. */
function inconclusive(group: ErrorGroup): boolean {
  const { top, subs } = group;
  if (subs.length === 0) return nullCaused(top);
  if (top.keyword === "anyOf" || top.keyword === "oneOf") {
    // The combinator could have passed if any branch failed only on unknown facts.
    const prefix = branchPrefix(top);
    const branches = new Map<string, ErrorObject[]>();
    for (const sub of subs) {
      const index = sub.schemaPath.slice(prefix.length).split("/")[0] ?? "";
      branches.set(index, [...(branches.get(index) ?? []), sub]);
    }
    for (const branch of branches.values()) {
      const branchLeaves = leaves(branch);
      if (branchLeaves.length > 0 && branchLeaves.every((e) => nullCaused(e))) return true;
    }
    return false;
  }
  const all = leaves(subs);
  return all.length > 0 ? all.every((e) => nullCaused(e)) : nullCaused(top);
}

/**
 * Where a failure at the report's root (a rule-level `if`, `anyOf`…) really is: the one place all
 * its leaf errors point at ("/features/hsts/present" or "/features/hsts/maxAge"), else the root.
 */
function commonLeafPath(group: ErrorGroup): string {
  const paths = new Set(leaves(group.subs).map((error) => error.instancePath));
  return paths.size === 1 ? [...paths][0]! : "";
}

function show(value: unknown): string {
  if (typeof value === "string") return value;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** What a finding is about: "TLS_RSA_WITH_RC4_128_SHA (TLSv1.2)", "TLSv1.0", or the pointer. */
function nameOf(pointer: string, value: unknown): string {
  if (typeof value === "object" && value !== null && ITEM_POINTER.test(pointer)) {
    const item = value as { iana?: unknown; name?: unknown; protocol?: unknown };
    return `${String(item.iana ?? item.name)} (${String(item.protocol)})`;
  }
  if (pointer.startsWith("/protocols/")) return parsePointer(pointer)[1] ?? pointer;
  return pointer === "" ? "the report" : pointer;
}

function scanReason(report: ScanReport, pointer: string): string {
  const field = parsePointer(pointer)[0];
  const error = report.errors?.find((e) => e.probe.split("/")[0] === field);
  return error === undefined ? "" : ` (${error.probe}: ${error.code}: ${error.message})`;
}

/** The report's value at a dotted path; a field name may hold dots ("protocols.TLSv1.0"). */
function valueAtPath(value: unknown, segments: readonly string[]): unknown {
  if (segments.length === 0) return value;
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  for (let used = segments.length; used > 0; used--) {
    const key = segments.slice(0, used).join(".");
    if (Object.prototype.hasOwnProperty.call(record, key)) {
      return valueAtPath(record[key], segments.slice(used));
    }
  }
  return undefined;
}

/**
 * `|date`: the day of an ISO time; `|abs`: a number's size; `|quote`: JSON (so a server's text
 * shows quoted, control characters escaped), or "none" when absent; `|list`: items joined.
 */
function filtered(value: unknown, filter: string | undefined): string {
  if (filter === "date" && typeof value === "string") return value.slice(0, 10);
  if (filter === "abs" && typeof value === "number") return String(Math.abs(value));
  if (filter === "quote") {
    return value === null || value === undefined ? "none" : (JSON.stringify(value) ?? "none");
  }
  if (filter === "list" && Array.isArray(value)) {
    return value.length === 0 ? "none" : value.map((item) => show(item)).join(", ");
  }
  return show(value);
}

/**
 * Fills a rule's message: `{name}`, `{pointer}`, `{title}`, `{value}` and `{value.FIELD}` (the
 * failing value), `{parent.PATH}` (the object holding it), `{report.PATH}` (the whole report),
 * each optionally `|date`, `|abs`, `|quote` or `|list`.
 */
function template(
  text: string,
  fields: { name: string; pointer: string; title: string },
  value: unknown,
  report: ScanReport,
): string {
  return text.replace(
    /\{(name|pointer|value|title|report|parent)(?:\.([^{}\s|]+))?(?:\|(date|abs|quote|list))?\}/g,
    (whole, key: string, field: string | undefined, filter: string | undefined) => {
      if (key === "report" || key === "parent") {
        if (field === undefined) return whole;
        const root =
          key === "report"
            ? report
            : valueAt(report, fields.pointer.slice(0, fields.pointer.lastIndexOf("/")));
        return filtered(valueAtPath(root, field.split(".")), filter);
      }
      if (key === "value") {
        return filtered(field === undefined ? value : valueAtPath(value, field.split(".")), filter);
      }
      return filtered(fields[key as keyof typeof fields], filter);
    },
  );
}

function message(
  rule: CompiledRule,
  status: FindingStatus,
  pointer: string,
  value: unknown,
  top: ErrorObject,
  report: ScanReport,
): string {
  const name = nameOf(pointer, value);
  if (status === "inconclusive") {
    if (pointer === "") return "could not be decided: a fact it needs is unknown";
    if (value === null) {
      const what = pointer.startsWith("/protocols/") ? `${name} support` : name;
      return `${what} is unknown${scanReason(report, pointer)}`;
    }
    return `${name} could not be established${scanReason(report, pointer)}`;
  }
  if (rule.message !== undefined) {
    return template(rule.message, { name, pointer, title: rule.info.title }, value, report);
  }
  if (ITEM_POINTER.test(pointer)) return `${name} is not allowed`;
  if (pointer.startsWith("/protocols/") && typeof value === "boolean") {
    return `${name} is ${value ? "enabled" : "disabled"}`;
  }
  if (pointer === "") return `the report does not satisfy the rule (${top.message ?? top.keyword})`;
  if (["contains", "minItems", "maxItems", "uniqueItems", "required"].includes(top.keyword)) {
    return `${pointer} ${top.message ?? top.keyword}`;
  }
  return `${pointer} is ${show(value)}`;
}

function evaluateRule(
  rule: CompiledRule,
  report: ScanReport,
  target: string,
  out: Finding[],
  passes: boolean,
): FindingStatus {
  if (rule.validate(report)) {
    if (!passes) return "pass";
    out.push({
      ruleId: rule.id,
      severity: rule.severity,
      status: "pass",
      target,
      pointer: "",
      value: null,
      message: rule.info.title,
    });
    return "pass";
  }
  const byPointer = new Map<string, { status: FindingStatus; top: ErrorObject }>();
  for (const group of groupErrors(rule.validate.errors ?? [])) {
    const status: FindingStatus = inconclusive(group) ? "inconclusive" : "fail";
    const path = group.top.instancePath === "" ? commonLeafPath(group) : group.top.instancePath;
    const pointer = ITEM_POINTER.exec(path)?.[0] ?? path;
    const seen = byPointer.get(pointer);
    if (seen === undefined) byPointer.set(pointer, { status, top: group.top });
    else if (status === "fail" && seen.status !== "fail")
      byPointer.set(pointer, { status, top: group.top });
  }
  let ruleStatus: FindingStatus = "inconclusive";
  for (const [pointer, { status, top }] of byPointer) {
    if (status === "fail") ruleStatus = "fail";
    const value = pointer === "" ? null : valueAt(report, pointer);
    out.push({
      ruleId: rule.id,
      severity: rule.severity,
      status,
      target,
      pointer,
      value: value === undefined ? null : value,
      message: message(rule, status, pointer, value, top, report),
    });
  }
  return ruleStatus;
}

export interface EvaluateOptions {
  /**
   * Also yield one `pass` finding (pointer "", message: the rule's title) per passing rule.
   * Off by default: a rule without findings passed (see `ruleStatuses`), and leaving passes out
   * keeps evaluations of many reports small.
   */
  passes?: boolean;
}

/**
 * Evaluates one report: a finding per offending value of each failing or inconclusive rule.
 * Expected failures are findings, never exceptions.
 */
export function evaluate(
  compiled: CompiledPolicy,
  report: ScanReport,
  options: EvaluateOptions = {},
): Evaluation {
  const passes = options.passes === true;
  const target = report.target.input;
  const findings: Finding[] = [];
  const counts: EvaluationCounts = {
    rules: compiled.rules.length,
    pass: 0,
    fail: 0,
    inconclusive: 0,
    off: compiled.off.length,
  };
  for (const rule of compiled.rules) {
    const status = evaluateRule(rule, report, target, findings, passes);
    if (status !== "waived") counts[status]++;
  }
  const verdict: Evaluation["verdict"] =
    counts.fail > 0 ? "fail" : counts.inconclusive > 0 ? "inconclusive" : "pass";
  return { policy: compiled.policy, target, verdict, findings, counts, rules: compiled.info };
}

const STATUS_RANK: Readonly<Record<FindingStatus, number>> = {
  pass: 0,
  waived: 1,
  inconclusive: 2,
  fail: 3,
};

/**
 * The status of every evaluated rule, by id, in evaluation order: its worst finding's (fail, then
 * inconclusive, then waived); a rule without findings passed.
 */
export function ruleStatuses(evaluation: Evaluation): Record<string, FindingStatus> {
  const statuses: Record<string, FindingStatus> = {};
  for (const id of Object.keys(evaluation.rules)) statuses[id] = "pass";
  for (const { ruleId, status } of evaluation.findings) {
    if (STATUS_RANK[status] > STATUS_RANK[statuses[ruleId] ?? "pass"]) statuses[ruleId] = status;
  }
  return statuses;
}

const RANK: Readonly<Record<FailOn | Exclude<Severity, "off">, number>> = {
  error: 3,
  warning: 2,
  info: 1,
  never: Infinity,
};

/**
 * The gate: fails when a finding at or above `failOn` fails, or is inconclusive (unless
 * `inconclusive: "pass"`). Defaults: failOn "error", inconclusive "fail".
 */
export function verdictOf(
  evaluations: readonly Evaluation[],
  options: GateOptions = {},
): GateResult {
  const threshold = RANK[options.failOn ?? "error"];
  const inconclusiveFails = (options.inconclusive ?? "fail") === "fail";
  const blocking: Finding[] = [];
  for (const evaluation of evaluations) {
    for (const finding of evaluation.findings) {
      const counts =
        finding.status === "fail" || (finding.status === "inconclusive" && inconclusiveFails);
      if (counts && RANK[finding.severity] >= threshold) blocking.push(finding);
    }
  }
  return { verdict: blocking.length > 0 ? "fail" : "pass", blocking };
}
