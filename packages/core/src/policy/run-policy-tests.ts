/**
 * Runs policy test cases: a saved ScanReport and the status each rule must reach. Case files are
 * `*.case.json`, `*.case.yaml` or `*.case.yml`:
 *
 * ```yaml
 * name: TLS 1.0 enabled          # optional, default: the file name
 * policy: intermediate           # optional: preset, ./file or package, from the case's folder
 * report: ./reports/good.json    # a ScanReport, inline or a file relative to the case
 * overrides:                     # optional: merged into the report (objects merge; lists,
 *   protocols: { TLSv1.0: true } #   scalars and null replace)
 * expect:
 *   no-legacy-protocols: fail    # pass | fail | inconclusive | off
 * ```
 *
 * or, a few lines: a shipped sample report (`sampleReportNames()`) or a report file as `base`,
 * and `report` as only what differs, merged over it the same way:
 *
 * ```yaml
 * base: mozilla-intermediate
 * report: { protocols: { TLSv1.0: true } }
 * expect:
 *   no-legacy-protocols: fail    # pass | fail | inconclusive | off
 * ```
 *
 * Every case yields a result (a broken case is a failed result with `error`), so one bad file
 * does not hide the others. The CLI exposes this as `tlsgate policy test`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { InputError } from "../run/input-error.js";
import { basename, dirname, join, resolve as resolvePath } from "node:path";
import { parse as parseYaml } from "yaml";
import { validateScanReport } from "../scan-report/validate.js";
import type { ScanReport } from "../scan-report/types.js";
import { PolicyError } from "./errors.js";
import { readSampleReport, sampleReportNames } from "./sample-reports.js";
import { didYouMean } from "./suggest.js";
import { compilePolicy, evaluate, ruleStatuses } from "./evaluate.js";
import type { CompiledPolicy } from "./evaluate.js";
import { loadNamedPolicy } from "./named-policy.js";
import type { PresetSource } from "./resolve.js";
import type { Evaluation, FindingStatus, PolicyProvenance, ResolvedPolicy } from "./types.js";

export type ExpectedStatus = FindingStatus | "off";

export interface PolicyTestCase {
  name?: string;
  policy?: string;
  /** A sample report name or a report file (relative to the case) that `report` is merged over. */
  base?: string;
  /** A ScanReport (inline or a file); with `base`, only the fields that differ from it. */
  report?: ScanReport | Record<string, unknown> | string;
  overrides?: Record<string, unknown>;
  expect: Record<string, ExpectedStatus>;
}

export interface PolicyCaseMismatch {
  ruleId: string;
  expected: ExpectedStatus;
  /** "missing" when the policy has no such rule. */
  actual: ExpectedStatus | "missing";
  /** Messages of the rule's findings, to explain the actual status. */
  messages: string[];
}

export interface PolicyCaseResult {
  file: string;
  name: string;
  policy: PolicyProvenance | null;
  ok: boolean;
  mismatches: PolicyCaseMismatch[];
  /** Why the case could not run (bad case file, policy or report); null when it ran. */
  error: string | null;
  evaluation: Evaluation | null;
}

export interface PolicyTestRun {
  cases: PolicyCaseResult[];
  passed: number;
  failed: number;
}

export interface PolicyTestOptions {
  /** The policy for cases that name none: compiled, resolved, or a reference (preset, file, package). */
  policy?: CompiledPolicy | ResolvedPolicy | string;
  presets?: PresetSource;
  /** Folder a string `policy` is resolved from (default: the working directory). */
  cwd?: string;
  /** Folders outside a policy's repository that its `extends` may read. */
  allowPaths?: readonly string[];
}

const CASE_FILE = /\.case\.(json|ya?ml)$/;
const STATUSES: readonly string[] = ["pass", "fail", "inconclusive", "off"];

/** Compares one evaluation with a case's expectations. */
export function checkExpectations(
  evaluation: Evaluation,
  compiled: CompiledPolicy,
  expect: Record<string, ExpectedStatus>,
): PolicyCaseMismatch[] {
  const mismatches: PolicyCaseMismatch[] = [];
  const statuses = ruleStatuses(evaluation);
  for (const [ruleId, expected] of Object.entries(expect)) {
    const actual: ExpectedStatus | "missing" = compiled.off.includes(ruleId)
      ? "off"
      : (statuses[ruleId] ?? "missing");
    if (actual !== expected) {
      const messages = evaluation.findings.filter((f) => f.ruleId === ruleId).map((f) => f.message);
      mismatches.push({ ruleId, expected, actual, messages });
    }
  }
  return mismatches;
}

/** Evaluates one case (its report already loaded) against a compiled policy. */
export function runPolicyCase(
  testCase: { report: ScanReport; expect: Record<string, ExpectedStatus> },
  compiled: CompiledPolicy,
): { evaluation: Evaluation; mismatches: PolicyCaseMismatch[] } {
  const evaluation = evaluate(compiled, testCase.report);
  return { evaluation, mismatches: checkExpectations(evaluation, compiled, testCase.expect) };
}

function readData(file: string): unknown {
  const text = readFileSync(file, "utf8");
  return /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function merge(base: unknown, overrides: unknown): unknown {
  if (!isObject(base) || !isObject(overrides)) return overrides;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) out[key] = merge(base[key], value);
  return out;
}

