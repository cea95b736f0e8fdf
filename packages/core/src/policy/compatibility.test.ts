/**
 * Compatibility as policy: rules over clients[] (the simulated client handshakes) lint against
 * the ScanReport schema and evaluate, including the example policy
 * policies/examples/compatibility.json. On real servers: packages/core/test/compatibility.test.ts.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compilePolicy, evaluate } from "./evaluate.js";
import { PolicyError } from "./errors.js";
import { resolvePolicy } from "./resolve.js";
import { compiled } from "../../test/support/policy.js";
import type { Evaluation, FindingStatus } from "./types.js";
import { REPO_ROOT } from "@tlsgate/testing/data";
import { sampleReport } from "../../test/support/sample-report.js";
import type { ClientSimulation, ScanReport } from "../scan-report/types.js";

const EXAMPLE = join(REPO_ROOT, "policies", "examples", "compatibility.json");

const connected = (
  name: string,
  protocol: ClientSimulation["protocol"] = "TLSv1.3",
): ClientSimulation => ({
  name,
  family: name.split(" ")[0] ?? name,
  version: "1",
  year: 2020,
  current: true,
  ok: true,
  protocol,
  cipher: protocol === "TLSv1.3" ? "TLS_AES_128_GCM_SHA256" : "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
  group: "x25519",
  dhBits: null,
  reason: null,
  reasonCode: null,
});

const REQUIRED = [
  "Android 7.0 (native)",
  "Android 8.1 (native)",
  "Java 8u442 (OpenJDK)",
  "Java 11.0.2 (OpenJDK)",
  "Safari 18.4 (macOS 15.4/iOS 18.4)",
];

function reportWith(clients: ClientSimulation[] | null): ScanReport {
  const report = sampleReport("shop.example:443");
  report.clients = clients;
  return report;
}

/** Status per rule, and the messages of the findings that are not passes. */
function outcome(evaluation: Evaluation): {
  status: Record<string, FindingStatus>;
  messages: string[];
} {
  const status: Record<string, FindingStatus> = {};
  for (const id of Object.keys(evaluation.rules)) status[id] = "pass";
  for (const f of evaluation.findings) {
    if (f.status === "fail") status[f.ruleId] = "fail";
    else if (f.status === "inconclusive" && status[f.ruleId] !== "fail")
      status[f.ruleId] = "inconclusive";
  }
  return {
    status,
    messages: evaluation.findings
      .filter((f) => f.status !== "pass")
      .map((f) => `${f.ruleId}: ${f.pointer} ${f.message}`),
  };
}

