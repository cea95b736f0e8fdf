/**
 * The JSON Schema (2020-12) of policy documents. Point a policy's `$schema` at `POLICY_SCHEMA_ID`
 * and editors autocomplete it. A rule's own `schema` is checked further at load time (lint.ts):
 * property paths against the ScanReport schema, patterns under RE2, ajv strict mode.
 */

/** The stable `$id` of the policy schema, version 1. */
export const POLICY_SCHEMA_ID = "https://tlsgate.dev/schemas/policy/v1.json";

/** Rule ids are kebab-case: lower-case letters and digits in dash-separated words. */
export const RULE_ID_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$";

/** A waiver entry (in a policy's `waivers` and in the config file's). */
export const waiverSchema = {
  description:
    "Lets a rule's findings on some targets pass, with a reason, until a date; after it they block again.",
  type: "object",
  additionalProperties: false,
  required: ["rule", "targets", "reason", "expires"],
  properties: {
    rule: { description: "The rule id.", type: "string", pattern: RULE_ID_PATTERN },
    targets: {
      description:
        'Globs over the target as written ("legacy.example.com:443", "*.vendor.example.com").',
      type: "array",
      minItems: 1,
      items: { type: "string", minLength: 1, maxLength: 256 },
    },
    reason: { description: "Why, e.g. a ticket.", type: "string", minLength: 1 },
    expires: {
      description: "The last day (UTC) the waiver is in force, YYYY-MM-DD.",
      type: "string",
      pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    },
  },
} as const;

export const policySchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: POLICY_SCHEMA_ID,
  title: "tlsgate policy",
  description:
    "A TLS policy: rules that are JSON Schemas over the tlsgate ScanReport, with severities and remediation.",
  type: "object",
  additionalProperties: false,
  required: ["name", "version"],
  properties: {
    $schema: { type: "string" },
    name: {
      description: 'The policy\'s name, e.g. "acme/prod".',
      type: "string",
      minLength: 1,
      maxLength: 214,
    },
    version: {
      description: "The policy's version (semver).",
      type: "string",
      pattern: "^[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.+-]+)?$",
    },
    description: { type: "string" },
    extends: {
      description:
        'Policies merged before this one, in order: preset names ("intermediate"), files relative to this one ("./base.json") or installed npm packages ("@acme/tls-policies/prod").',
      type: "array",
      items: { type: "string", minLength: 1 },
    },
    rules: {
      description:
        "Rules by kebab-case id. A full rule defines or replaces a rule; a bare severity changes the severity of a rule an extended policy defines.",
      type: "object",
      propertyNames: { pattern: RULE_ID_PATTERN },
      additionalProperties: {
        if: { type: "string" },
        then: { $ref: "#/$defs/severity" },
        else: { $ref: "#/$defs/rule" },
      },
    },
    waivers: {
      description: "Waivers of this policy's rules (see waiverSchema).",
      type: "array",
      items: { $ref: "#/$defs/waiver" },
    },
  },
  $defs: {
    waiver: waiverSchema,
    severity: { enum: ["error", "warning", "info", "off"] },
    rule: {
      type: "object",
      additionalProperties: false,
      required: ["severity", "title", "schema"],
      properties: {
        severity: { $ref: "#/$defs/severity" },
        title: { type: "string", minLength: 1 },
        description: { type: "string" },
        remediation: {
          type: "object",
          additionalProperties: false,
          properties: {
            nginx: { type: "string" },
            apache: { type: "string" },
            haproxy: { type: "string" },
            generic: { type: "string" },
          },
        },
        references: { type: "array", items: { type: "string", format: "uri" } },
        message: {
          description:
            "Message for each failing value; placeholders {name}, {pointer}, {title}, {value}, {value.PATH}, {parent.PATH} (the object holding the value), {report.PATH}, each optionally with |date, |abs, |quote or |list (a misspelt one is a load error).",
          type: "string",
          minLength: 1,
        },
        schema: {
          description: "A JSON Schema (2020-12) the ScanReport must satisfy.",
          type: "object",
        },
      },
    },
  },
} as const;
