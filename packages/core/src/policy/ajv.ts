import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { linearRegExp } from "./linear-pattern.js";

const addFormats = addFormatsModule.default;

/**
 * The ajv configuration rules compile under: JSON Schema 2020-12, strict mode (unknown keywords
 * and formats, ignored keywords, union types without `allowUnionTypes` are errors), every error
 * collected. `strictRequired` is off because the linter checks `required` names against the
 * ScanReport; `strictTuples` is off so that `prefixItems` can check the leaf of a chain alone.
 */
export function createRuleAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    // Errors carry the instance value (`data`), which tells a null (unknown) fact at once.
    verbose: true,
    strict: true,
    strictRequired: false,
    strictTuples: false,
    allowUnionTypes: true,
    // Patterns come from policies: a linear-time engine, so none can stall an evaluation.
    code: { regExp: linearRegExp },
  });
  addFormats(ajv);
  return ajv;
}