describe("compatibility rules over clients[]", () => {
  const policy = compilePolicy(resolvePolicy(EXAMPLE));

  it("load, lint and pass on a report where every required client connects", () => {
    const { status, messages } = outcome(
      evaluate(policy, reportWith(REQUIRED.map((n) => connected(n)))),
    );
    expect(messages).toEqual([]);
    expect(status).toEqual({
      "required-clients-simulated": "pass",
      "required-clients-connect": "pass",
      "current-clients-connect": "pass",
      "current-clients-tls12": "pass",
    });
  });

  it("name the client that fails, and why", () => {
    const clients = REQUIRED.map((n) => connected(n));
    clients[1] = {
      ...connected("Android 8.1 (native)"),
      ok: false,
      protocol: null,
      cipher: null,
      group: null,
      reason: "no shared protocol: the client (TLSv1.0–TLSv1.2) is older than the server (TLSv1.3)",
      reasonCode: "no-shared-protocol",
    };
    clients.push(connected("IE 8 Win 7", "TLSv1.0"));
    clients.push({
      ...connected("Firefox 137 (Win 11)"),
      ok: null,
      protocol: null,
      reason: "connection failure (inconclusive): timeout",
      reasonCode: "connection-failed",
    });
    const { status, messages } = outcome(evaluate(policy, reportWith(clients)));
    expect(status).toEqual({
      "required-clients-simulated": "pass",
      "required-clients-connect": "fail",
      "current-clients-connect": "fail",
      "current-clients-tls12": "fail",
    });
    expect(messages).toEqual([
      "required-clients-connect: /clients/1 Android 8.1 (native) cannot connect: no shared protocol: the client (TLSv1.0–TLSv1.2) is older than the server (TLSv1.3)",
      "current-clients-connect: /clients/1 Android 8.1 (native) cannot connect: no shared protocol: the client (TLSv1.0–TLSv1.2) is older than the server (TLSv1.3)",
      // A connection that failed is unknown, not a refusal.
      "current-clients-connect: /clients/6 /clients/6 could not be established",
      "current-clients-tls12: /clients/5 IE 8 Win 7 negotiates TLSv1.0",
    ]);
  });

  it("fail when a required client was not simulated, and are inconclusive when none was", () => {
    const missing = outcome(
      evaluate(policy, reportWith(REQUIRED.slice(1).map((n) => connected(n)))),
    );
    expect(missing.status["required-clients-simulated"]).toBe("fail");
    const none = outcome(evaluate(policy, reportWith(null)));
    expect(Object.values(none.status)).toEqual([
      "inconclusive",
      "inconclusive",
      "inconclusive",
      "inconclusive",
    ]);
  });

  it("lint the short forms: one named client, an allOf of them, fields and values checked", () => {
    const named = (name: string) => ({
      contains: { properties: { name: { const: name }, ok: { const: true } } },
    });
    const one = compiled({
      android: {
        severity: "error",
        title: "Android 8.1 connects",
        schema: { properties: { clients: named("Android 8.1 (native)") } },
      },
      several: {
        severity: "error",
        title: "These clients connect",
        schema: {
          properties: {
            clients: { allOf: [named("Android 8.1 (native)"), named("Java 11.0.2 (OpenJDK)")] },
          },
        },
      },
      legacy: {
        severity: "error",
        title: "No current client negotiates below TLS 1.2",
        schema: {
          properties: {
            clients: {
              items: {
                if: { properties: { current: { const: true } }, required: ["current"] },
                then: { properties: { protocol: { enum: ["TLSv1.2", "TLSv1.3", null] } } },
              },
            },
          },
        },
      },
      reasons: {
        severity: "warning",
        title: "Nobody fails for lack of a group",
        schema: {
          properties: {
            clients: {
              items: {
                properties: {
                  reasonCode: { not: { const: "no-shared-group" } },
                  // null is "no DH": a rule names it to pass on it.
                  dhBits: { type: ["integer", "null"], minimum: 2048 },
                },
              },
            },
          },
        },
      },
    });
    const good = reportWith([
      connected("Android 8.1 (native)"),
      connected("Java 11.0.2 (OpenJDK)"),
    ]);
    expect(outcome(evaluate(one, good)).messages).toEqual([]);
    const bad = reportWith([
      connected("Android 8.1 (native)", "TLSv1.0"),
      { ...connected("Java 11.0.2 (OpenJDK)"), ok: false, reasonCode: "no-shared-group" },
    ]);
    expect(outcome(evaluate(one, bad)).status).toEqual({
      android: "pass",
      several: "fail",
      legacy: "fail",
      reasons: "fail",
    });
    // Misspelt fields and values are load errors, not silent passes.
    const refuse = (schema: Record<string, unknown>) => () =>
      compiled({
        r: { severity: "error", title: "t", schema: { properties: { clients: schema } } },
      });
    expect(refuse({ items: { properties: { okay: { const: true } } } })).toThrow(PolicyError);
    expect(
      refuse({ items: { properties: { reasonCode: { const: "no-shared-protocl" } } } }),
    ).toThrow(PolicyError);
    expect(refuse({ items: { properties: { protocol: { const: "TLS1.2" } } } })).toThrow(
      PolicyError,
    );
    expect(refuse({ items: { properties: { group: { const: "x25520" } } } })).toThrow(PolicyError);
  });
});
