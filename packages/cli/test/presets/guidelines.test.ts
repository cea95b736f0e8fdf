// Holds modern, intermediate and compatible against Mozilla's Server Side TLS guideline data
// (data/mozilla, vendored): every field of the guideline is read back out of the preset's rule
// schemas and compared, so a guideline update shows up here as a failing test, not as drift.
import { describe, expect, it } from "vitest";
import { groupByName } from "@tlsgate/core/registry";
import type { PolicyRule } from "@tlsgate/core";
import type { PresetName } from "@tlsgate/policies";
import { readDataJson } from "@tlsgate/testing/data";
import { ownRules, presetDocument } from "./support.js";

interface MozillaConfiguration {
  certificate_curves: string[];
  certificate_signatures: string[];
  certificate_types: string[];
  ciphers: { iana: string[]; openssl: string[] };
  ciphersuites: string[];
  dh_param_size: number | null;
  ecdh_param_size: number;
  hsts_min_age: number;
  maximum_certificate_lifespan: number;
  ocsp_staple: boolean;
  oldest_clients: string[];
  recommended_certificate_lifespan: number;
  rsa_key_size: number | null;
  server_preferred_order: boolean;
  tls_curves: string[];
  tls_versions: string[];
}

interface MozillaGuideline {
  version: number;
  configurations: Record<string, MozillaConfiguration | undefined>;
}

type Field = keyof MozillaConfiguration;

const LEVELS: readonly { preset: PresetName; guideline: string; level: string }[] = [
  { preset: "modern", guideline: "6.0", level: "modern" },
  { preset: "intermediate", guideline: "6.0", level: "intermediate" },
  // Guidelines 6.0 dropped "old"; 5.8 is the last version that defines it.
  { preset: "compatible", guideline: "5.8", level: "old" },
];

/** Guideline fields no rule encodes, and why; any other field must be encoded. */
const NOT_ENCODED: Partial<Record<Field, string>> = {
  oldest_clients:
    "the clients a level serves follow from its protocols and suites; the report's client simulation names clients differently",
};

const PROTOCOLS = ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"] as const;
/** Mozilla writes TLS 1.0 as "TLSv1". */
const mozillaProtocol = (protocol: string): string => (protocol === "TLSv1.0" ? "TLSv1" : protocol);

type Json = unknown;

/** The value at `path` inside a rule's schema; throws naming the rule when it is not there. */
function at(
  rules: Record<string, PolicyRule>,
  id: string,
  path: readonly (string | number)[],
): Json {
  const rule = rules[id];
  if (rule === undefined) throw new Error(`the preset has no rule ${id}`);
  let value: Json = rule.schema;
  for (const [index, key] of path.entries()) {
    if (typeof value !== "object" || value === null || !(key in value)) {
      throw new Error(
        `rule ${id}: its schema has no ${path.slice(0, index + 1).join(".")}; this test reads the ` +
          "guideline values back from the shape the presets use, so update both together",
      );
    }
    value = (value as Record<string | number, Json>)[key];
  }
  return value;
}

const LEAF = ["properties", "certificates", "items", "properties", "chain", "prefixItems", 0];
const SUITE_ITEMS = ["properties", "cipherSuites", "items"];

