import { describe, expect, it } from "vitest";
import { sampleReport, suite } from "../../test/support/sample-report.js";
import { diffScans, formatDriftMarkdown, formatDriftText } from "./drift.js";

describe("diffScans", () => {
  it("finds no drift between a report and its copy", () => {
    const report = sampleReport();
    expect(diffScans([report], [structuredClone(report)])).toEqual({
      changed: false,
      targets: [{ target: "example.com:443", status: "same", changes: [] }],
    });
  });

  it("names each change: protocols, suites, preference, DH, certificate, features", () => {
    const before = sampleReport();
    const after = structuredClone(before);
    after.protocols["TLSv1.0"] = true;
    after.protocols["TLSv1.3"] = null;
    after.cipherSuites = [...after.cipherSuites!, suite("TLSv1.0", "TLS_RSA_WITH_AES_128_CBC_SHA")];
    after.serverPreference = [{ protocol: "TLSv1.2", enforced: false, order: null }];
    after.dh = { supported: true, bits: 1024, primes: null };
    const leaf = after.certificates![0]!.chain[0]!;
    Object.assign(leaf, { sha256: "cd".repeat(32), serial: "02", issuer: "CN=Other CA" });
    after.features.hsts = null;
    after.features.sessionResumption.ticket = false;
    const drift = diffScans([before], [after]);
    expect(drift.changed).toBe(true);
    const lines = drift.targets[0]!.changes.map((c) => `${c.area}: ${c.change}`);
    expect(lines.slice(0, 8)).toEqual([
      "protocols: TLSv1.0: disabled → enabled",
      "protocols: TLSv1.3: enabled → unknown",
      "cipherSuites: + TLS_RSA_WITH_AES_128_CBC_SHA (TLSv1.0)",
      "serverPreference: TLSv1.2: server order → client order",
      "dh: DH: no → 1024 bits",
      "certificates: ecdsa certificate rotated: CN=example.com (serial 01) → CN=example.com (serial 02)",
      "certificates: ecdsa certificate issuer: CN=Example CA → CN=Other CA",
      "features: sessionResumption.ticket: yes → no",
    ]);
    expect(lines).toContain("features: hsts.present: yes → unknown");
  });

  it("says when a list became unknown instead of listing every suite as removed", () => {
    const before = sampleReport();
    const after = structuredClone(before);
    after.cipherSuites = null;
    expect(diffScans([before], [after]).targets[0]!.changes.map((c) => c.change)).toEqual([
      "cipherSuites list: 4 item(s) → unknown",
    ]);
  });

  it("lists targets in only one scan as added or removed, and escapes server text", () => {
    const before = sampleReport("old.example:443");
    const after = sampleReport("new.example:443");
    const drift = diffScans([before], [after]);
    expect(drift.targets.map((t) => [t.target, t.status])).toEqual([
      ["old.example:443", "removed"],
      ["new.example:443", "added"],
    ]);
    const evil = structuredClone(before);
    evil.certificates![0]!.chain[0]!.issuer = "CN=\u001b[2Jx|y";
    evil.certificates![0]!.chain[0]!.sha256 = "ef".repeat(32);
    const text = formatDriftText(diffScans([before], [evil]));
    expect(text).not.toContain("\u001b");
    const markdown = formatDriftMarkdown(diffScans([before], [evil]));
    expect(markdown).not.toContain("x|y");
  });
});
