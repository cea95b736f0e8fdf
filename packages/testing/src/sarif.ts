// Checks a SARIF log the way its two readers would: the official SARIF 2.1.0 schema (vendored in
// data/sarif/) and what GitHub code scanning documents that an upload needs ("SARIF support for
// code scanning": locations, fingerprints, severities, categories and limits).
import Ajv04Module from "ajv-draft-04";
import addFormatsModule from "ajv-formats";
import { readDataJson } from "./data.js";

let validate: ((value: unknown) => string[]) | undefined;

/** Problems against the SARIF 2.1.0 schema; empty when valid. */
export function sarifSchemaProblems(log: unknown): string[] {
  if (validate === undefined) {
    // unicodeRegExp off: the schema's `language` pattern has a stray "]" that only the legacy
    // (non-unicode) RegExp syntax accepts.
    const ajv = new Ajv04Module.default({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormatsModule.default(ajv);
    const compiled = ajv.compile(readDataJson<object>("sarif/sarif-2.1.0-rtm.5.json"));
    validate = (value) =>
      compiled(value)
        ? []
        : (compiled.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? e.keyword}`);
  }
  return validate(log);
}

// GitHub's documented upload limits.
const MAX_RUNS = 20;
const MAX_RESULTS = 25_000;
const MAX_RULES = 25_000;
const MAX_LOCATIONS = 1_000;
const MAX_TAGS = 20;

interface Location {
  physicalLocation?: { artifactLocation?: { uri?: unknown }; region?: { startLine?: unknown } };
}

/** Problems against GitHub code scanning's documented requirements; empty when it would show. */
export function githubSarifProblems(log: unknown): string[] {
  const problems: string[] = [];
  const sarif = log as {
    version?: unknown;
    runs?: {
      tool?: { driver?: { name?: unknown; rules?: Record<string, unknown>[] } };
      automationDetails?: { id?: unknown };
      results?: Record<string, unknown>[];
    }[];
  };
  if (sarif.version !== "2.1.0") problems.push("version is not 2.1.0");
  const runs = sarif.runs ?? [];
  if (runs.length > MAX_RUNS) problems.push(`${runs.length} runs (max ${MAX_RUNS})`);
  runs.forEach((run, r) => {
    const driver = run.tool?.driver;
    if (typeof driver?.name !== "string" || driver.name === "")
      problems.push(`runs/${r}: tool.driver.name missing`);
    const rules = driver?.rules ?? [];
    if (rules.length > MAX_RULES) problems.push(`runs/${r}: ${rules.length} rules`);
    const ids = new Set<string>();
    rules.forEach((rule, i) => {
      const where = `runs/${r}/tool/driver/rules/${i}`;
      if (typeof rule.id !== "string") problems.push(`${where}: no id`);
      else ids.add(rule.id);
      const properties = (rule.properties ?? {}) as Record<string, unknown>;
      const severity = properties["security-severity"];
      const score = typeof severity === "string" ? Number(severity) : NaN;
      if (!(score >= 0 && score <= 10))
        problems.push(`${where}: security-severity ${String(severity)} is not a 0.0–10.0 string`);
      const tags = properties.tags;
      if (Array.isArray(tags) && tags.length > MAX_TAGS) problems.push(`${where}: too many tags`);
      const help = rule.help as { text?: unknown } | undefined;
      if (typeof help?.text !== "string") problems.push(`${where}: no help.text`);
    });
    const category = run.automationDetails?.id;
    if (category !== undefined && (typeof category !== "string" || category === ""))
      problems.push(`runs/${r}: automationDetails.id is not a non-empty string`);
    const results = run.results ?? [];
    if (results.length > MAX_RESULTS) problems.push(`runs/${r}: ${results.length} results`);
    results.forEach((result, i) => {
      const where = `runs/${r}/results/${i}`;
      if (typeof result.ruleId !== "string" || !ids.has(result.ruleId))
        problems.push(`${where}: ruleId not among the rules`);
      const message = result.message as { text?: unknown } | undefined;
      if (typeof message?.text !== "string" || message.text === "")
        problems.push(`${where}: no message.text`);
      const locations = (result.locations ?? []) as Location[];
      if (locations.length === 0) problems.push(`${where}: no location`);
      if (locations.length > MAX_LOCATIONS) problems.push(`${where}: too many locations`);
      locations.forEach((location, l) => {
        const uri = location.physicalLocation?.artifactLocation?.uri;
        if (typeof uri !== "string" || uri === "")
          problems.push(`${where}/locations/${l}: no physicalLocation.artifactLocation.uri`);
        else if (uri.startsWith("/") || /^file:/i.test(uri) || uri.includes("\\"))
          problems.push(`${where}/locations/${l}: uri ${uri} is not repository-relative`);
        const line = location.physicalLocation?.region?.startLine;
        if (typeof line !== "number" || line < 1 || !Number.isInteger(line))
          problems.push(`${where}/locations/${l}: no region.startLine`);
      });
      const prints = result.partialFingerprints as Record<string, unknown> | undefined;
      if (prints === undefined || Object.keys(prints).length === 0)
        problems.push(`${where}: no partialFingerprints`);
    });
  });
  return problems;
}
