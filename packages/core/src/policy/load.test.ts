import { Ajv2020 } from "ajv/dist/2020.js";
import { afterEach, describe, expect, it } from "vitest";
import { PolicyError } from "./errors.js";
import { loadPolicyFile, parsePolicy } from "./load.js";
import { policySchema } from "./policy-schema.js";
import { tempDir } from "../../test/support/temp-dir.js";

/** The PolicyError a function throws. */
function policyError(run: () => unknown): PolicyError {
  try {
    run();
  } catch (error) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error("expected a PolicyError");
}

const fields = (e: PolicyError): object => ({
  code: e.code,
  line: e.line,
  column: e.column,
  pointer: e.pointer,
  message: e.message,
});

const YAML_POLICY = `name: acme/prod
version: 1.0.0
rules:
  no-legacy:
    severity: error
    title: Only TLS 1.2 and newer
    schema:
      properties:
        protocol:
          properties:
            TLSv1.0: { const: false }
`;

describe("parsePolicy", () => {
  it("reads a JSON policy", () => {
    const loaded = parsePolicy(
      JSON.stringify({
        $schema: "https://tlsgate.dev/schemas/policy/v1.json",
        name: "acme/prod",
        version: "3.1.0",
        rules: {
          "no-tls10": {
            severity: "error",
            title: "No TLS 1.0",
            schema: { properties: { protocols: { properties: { "TLSv1.0": { const: false } } } } },
          },
          hsts: "off",
        },
      }),
      "acme.json",
    );
    expect(loaded.format).toBe("json");
    expect(loaded.document.name).toBe("acme/prod");
    expect(Object.keys(loaded.document.rules ?? {})).toEqual(["no-tls10", "hsts"]);
  });

  it("reports a JSON syntax error with line and column", () => {
    const text = '{\n  "name": "x",\n  "version": "1.0.0"\n  "rules": {}\n}\n';
    const error = policyError(() => parsePolicy(text, "policies/acme.json"));
    expect(fields(error)).toEqual({
      code: "parse",
      line: 4,
      column: 3,
      pointer: null,
      message: `JSON: expected ',' or '}', found character "\\""`,
    });
    expect(error.toString()).toBe(`policies/acme.json:4:3: ${error.message}`);
    expect(error.name).toBe("PolicyError");
  });

  it("reports a trailing comma and a duplicate key in JSON", () => {
    const trailing = policyError(() =>
      parsePolicy('{"name": "x",\n "version": "1.0.0",\n}', "a.json"),
    );
    expect([trailing.line, trailing.column, trailing.message]).toEqual([
      3,
      1,
      "JSON: trailing comma before '}'",
    ]);
    const duplicate = policyError(() =>
      parsePolicy('{"name": "x",\n  "name": "y", "version": "1.0.0"}', "a.json"),
    );
    expect([duplicate.line, duplicate.column, duplicate.message]).toEqual([
      2,
      3,
      'JSON: duplicate key "name"',
    ]);
  });

  it("reports a YAML syntax error with line and column", () => {
    const text = "name: x\nversion: 1.0.0\nrules:\n  a: [error\n  b: off\n";
    const error = policyError(() => parsePolicy(text, "acme.yaml"));
    expect(error.code).toBe("parse");
    expect(error.file).toBe("acme.yaml");
    expect([error.line, error.column]).toEqual([5, 3]);
    expect(error.message).toMatch(/^YAML: /);
  });

  it("reports a YAML duplicate key where it is", () => {
    const text = "name: x\nversion: 1.0.0\nname: y\n";
    const error = policyError(() => parsePolicy(text, "acme.yml"));
    expect([error.code, error.line, error.column]).toEqual(["parse", 3, 1]);
    expect(error.message).toContain("unique");
  });

  it("refuses a misspelt property path at load, with its pointer, line and column (YAML)", () => {
    const error = policyError(() => parsePolicy(YAML_POLICY, "policies/acme.yaml"));
    expect(fields(error)).toEqual({
      code: "unknown-path",
      line: 9,
      column: 9,
      pointer: "/rules/no-legacy/schema/properties/protocol",
      message: "protocol is not a ScanReport field (did you mean protocols?)",
    });
    expect(error.toString()).toBe(
      "policies/acme.yaml:9:9 /rules/no-legacy/schema/properties/protocol: protocol is not a ScanReport field (did you mean protocols?)",
    );
  });

  it("refuses a misspelt nested path (JSON), naming where it was looked for", () => {
    const text = `{
  "name": "x",
  "version": "1.0.0",
  "rules": {
    "no-rc4": {
      "severity": "error",
      "title": "No RC4",
      "schema": {
        "properties": {
          "cipherSuites": {
            "items": { "properties": { "ianaName": { "not": { "pattern": "RC4" } } } }
          }
        }
      }
    }
  }
}`;
    const error = policyError(() => parsePolicy(text, "a.json"));
    expect(fields(error)).toEqual({
      code: "unknown-path",
      line: 11,
      column: 40,
      pointer: "/rules/no-rc4/schema/properties/cipherSuites/items/properties/ianaName",
      message: "ianaName is not a field of cipherSuites[] (did you mean iana?)",
    });
  });

  const rule = (schema: unknown): string =>
    JSON.stringify({
      name: "x",
      version: "1.0.0",
      rules: { r: { severity: "error", title: "R", schema } },
    });

  it.each([
    [
      "a property of a boolean",
      { properties: { protocols: { properties: { "TLSv1.0": { properties: { on: true } } } } } },
      "schema",
      "/rules/r/schema/properties/protocols/properties/TLSv1.0/properties",
      "properties does not apply to protocols.TLSv1.0, which is boolean or null",
    ],
    [
      "a required field that does not exist",
      { properties: { certificate: { required: ["trused"] } } },
      "unknown-path",
      "/rules/r/schema/properties/certificate/required/0",
      "trused is not a field of certificate (did you mean trusted?)",
    ],
    [
      "minimum on a string",
      { properties: { cipherSuites: { items: { properties: { iana: { minimum: 1 } } } } } },
      "schema",
      "/rules/r/schema/properties/cipherSuites/items/properties/iana/minimum",
      "minimum does not apply to cipherSuites[].iana, which is string",
    ],
    [
      "an unknown keyword",
      { properties: { features: { properties: { compression: { cont: false } } } } },
      "schema",
      "/rules/r/schema/properties/features/properties/compression/cont",
      "unknown keyword cont (did you mean const?)",
    ],
    [
      "a value the field never has",
      { properties: { protocols: { properties: { "TLSv1.0": { const: "false" } } } } },
      "schema",
      "/rules/r/schema/properties/protocols/properties/TLSv1.0/const",
      '"false" can never match: protocols.TLSv1.0 is boolean or null',
    ],
    [
      "a protocol name that does not exist",
      {
        properties: {
          groups: { items: { properties: { protocol: { enum: ["TLSv1.2", "TLS1.3"] } } } },
        },
      },
      "schema",
      "/rules/r/schema/properties/groups/items/properties/protocol/enum/1",
      '"TLS1.3" is not a value of groups[].protocol (did you mean TLSv1.3?) (one of SSLv2, SSLv3, TLSv1.0, TLSv1.1, TLSv1.2, TLSv1.3)',
    ],
    [
      "a misspelt cipher suite name",
      {
        properties: {
          cipherSuites: {
            items: { properties: { iana: { not: { enum: ["TLS_RSA_WITH_RC4_128_MDS"] } } } },
          },
        },
      },
      "schema",
      "/rules/r/schema/properties/cipherSuites/items/properties/iana/not/enum/0",
      '"TLS_RSA_WITH_RC4_128_MDS" is not a cipher suite name (did you mean TLS_RSA_WITH_RC4_128_MD5?)',
    ],
    [
      "an OpenSSL name where the IANA name is reported",
      { properties: { cipherSuites: { items: { properties: { iana: { const: "RC4-SHA" } } } } } },
      "schema",
      "/rules/r/schema/properties/cipherSuites/items/properties/iana/const",
      '"RC4-SHA" is not an IANA cipher suite name: the report names it TLS_RSA_WITH_RC4_128_SHA',
    ],
    [
      "a $ref",
      { $ref: "https://example.com/schema.json" },
      "schema",
      "/rules/r/schema/$ref",
      "$ref is not allowed in a rule: rules are self-contained",
    ],
    [
      "patternProperties over named fields",
      { properties: { certificate: { patternProperties: { "^ocsp": { const: true } } } } },
      "unknown-path",
      "/rules/r/schema/properties/certificate/patternProperties",
      "patternProperties is allowed only over maps (such as protocols); certificate has named fields: use properties",
    ],
    [
      "a patternProperties key that matches no field",
      { properties: { protocols: { patternProperties: { "^TLS1": { const: false } } } } },
      "unknown-path",
      "/rules/r/schema/properties/protocols/patternProperties/^TLS1",
      "pattern ^TLS1 matches no field of protocols (SSLv2, SSLv3, TLSv1.0, TLSv1.1, TLSv1.2, TLSv1.3)",
    ],
    [
      "a pattern with a backreference (no linear-time engine runs it)",
      {
        properties: {
          certificate: { properties: { trustError: { pattern: "^(a)\\1$" } } },
        },
      },
      "unsafe-pattern",
      "/rules/r/schema/properties/certificate/properties/trustError/pattern",
      "not a pattern the linear-time engine (RE2) accepts: error parsing regexp: invalid escape sequence: `\\1`",
    ],
    [
      "a patternProperties key with a lookahead",
      { properties: { protocols: { patternProperties: { "^(?=TLS)": { const: false } } } } },
      "unsafe-pattern",
      "/rules/r/schema/properties/protocols/patternProperties/^(?=TLS)",
      "not a pattern the linear-time engine (RE2) accepts: error parsing regexp: invalid or unsupported Perl syntax: `(?=`",
    ],
    [
      "an unknown format (ajv strict mode)",
      { properties: { target: { properties: { address: { format: "ipv9" } } } } },
      "schema",
      "/rules/r/schema",
      'not a valid rule schema: unknown format "ipv9" ignored in schema at path "#/properties/target/properties/address"',
    ],
  ])("refuses %s", (_, schema, code, pointer, message) => {
    const error = policyError(() => parsePolicy(rule(schema), "a.json"));
    expect({ code: error.code, pointer: error.pointer, message: error.message }).toEqual({
      code,
      pointer,
      message,
    });
    expect(error.line).toBe(1);
  });

  it("accepts patternProperties over protocols and paths through combinators", () => {
    const loaded = parsePolicy(
      rule({
        properties: {
          protocols: { patternProperties: { "^(SSLv|TLSv1\\.[01])": { const: false } } },
          certificate: {
            anyOf: [
              { type: "null" },
              { properties: { chain: { items: { properties: { keyBits: { minimum: 2048 } } } } } },
            ],
          },
        },
        if: { properties: { dh: { properties: { supported: { const: true } } } } },
        then: { properties: { dh: { properties: { bits: { minimum: 2048 } } } } },
      }),
      "a.json",
    );
    expect(loaded.document.rules?.r).toMatchObject({ severity: "error" });
  });

  it.each([
    [
      "an unknown severity",
      "rules:\n  r:\n    severity: fatal\n    title: R\n    schema: {}\n",
      [5, 5],
      "/rules/r/severity",
      '"fatal" is not one of error, warning, info, off',
    ],
    [
      "a bare severity that is not one",
      "rules:\n  r: errors\n",
      [4, 3],
      "/rules/r",
      '"errors" is not one of error, warning, info, off (did you mean error?)',
    ],
    [
      "an unknown rule property",
      "rules:\n  r:\n    severity: error\n    title: R\n    remedy: x\n    schema: {}\n",
      [7, 5],
      "/rules/r/remedy",
      "unknown property remedy (did you mean remediation?); allowed: severity, title, description, remediation, references, message, schema",
    ],
    [
      "a misspelt severity key",
      "rules:\n  r:\n    severty: error\n    title: R\n    schema: {}\n",
      [5, 5],
      "/rules/r/severty",
      "unknown property severty (did you mean severity?); allowed: severity, title, description, remediation, references, message, schema",
    ],
    [
      "a missing title",
      "rules:\n  r:\n    severity: error\n    schema: {}\n",
      [4, 3],
      "/rules/r",
      "r is missing title",
    ],
    [
      "a rule id that is not kebab-case",
      "rules:\n  noTls10: off\n",
      [4, 3],
      "/rules/noTls10",
      "rule id noTls10 is not kebab-case (lower-case words joined by dashes, ^[a-z0-9]+(-[a-z0-9]+)*$)",
    ],
    [
      "a reference that is not a URI",
      "rules:\n  r:\n    severity: error\n    title: R\n    references: [not a uri]\n    schema: {}\n",
      [7, 18],
      "/rules/r/references/0",
      '"not a uri" is not a uri',
    ],
    [
      "extends that is not a list",
      "extends: intermediate\n",
      [3, 1],
      "/extends",
      "extends must be a list",
    ],
  ])("refuses %s, with line and column", (_, body, [line, column], pointer, message) => {
    const error = policyError(() => parsePolicy(`name: x\nversion: 1.0.0\n${body}`, "a.yaml"));
    expect(fields(error)).toEqual({ code: "invalid", line, column, pointer, message });
  });

  it("refuses a document without name and version, naming both", () => {
    const error = policyError(() => parsePolicy("{}", "a.json"));
    expect(fields(error)).toEqual({
      code: "invalid",
      line: 1,
      column: 1,
      pointer: "",
      message: "the policy is missing name",
    });
    expect(error.issues.map((issue) => issue.message)).toEqual([
      "the policy is missing name",
      "the policy is missing version",
    ]);
  });

  it("reports every problem of a misspelt policy at once, in document order", () => {
    const text = [
      "name: acme/prod",
      "version: 1.0.0",
      "rules:",
      "  no-legacy:",
      "    severty: error",
      "    title: Only TLS 1.2 and newer",
      "    schema:",
      "      properties:",
      "        protocols:",
      "          properties:",
      "            TLSv1.0: { const: false }",
      "  no-rc4:",
      "    severity: error",
      "    title: No RC4",
      "    schema:",
      "      properties:",
      "        cipherSuite: { type: array }",
      "  expiry: warnin",
    ].join("\n");
    const error = policyError(() => parsePolicy(text, "acme.yaml"));
    expect(error.issues.map((issue) => [issue.code, issue.line, issue.pointer])).toEqual([
      ["invalid", 5, "/rules/no-legacy/severty"],
      ["unknown-path", 17, "/rules/no-rc4/schema/properties/cipherSuite"],
      ["invalid", 18, "/rules/expiry"],
    ]);
    expect(error.issues[0]!.message).toMatch(
      /unknown property severty \(did you mean severity\?\)/,
    );
    expect(error.toString().split("\n")).toHaveLength(3);
    expect(error.toString().split("\n")[1]).toBe(
      "acme.yaml:17:9 /rules/no-rc4/schema/properties/cipherSuite: cipherSuite is not a ScanReport field (did you mean cipherSuites?)",
    );
  });
});