/** Reads each guideline field back out of the preset's rules. */
const EXTRACT: Record<Exclude<Field, "oldest_clients">, (r: Record<string, PolicyRule>) => Json> = {
  tls_versions: (r) => {
    const named = at(r, "tls-versions", ["properties", "protocols", "properties"]) as Record<
      string,
      Json
    >;
    for (const [protocol, schema] of Object.entries(named)) {
      expect(schema, `tls-versions names ${protocol} only to disable it`).toEqual({ const: false });
    }
    return PROTOCOLS.filter((p) => !(p in named)).map(mozillaProtocol);
  },
  ciphersuites: (r) => {
    expect(at(r, "tls13-cipher-suites", [...SUITE_ITEMS, "if"])).toEqual({
      properties: { protocol: { const: "TLSv1.3" } },
    });
    return at(r, "tls13-cipher-suites", [...SUITE_ITEMS, "then", "properties", "iana", "enum"]);
  },
  ciphers: (r) => {
    expect(at(r, "cipher-suites", [...SUITE_ITEMS, "if"])).toEqual({
      properties: { protocol: { not: { const: "TLSv1.3" } } },
    });
    const then = at(r, "cipher-suites", [...SUITE_ITEMS, "then"]);
    const iana =
      then === false
        ? []
        : at(r, "cipher-suites", [...SUITE_ITEMS, "then", "properties", "iana", "enum"]);
    return { iana };
  },
  tls_curves: (r) =>
    at(r, "tls-curves", ["properties", "groups", "items", "properties", "name", "enum"]),
  certificate_types: (r) => at(r, "certificate-types", [...LEAF, "properties", "keyType", "enum"]),
  certificate_curves: (r) => {
    expect(at(r, "certificate-curves", [...LEAF, "if"])).toEqual({
      properties: { keyType: { const: "ecdsa" } },
    });
    return at(r, "certificate-curves", [...LEAF, "then", "properties", "curve", "enum"]);
  },
  certificate_signatures: (r) =>
    at(r, "certificate-signatures", [...LEAF, "properties", "signatureAlgorithm", "enum"]),
  rsa_key_size: (r) => {
    const leaf = at(r, "rsa-key-size", LEAF) as { then?: unknown };
    if (leaf.then === undefined) {
      // No RSA size: the level allows no RSA certificates at all.
      expect(leaf).toEqual({ properties: { keyType: { not: { const: "rsa" } } } });
      return null;
    }
    expect(at(r, "rsa-key-size", [...LEAF, "if"])).toEqual({
      properties: { keyType: { const: "rsa" } },
    });
    return at(r, "rsa-key-size", [...LEAF, "then", "properties", "keyBits", "minimum"]);
  },
  dh_param_size: (r) => {
    const dh = at(r, "dh-param-size", ["properties", "dh"]) as { then?: unknown };
    if (dh.then === undefined) {
      // No DH size: the level uses no DHE at all.
      expect(dh).toEqual({ properties: { supported: { const: false } } });
      return null;
    }
    expect(at(r, "dh-param-size", ["properties", "dh", "else"])).toEqual({
      properties: { supported: { const: false } },
    });
    return at(r, "dh-param-size", ["properties", "dh", "then", "properties", "bits", "minimum"]);
  },
  ecdh_param_size: (r) => {
    const branches = at(r, "ecdh-param-size", ["properties", "groups", "items", "anyOf"]) as {
      properties?: { bits?: { minimum?: number } };
    }[];
    const sized = branches.filter((b) => b.properties?.bits?.minimum !== undefined);
    expect(sized, "ecdh-param-size has one branch with a minimum size").toHaveLength(1);
    return sized[0]?.properties?.bits?.minimum;
  },
  maximum_certificate_lifespan: (r) =>
    at(r, "certificate-lifespan", [...LEAF, "properties", "lifespanDays", "maximum"]),
  recommended_certificate_lifespan: (r) =>
    at(r, "recommended-certificate-lifespan", [...LEAF, "properties", "lifespanDays", "maximum"]),
  ocsp_staple: (r) => {
    const rule = r["ocsp-stapling"];
    if (rule === undefined || rule.severity === "off") return false;
    expect(
      at(r, "ocsp-stapling", ["properties", "certificates", "items", "properties", "ocspStapled"]),
    ).toEqual({ const: true });
    return true;
  },
  hsts_min_age: (r) => {
    expect(at(r, "hsts", ["if", "properties", "target", "properties", "web"])).toEqual({
      const: true,
    });
    const hsts = ["then", "properties", "features", "properties", "hsts"];
    expect(at(r, "hsts", [...hsts, "properties", "present"])).toEqual({ const: true });
    return at(r, "hsts", [...hsts, "then", "properties", "maxAge", "minimum"]);
  },
  server_preferred_order: (r) => {
    const items = at(r, "server-cipher-order", ["properties", "serverPreference", "items"]) as {
      not?: unknown;
    };
    // Client order: the server must not enforce one (any protocol). Server order: it must
    // enforce one with TLS 1.2 and older (TLS 1.3 suites are all strong).
    if (items.not !== undefined) {
      expect(items.not).toEqual({ properties: { enforced: { const: true } } });
      return false;
    }
    const path = ["properties", "serverPreference", "items"];
    expect(at(r, "server-cipher-order", [...path, "if"])).toEqual({
      properties: { protocol: { not: { const: "TLSv1.3" } } },
    });
    expect(at(r, "server-cipher-order", [...path, "then", "not"])).toEqual({
      properties: { enforced: { const: false } },
    });
    return true;
  },
};

