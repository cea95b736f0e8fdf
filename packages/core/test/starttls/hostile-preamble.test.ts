/**
 * Every STARTTLS protocol against a hostile scripted server (an endless line, garbage, a close in
 * the middle of the exchange): the scan ends with a report whose error names the protocol's step,
 * every TLS fact unknown (null), never "no TLS".
 */
import { describe, expect, it } from "vitest";
import { STARTTLS_PROTOCOLS } from "../../src/probe/starttls/preamble.js";
import { scanTarget } from "../../src/scan/scan-target.js";
import { expectValidReport } from "../support/scan-truth.js";
import { HOSTILE_BEHAVIOURS, startHostileServer } from "./scripted-preamble.js";

const EXPECTED_CODE = {
  "endless line": "protocol",
  garbage: "protocol",
  "close mid-exchange": "closed",
} as const;

describe("hostile preambles", () => {
  for (const protocol of STARTTLS_PROTOCOLS) {
    it.each(HOSTILE_BEHAVIOURS)(
      `${protocol}: %s ends in a report naming the step`,
      async (behaviour) => {
        const server = await startHostileServer(protocol, behaviour);
        try {
          const report = await scanTarget(`127.0.0.1:${server.port}`, {
            starttls: protocol,
            timeoutMs: 10_000,
          });
          expectValidReport(report);
          expect(report.target.starttls).toEqual({ protocol, banner: null });
          expect(report.reachable).toBe(true);
          expect(report.errors).toHaveLength(1);
          expect(report.errors[0]?.probe).toBe(`starttls/${protocol}`);
          // What the server did, not the check's own timer running out first.
          expect(report.errors[0]?.code).toBe(EXPECTED_CODE[behaviour]);
          expect(report.errors[0]?.message).toMatch(
            new RegExp(`^starttls/${protocol}: .+ \\(at .+\\)$`),
          );
          expect(report.protocols["TLSv1.2"]).toBeNull();
          expect(report.cipherSuites).toBeNull();
          expect(report.certificate).toBeNull();
        } finally {
          await server.stop();
        }
      },
      120_000,
    );
  }
});