describe("loadPolicyFile", () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

  it("reads YAML by extension and names the file in errors", () => {
    const dir = tempDir({ "acme.yaml": YAML_POLICY, "ok.yml": "name: ok\nversion: 0.1.0\n" });
    dirs.push(dir);
    expect(loadPolicyFile(dir.path("ok.yml")).document).toEqual({ name: "ok", version: "0.1.0" });
    const error = policyError(() => loadPolicyFile(dir.path("acme.yaml")));
    expect(error.file).toBe(dir.path("acme.yaml"));
    expect(error.code).toBe("unknown-path");
  });
});

describe("message placeholders", () => {
  const withMessage = (message: string): string =>
    JSON.stringify(
      {
        name: "acme/prod",
        version: "1.0.0",
        rules: {
          "no-tls10": {
            severity: "error",
            title: "No TLS 1.0",
            message,
            schema: { properties: { protocols: { properties: { "TLSv1.0": { const: false } } } } },
          },
        },
      },
      null,
      2,
    );

  it("accepts every placeholder with a path that exists", () => {
    const message =
      "{name} {pointer} {value} {value.iana} {title} {report.target.host} {report.protocols.TLSv1.0} {report.cipherSuites.0.iana} {not a placeholder}";
    expect(parsePolicy(withMessage(message), "p.json").document.rules?.["no-tls10"]).toMatchObject({
      message,
    });
  });

  it("refuses a placeholder with two filters, which the template would print as is", () => {
    const text = withMessage("expires {value|quote|date}");
    const error = policyError(() => parsePolicy(text, "p.json"));
    expect(fields(error)).toMatchObject({
      code: "invalid",
      pointer: "/rules/no-tls10/message",
      message: "one filter per placeholder: {value|quote|date} has 2",
    });
  });

  it("refuses a misspelt placeholder where it stands, suggesting the right one", () => {
    const text = withMessage("{name} on {reprot.target.host}");
    const error = policyError(() => parsePolicy(text, "p.json"));
    const line = text.split("\n").findIndex((l) => l.includes("reprot")) + 1;
    const column = (text.split("\n")[line - 1] ?? "").indexOf("{reprot") + 1;
    expect(fields(error)).toEqual({
      code: "invalid",
      line,
      column,
      pointer: "/rules/no-tls10/message",
      message:
        "unknown message placeholder {reprot.target.host} (did you mean {report.target.host}?); placeholders: {name}, {pointer}, {value}, {value.FIELD}, {title}, {report.PATH}, {parent.PATH}",
    });
    expect([line, column]).toEqual([8, 29]);
  });

  it("refuses a path the report does not have, in YAML too", () => {
    const yaml = [
      "name: acme/prod",
      "version: 1.0.0",
      "rules:",
      "  no-tls10:",
      "    severity: error",
      "    title: No TLS 1.0",
      "    message: '{report.target.hots} has {value.subjcet}'",
      "    schema: { properties: { protocols: { properties: { TLSv1.0: { const: false } } } } }",
      "",
    ].join("\n");
    const error = policyError(() => parsePolicy(yaml, "p.yaml"));
    expect(error.issues.map((i) => [i.code, i.line, i.column, i.message])).toEqual([
      [
        "unknown-path",
        7,
        15,
        "message placeholder {report.target.hots}: hots is not a field of target (did you mean host?)",
      ],
      [
        "unknown-path",
        7,
        40,
        "message placeholder {value.subjcet}: subjcet is not a field of any ScanReport value (did you mean subject?)",
      ],
    ]);
  });

  it("refuses a placeholder with a field it cannot take, and one a list index cannot follow", () => {
    const error = policyError(() =>
      parsePolicy(
        withMessage(
          "{title.x} {value.a.b} {report} {report.target.host.x} {report.cipherSuites.x}",
        ),
        "p.json",
      ),
    );
    expect(error.issues.map((i) => [i.code, i.message])).toEqual([
      ["invalid", "{title.x}: {title} takes no field"],
      ["invalid", "{value.a.b}: {value.FIELD} names one field of the failing value"],
      ["invalid", "{report} needs a path: {report.target.host}"],
      [
        "unknown-path",
        "message placeholder {report.target.host.x}: target.host is string, it has no fields",
      ],
      [
        "unknown-path",
        "message placeholder {report.cipherSuites.x}: cipherSuites is a list: name an item by its index (cipherSuites.0)",
      ],
    ]);
  });
});

describe("the policy schema", () => {
  // parsePolicy compiles it without checking it against the meta-schema, to start faster.
  it("is a valid JSON Schema 2020-12 document", () => {
    const ajv = new Ajv2020({ strict: false });
    expect(ajv.validateSchema(policySchema)).toBe(true);
    expect(ajv.errors).toBeNull();
  });
});
