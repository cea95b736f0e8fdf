/**
 * The example compatibility policy (policies/examples/compatibility.json) evaluated on scans, with
 * client simulation, of real servers: scanner and evaluator together, which neither src/scan nor
 * src/policy may import both of.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compilePolicy, evaluate } from "../src/policy/evaluate.js";
import { resolvePolicy } from "../src/policy/resolve.js";
import type { Evaluation, FindingStatus } from "../src/policy/types.js";
import { REPO_ROOT } from "@tlsgate/testing/data";
import { scanTarget } from "../src/scan/scan-target.js";
import { startOpenSslServer } from "@tlsgate/testing";
import type { OpenSslServerOptions } from "@tlsgate/testing";

const EXAMPLE = join(REPO_ROOT, "policies", "examples", "compatibility.json");

/** Status per rule, and the messages of the findings that are not passes. */
function outcome(evaluation: Evaluation): {
  status: Record<string, FindingStatus>;
  messages: string[];
} {
  const status: Record<string, FindingStatus> = {};
  for (const id of Object.keys(evaluation.rules)) status[id] = "pass";
  for (const f of evaluation.findings) {
    if (f.status === "fail") status[f.ruleId] = "fail";
    else if (f.status === "inconclusive" && status[f.ruleId] !== "fail") {
      status[f.ruleId] = "inconclusive";
    }
  }
  return {
    status,
    messages: evaluation.findings
      .filter((f) => f.status !== "pass")
      .map((f) => `${f.ruleId}: ${f.pointer} ${f.message}`),
  };
}

describe("the example compatibility policy on real servers", () => {
  const policy = compilePolicy(resolvePolicy(EXAMPLE));
  const scanned = async (options: OpenSslServerOptions): Promise<Evaluation> => {
    const server = await startOpenSslServer(options);
    try {
      return evaluate(
        policy,
        await scanTarget(`localhost@127.0.0.1:${server.port}`, { clients: "default" }),
      );
    } finally {
      await server.stop();
    }
  };

  it("fails a TLS 1.3-only server for the Android 7 and 8.1 users it locks out", async () => {
    const { status, messages } = outcome(await scanned({ protocol: "TLSv1.3" }));
    expect(status["required-clients-connect"]).toBe("fail");
    expect(status["current-clients-tls12"]).toBe("pass");
    expect(messages.filter((m) => m.startsWith("required-clients-connect"))).toEqual([
      "required-clients-connect: /clients/0 Android 7.0 (native) cannot connect: no shared protocol: the client (TLSv1.0–TLSv1.2) is older than the server (TLSv1.3) (the server sent alert protocol_version (70))",
      "required-clients-connect: /clients/1 Android 8.1 (native) cannot connect: no shared protocol: the client (TLSv1.0–TLSv1.2) is older than the server (TLSv1.3) (the server sent alert protocol_version (70))",
    ]);
  }, 60_000);

  it("fails a TLS 1.0–1.2 server for the current clients that get TLS 1.0", async () => {
    const { status, messages } = outcome(
      await scanned({ cipher: "ALL:@SECLEVEL=0", minProtocol: "TLSv1.0", maxProtocol: "TLSv1.2" }),
    );
    expect(status).toEqual({
      "required-clients-simulated": "pass",
      "required-clients-connect": "pass",
      "current-clients-connect": "pass",
      "current-clients-tls12": "fail",
    });
    expect(messages).toEqual([
      "current-clients-tls12: /clients/10 IE 8 Win 7 negotiates TLSv1.0",
      "current-clients-tls12: /clients/20 Java 7u25 negotiates TLSv1.0",
    ]);
  }, 60_000);
});