/** The guideline value as the preset encodes it (group names by IANA name, as the report has them). */
function expected(field: Field, configuration: MozillaConfiguration): Json {
  if (field === "ciphers") return { iana: configuration.ciphers.iana };
  if (field === "tls_curves") {
    return configuration.tls_curves.map((curve) => {
      const group = groupByName(curve);
      if (group === undefined) throw new Error(`the registry does not know the group ${curve}`);
      return group.name;
    });
  }
  return configuration[field];
}

describe.each(LEVELS.map((level) => [level.preset, level.level, level.guideline, level] as const))(
  "%s holds Mozilla's %s configuration (guidelines %s)",
  (_preset, _level, _guideline, level) => {
    const guideline = readDataJson<MozillaGuideline>(`mozilla/guidelines-${level.guideline}.json`);
    const configuration = guideline.configurations[level.level];
    const rules = ownRules(level.preset);

    it("reads the guideline version the preset says it follows", () => {
      expect(guideline.version.toFixed(1)).toBe(level.guideline);
      expect(configuration, `guidelines ${level.guideline} define ${level.level}`).toBeDefined();
      expect(presetDocument(level.preset).description).toContain(`guidelines ${level.guideline}`);
    });

    it("encodes every guideline field or says why not", () => {
      const fields = Object.keys(configuration ?? {}).sort();
      const known = [...Object.keys(EXTRACT), ...Object.keys(NOT_ENCODED)].sort();
      expect(fields, "a new or renamed guideline field: encode it as a rule").toEqual(known);
    });

    it.each(Object.keys(EXTRACT) as (keyof typeof EXTRACT)[])("%s", (field) => {
      if (configuration === undefined) throw new Error(`no ${level.level} configuration`);
      expect(EXTRACT[field](rules), `${level.preset} vs Mozilla ${level.level} ${field}`).toEqual(
        expected(field, configuration),
      );
    });

    it("gives remediation as Mozilla's configuration generator emits it", () => {
      if (configuration === undefined) throw new Error(`no ${level.level} configuration`);
      const remedy = (id: string, server: "nginx" | "apache" | "haproxy"): string =>
        rules[id]?.remediation?.[server] ?? `(no ${server} remediation for ${id})`;
      const versions = configuration.tls_versions;
      const first = versions[0] === "TLSv1" ? "TLSv1.0" : versions[0];
      expect(remedy("tls-versions", "nginx")).toContain(`ssl_protocols ${versions.join(" ")};`);
      expect(remedy("tls-versions", "apache")).toContain(
        `SSLProtocol -all ${versions.map((v) => `+${v}`).join(" ")}`,
      );
      expect(remedy("tls-versions", "haproxy")).toContain(`ssl-min-ver ${first} no-tls-tickets`);
      const curves = configuration.tls_curves.join(":");
      expect(remedy("tls-curves", "nginx")).toBe(`ssl_ecdh_curve ${curves};`);
      expect(remedy("tls-curves", "apache")).toBe(`SSLOpenSSLConfCmd Curves ${curves}`);
      expect(remedy("tls-curves", "haproxy")).toBe(`ssl-default-bind-curves ${curves}`);
      const suites13 = configuration.ciphersuites.join(":");
      expect(remedy("tls13-cipher-suites", "haproxy")).toBe(
        `ssl-default-bind-ciphersuites ${suites13}`,
      );
      if (configuration.ciphers.openssl.length > 0) {
        const ciphers = configuration.ciphers.openssl.join(":");
        expect(remedy("cipher-suites", "nginx")).toMatch(
          new RegExp(`^ssl_ciphers (@SECLEVEL=0:)?`),
        );
        expect(remedy("cipher-suites", "nginx")).toContain(`${ciphers};`);
        expect(remedy("cipher-suites", "apache")).toContain(ciphers);
        expect(remedy("cipher-suites", "haproxy")).toContain(`ssl-default-bind-ciphers `);
        expect(remedy("cipher-suites", "haproxy")).toContain(ciphers);
      }
      const order = configuration.server_preferred_order ? "on" : "off";
      expect(remedy("server-cipher-order", "nginx")).toBe(`ssl_prefer_server_ciphers ${order};`);
      expect(remedy("server-cipher-order", "apache")).toBe(`SSLHonorCipherOrder ${order}`);
      expect(remedy("hsts", "nginx")).toContain(`max-age=${configuration.hsts_min_age}`);
      expect(remedy("hsts", "haproxy")).toContain(`max-age=${configuration.hsts_min_age}`);
    });
  },
);
