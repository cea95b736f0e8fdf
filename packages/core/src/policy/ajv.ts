import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { linearRegExp } from "./linear-pattern.js";
import { PRECOMPILED_RULES } from "./precompiled-rules.js";

const addFormats = addFormatsModule.default;

/**
 * The ajv configuration rules compile under: JSON Schema 2020-12, strict mode (unknown keywords
 * and formats, ignored keywords, union types without `allowUnionTypes` are errors), every error
 * collected. `strictRequired` is off because the linter checks `required` names against the
 * ScanReport; `strictTuples` is off so that `prefixItems` can check the leaf of a chain alone.
 */
export function createRuleAjv(options: { source?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    // Errors carry the instance value (`data`), which tells a null (unknown) fact at once.
    verbose: true,
    strict: true,
    strictRequired: false,
    strictTuples: false,
    allowUnionTypes: true,
    // Patterns come from policies: a linear-time engine, so none can stall an evaluation.
    // `source` keeps each validator's code, for scripts/generate-validators.ts.
    code: { regExp: linearRegExp, source: options.source ?? false },
  });
  addFormats(ajv);
  return ajv;
}

let ruleAjv: Ajv2020 | undefined;
const compiledRules = new Map<string, ValidateFunction>();

/**
 * Compiles a prepared rule schema (see `prepareRuleSchema`) under `createRuleAjv`'s options,
 * once per distinct schema: loading a policy lints each rule by compiling it, and compiling the
 * policy, another policy or another target reuses that validator. Rule schemas have no `$id` or
 * `$ref`, so a schema's JSON text identifies its validator; the presets' validators are
 * precompiled (scripts/generate-validators.ts). Throws what ajv throws.
 */
export function compileRuleSchema(prepared: object): ValidateFunction {
  const key = JSON.stringify(prepared);
  let validate = compiledRules.get(key) ?? (PRECOMPILED_RULES.get(key) as ValidateFunction);
  if (validate === undefined) {
    ruleAjv ??= createRuleAjv();
    try {
      validate = ruleAjv.compile(prepared);
    } finally {
      // The validator keeps working; ajv's own cache, keyed by object, would only grow.
      ruleAjv.removeSchema(prepared);
    }
    compiledRules.set(key, validate);
  }
  return validate;
}
