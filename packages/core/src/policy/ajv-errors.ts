/** Reading ajv's error lists: which errors are problems of their own. */
import type { ErrorObject } from "ajv/dist/2020.js";

/**
 * Whether an error only summarises errors deeper in the document: a branch's type mismatch or a
 * failed anyOf. Unknown and missing keys are problems of their own wherever they are.
 */
export function isSummaryOfDeeper(error: ErrorObject, paths: ReadonlySet<string>): boolean {
  if (!SUMMARY_KEYWORDS.has(error.keyword)) return false;
  const prefix = `${error.instancePath}/`;
  for (const path of paths) if (path.startsWith(prefix)) return true;
  return false;
}

const SUMMARY_KEYWORDS = new Set(["anyOf", "oneOf", "type", "if", "not"]);