/** A base report: a shipped sample by name, else a file relative to the case. */
function readBase(base: string, caseFile: string): unknown {
  const sample = readSampleReport(base);
  if (sample !== undefined) return sample;
  if (!/[/\\]|\.(json|ya?ml)$/i.test(base)) {
    const names = sampleReportNames();
    throw new Error(
      `base: no sample report ${JSON.stringify(base)}${didYouMean(base, names)}; samples: ${names.join(", ")} (or a report file such as ./reports/x.json)`,
    );
  }
  return readData(resolvePath(dirname(caseFile), base));
}

/** The case's report: its base with `report` and `overrides` merged over it. */
function caseReport(testCase: PolicyTestCase, file: string): unknown {
  const { base, report } = testCase;
  let merged: unknown;
  if (base !== undefined) {
    if (typeof base !== "string") throw new Error("base must be a sample report name or a file");
    if (report !== undefined && !isObject(report)) {
      throw new Error("with base, report is the part that differs: an object, not a file");
    }
    merged = merge(readBase(base, file), report ?? {});
  } else if (typeof report === "string") {
    merged = readData(resolvePath(dirname(file), report));
  } else {
    merged = report;
  }
  return testCase.overrides === undefined ? merged : merge(merged, testCase.overrides);
}

function caseFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  const visit = (path: string): void => {
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        const child = join(path, entry);
        if (statSync(child).isDirectory() || CASE_FILE.test(entry)) visit(child);
      }
    } else files.push(path);
  };
  for (const path of paths) {
    const absolute = resolvePath(path);
    // A folder or file that is not there is the caller's mistake, said in one line.
    if (!existsSync(absolute)) {
      throw new InputError("unreadable", "cases", `no such file or folder: ${path}`);
    }
    visit(absolute);
  }
  return files;
}

function describeError(error: unknown): string {
  return error instanceof PolicyError ? error.toString() : (error as Error).message;
}

/** Runs every case file under the given files and folders (folders are searched recursively). */
export function runPolicyTests(
  paths: string | readonly string[],
  options: PolicyTestOptions = {},
): PolicyTestRun {
  const compiledByRef = new Map<string, CompiledPolicy>();
  const compileRef = (ref: string, cwd: string): CompiledPolicy => {
    const key = `${cwd}\u0000${ref}`;
    let compiled = compiledByRef.get(key);
    if (compiled === undefined) {
      const resolveOptions = {
        ...(options.presets === undefined ? {} : { presets: options.presets }),
        ...(options.allowPaths === undefined ? {} : { allowPaths: options.allowPaths }),
      };
      // As --policy names a policy everywhere else: a file ("tls.yaml") wins over a package.
      compiled = compilePolicy(loadNamedPolicy(ref, cwd, resolveOptions));
      compiledByRef.set(key, compiled);
    }
    return compiled;
  };
  let fallback: CompiledPolicy | undefined;
  const defaultPolicy = (): CompiledPolicy | undefined => {
    const given = options.policy;
    if (given === undefined) return undefined;
    if (typeof given === "string")
      return compileRef(given, resolvePath(options.cwd ?? process.cwd()));
    if ("sha256" in given) return (fallback ??= compilePolicy(given));
    return given;
  };

  const cases = caseFiles(typeof paths === "string" ? [paths] : paths).map(
    (file): PolicyCaseResult => {
      const result: PolicyCaseResult = {
        file,
        name: basename(file).replace(CASE_FILE, ""),
        policy: null,
        ok: false,
        mismatches: [],
        error: null,
        evaluation: null,
      };
      try {
        const data = readData(file);
        if (!isObject(data) || !isObject(data.expect)) {
          throw new Error("a case needs `expect` (an object of rule id → status)");
        }
        if (data.report === undefined && data.base === undefined) {
          throw new Error("a case needs `report` (a ScanReport) or `base` (a sample report name)");
        }
        if (Object.keys(data.expect).length === 0) {
          // A case that names no rule passes whatever the policy does.
          throw new Error("/expect is empty: the case asserts nothing; name a rule and its status");
        }
        const testCase = data as unknown as PolicyTestCase;
        if (typeof testCase.name === "string") result.name = testCase.name;
        for (const [ruleId, status] of Object.entries(testCase.expect)) {
          if (!STATUSES.includes(status)) {
            throw new Error(
              `expect.${ruleId}: ${JSON.stringify(status)} is not one of ${STATUSES.join(", ")}`,
            );
          }
        }
        const compiled =
          typeof testCase.policy === "string"
            ? compileRef(testCase.policy, dirname(file))
            : defaultPolicy();
        if (compiled === undefined) throw new Error("the case names no policy and none was given");
        result.policy = compiled.policy;
        const validation = validateScanReport(caseReport(testCase, file));
        if (!validation.valid) {
          const issues = validation.issues.slice(0, 3).map((i) => `${i.pointer} ${i.message}`);
          throw new Error(`the report is not a valid ScanReport: ${issues.join("; ")}`);
        }
        const { evaluation, mismatches } = runPolicyCase(
          { report: validation.report, expect: testCase.expect },
          compiled,
        );
        result.evaluation = evaluation;
        result.mismatches = mismatches;
        result.ok = mismatches.length === 0;
      } catch (error) {
        result.error = describeError(error);
      }
      return result;
    },
  );
  const passed = cases.filter((c) => c.ok).length;
  return { cases, passed, failed: cases.length - passed };
}
