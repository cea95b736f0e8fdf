/**
 * The JSON Schema (2020-12) of `formatJson` output: for each target, its ScanReport and its
 * evaluations, plus the gate. The ScanReport is referenced by its `$id`: register
 * `scanReportSchema` beside this one to validate.
 */
import { SCAN_REPORT_SCHEMA_ID } from "../scan-report/schema.js";

/** The stable `$id` of the result schema, version 1. */
export const RESULT_SCHEMA_ID = "https://tlsgate.dev/schemas/result/v1.json";

const severity = { enum: ["error", "warning", "info"] } as const;
const status = { enum: ["pass", "fail", "inconclusive", "waived"] } as const;
const text = { type: "string" } as const;

export const resultSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: RESULT_SCHEMA_ID,
  title: "tlsgate result",
  type: "object",
  additionalProperties: false,
  required: ["$schema", "tool", "gate", "results"],
  properties: {
    $schema: { const: RESULT_SCHEMA_ID },
    tool: {
      type: "object",
      additionalProperties: false,
      required: ["name", "version"],
      properties: { name: { const: "tlsgate" }, version: text },
    },
    gate: {
      anyOf: [
        { type: "null" },
        {
          type: "object",
          additionalProperties: false,
          required: ["verdict", "outcome", "reasons", "failOn", "inconclusive", "blocking"],
          properties: {
            verdict: { enum: ["pass", "fail"] },
            outcome: { enum: ["pass", "violation", "unscannable", "inconclusive"] },
            reasons: { type: "array", items: { type: "string" } },
            failOn: { enum: ["error", "warning", "info", "never"] },
            inconclusive: { enum: ["fail", "pass"] },
            blocking: { type: "integer", minimum: 0 },
          },
        },
      ],
    },
    results: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["target", "report", "evaluations"],
        properties: {
          target: text,
          report: { anyOf: [{ $ref: SCAN_REPORT_SCHEMA_ID }, { type: "null" }] },
          evaluations: { type: "array", items: { $ref: "#/$defs/evaluation" } },
        },
      },
    },
  },
  $defs: {
    evaluation: {
      type: "object",
      additionalProperties: false,
      required: ["policy", "target", "verdict", "findings", "counts", "rules"],
      properties: {
        policy: {
          type: "object",
          additionalProperties: false,
          required: ["name", "version", "sha256"],
          properties: {
            name: text,
            version: text,
            sha256: { type: "string", pattern: "^[0-9a-f]{64}$" },
          },
        },
        target: text,
        verdict: status,
        findings: { type: "array", items: { $ref: "#/$defs/finding" } },
        counts: {
          type: "object",
          additionalProperties: false,
          required: ["rules", "pass", "fail", "inconclusive", "off"],
          properties: {
            rules: { type: "integer", minimum: 0 },
            pass: { type: "integer", minimum: 0 },
            fail: { type: "integer", minimum: 0 },
            inconclusive: { type: "integer", minimum: 0 },
            waived: { type: "integer", minimum: 0 },
            off: { type: "integer", minimum: 0 },
          },
        },
        rules: { type: "object", additionalProperties: { $ref: "#/$defs/rule" } },
      },
    },
    finding: {
      type: "object",
      additionalProperties: false,
      required: ["ruleId", "severity", "status", "target", "pointer", "value", "message"],
      properties: {
        ruleId: text,
        severity,
        status,
        target: text,
        pointer: text,
        value: true,
        message: text,
        waiver: {
          type: "object",
          additionalProperties: false,
          required: ["reason", "expires", "daysLeft", "expired", "source"],
          properties: {
            reason: text,
            expires: text,
            daysLeft: { type: "integer" },
            expired: { type: "boolean" },
            source: text,
          },
        },
      },
    },
    rule: {
      type: "object",
      additionalProperties: false,
      required: ["id", "severity", "title", "source"],
      properties: {
        id: text,
        severity,
        title: text,
        description: text,
        remediation: {
          type: "object",
          additionalProperties: false,
          properties: { nginx: text, apache: text, haproxy: text, generic: text },
        },
        references: { type: "array", items: text },
        source: {
          type: "object",
          additionalProperties: false,
          required: ["file", "line", "column"],
          properties: {
            file: text,
            line: { type: ["integer", "null"] },
            column: { type: ["integer", "null"] },
          },
        },
      },
    },
  },
} as const;
