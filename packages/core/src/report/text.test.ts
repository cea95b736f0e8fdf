import { describe, expect, it } from "vitest";
import { clientFixture, fixture, policy } from "../../test/support/report-fixture.js";
import { formatText } from "./text.js";

const hash = policy.sha256.slice(0, 12);

describe("formatText", () => {
  it("prints a table of failing and inconclusive rules per target, and the gate", () => {
    const { evaluations, reports } = fixture();
    expect(formatText(evaluations, reports, { gate: { failOn: "warning" } })).toBe(
      [
        "good.example:443 (127.0.0.1)  PASS",
        `  policy acme/prod 3.1.0 (sha256 ${hash}) · 0 failed · 0 inconclusive · 3 passed · 1 off`,
        "  protocols    TLSv1.2, TLSv1.3",
        "  suites       4 · weakest TLS_AES_128_GCM_SHA256 (TLSv1.3, recommended)",
        "  groups       x25519, X25519MLKEM768, secp256r1",
        "  certificate  CN=example.com · issuer CN=Example CA · expires 2025-04-01 (in 89 days) · ecdsa P-256",
        "  clients: 0 fail · 1 connect",
        "    ok            Firefox  1/1 connect · oldest working Firefox 137 (Win 11)",
        "",
        "bad.example:8443 (127.0.0.1)  FAIL",
        `  policy acme/prod 3.1.0 (sha256 ${hash}) · 3 failed · 0 inconclusive · 0 passed · 1 off`,
        "  protocols    TLSv1.0, TLSv1.2, TLSv1.3",
        "  suites       6 · weakest TLS_RSA_WITH_3DES_EDE_CBC_SHA (TLSv1.2, insecure)",
        "  groups       x25519, X25519MLKEM768, secp256r1",
        "  certificate  CN=example.com · issuer CN=Example CA · expires 2025-04-01 (in 89 days) · ecdsa P-256",
        "  fail          error    no-legacy-protocols  TLSv1.0 is enabled",
        "                                              fix (nginx): ssl_protocols TLSv1.2 TLSv1.3;",
        "  fail          warning  no-weak-suites       TLS_RSA_WITH_3DES_EDE_CBC_SHA (TLSv1.2) is not allowed",
        "                                              TLS_RSA_WITH_RC4_128_SHA (TLSv1.0) is not allowed",
        "                                              fix: Remove RC4, 3DES and CBC-SHA suites | keep AEAD <only>.",
        "  fail          info     ocsp-stapling        /certificate/ocspStapled is false",
        "  clients: 0 fail · 1 connect",
        "    ok            Firefox  1/1 connect · oldest working Firefox 137 (Win 11)",
        "",
        "unknown.example:443 (127.0.0.1)  FAIL",
        `  policy acme/prod 3.1.0 (sha256 ${hash}) · 0 failed · 2 inconclusive · 1 passed · 1 off`,
        "  protocols    TLSv1.2, TLSv1.3; unknown: TLSv1.1",
        "  suites       4 · weakest TLS_AES_128_GCM_SHA256 (TLSv1.3, recommended)",
        "  groups       x25519, X25519MLKEM768, secp256r1",
        "  certificate  unknown",
        "  inconclusive  error    no-legacy-protocols  TLSv1.1 support is unknown",
        "  inconclusive  info     ocsp-stapling        /certificate is unknown (certificate: timeout: no handshake in 10 s)",
        "  clients: 0 fail · 1 connect",
        "    ok            Firefox  1/1 connect · oldest working Firefox 137 (Win 11)",
        "  1 scan error(s): certificate timeout",
        "",
        "Gate: FAIL (fail-on warning; inconclusive fails) · 4 blocking finding(s)",
        "  policy violation: 2 rule failure(s) at or above warning (3 finding(s))",
        "  1 rule(s) at or above warning are inconclusive (the scan could not establish what they check)",
        "",
        "Overview: 3 target(s), worst first",
        "  target               verdict       blocking  expires in  worst finding",
        "  bad.example:8443     FAIL          3         89 d        error no-legacy-protocols: TLSv1.0 is enabled",
        "  unknown.example:443  INCONCLUSIVE  1         89 d        error no-legacy-protocols (inconclusive): TLSv1.1 support is unknown",
        "  good.example:443     PASS          0         89 d        —",
        "",
      ].join("\n"),
    );
  });

  it("says PASS, WARN or FAIL per target as the gate sees that target", () => {
    const { evaluations, reports } = fixture();
    const verdicts = (gate: { failOn?: "error" | "never"; inconclusive?: "pass" }) =>
      formatText(evaluations, reports, { gate })
        .split("\n")
        .filter((line) => /^\S+\.example:\d+ \(/.test(line));
    // bad.example fails an error rule; unknown.example has an inconclusive error rule.
    expect(verdicts({ failOn: "error" })).toEqual([
      "good.example:443 (127.0.0.1)  PASS",
      "bad.example:8443 (127.0.0.1)  FAIL",
      "unknown.example:443 (127.0.0.1)  FAIL",
    ]);
    expect(verdicts({ failOn: "error", inconclusive: "pass" })).toEqual([
      "good.example:443 (127.0.0.1)  PASS",
      "bad.example:8443 (127.0.0.1)  FAIL",
      "unknown.example:443 (127.0.0.1)  WARN",
    ]);
    expect(verdicts({ failOn: "never" })).toEqual([
      "good.example:443 (127.0.0.1)  PASS",
      "bad.example:8443 (127.0.0.1)  WARN",
      "unknown.example:443 (127.0.0.1)  WARN",
    ]);
  });

  it("colours only when asked, and lists passing rules when verbose", () => {
    const { evaluations, reports } = fixture();
    const plain = formatText(evaluations.slice(0, 1), reports, { verbose: true });
    expect(plain).not.toContain("\u001b[");
    expect(plain).toContain(
      "  pass          error    no-legacy-protocols  Only TLS 1.2 and newer\n",
    );
    const coloured = formatText(evaluations.slice(1, 2), reports, { color: true });
    expect(coloured).toContain("\u001b[31mfail\u001b[39m");
    expect(coloured).toContain("\u001b[1mbad.example:8443\u001b[22m");
    // Columns line up whatever the escape codes.
    expect(coloured).toContain(
      "\u001b[31mfail\u001b[39m          error    no-legacy-protocols  TLSv1.0 is enabled",
    );
  });

  it("shortens long finding lists unless verbose", () => {
    const { evaluations, reports } = fixture();
    const bad = evaluations.slice(1, 2);
    const short = formatText(bad, reports, { maxFindings: 1 });
    expect(short).toContain("TLS_RSA_WITH_3DES_EDE_CBC_SHA (TLSv1.2) is not allowed\n");
    expect(short).not.toContain("TLS_RSA_WITH_RC4_128_SHA");
    expect(short).toContain("… and 1 more");
    const verbose = formatText(bad, reports, { maxFindings: 1, verbose: true });
    expect(verbose).toContain("TLS_RSA_WITH_RC4_128_SHA (TLSv1.0) is not allowed");
    expect(verbose).not.toContain("… and");
  });

  it("shows the client matrix once per target by family, failing families first", () => {
    const { evaluations, reports } = clientFixture();
    const text = formatText(evaluations, reports);
    expect(text).toContain(
      [
        "  clients: 2 fail · 1 inconclusive · 1 connect",
        "    fail          IE       0/1 connect · newest failing IE 8 Win 7: no shared protocol: the client (SSLv3–TLSv1.0) is older than the server (TLSv1.2)",
        "    fail          Java     0/1 connect · newest failing Java 7u25: the client cannot use the server's 2048-bit DH group: it supports at most 1024 bits",
        "    inconclusive  Android  0/1 connect · 1 inconclusive",
        "    ok            Firefox  1/1 connect · oldest working Firefox 137 (Win 11)",
      ].join("\n"),
    );
    expect(text.match(/clients:/g)).toHaveLength(1);
    // Verbose lists every client under the families.
    const verbose = formatText(evaluations.slice(0, 1), reports, { verbose: true });
    expect(verbose).toContain(
      "      fail          IE 8 Win 7            no shared protocol: the client (SSLv3–TLSv1.0) is older than the server (TLSv1.2)",
    );
    const coloured = formatText(evaluations.slice(0, 1), reports, { color: true });
    expect(coloured).toContain("    \u001b[31mfail\u001b[39m          IE  ");
    const none = structuredClone(reports[0]!);
    none.clients = null;
    expect(formatText(evaluations.slice(0, 1), [none])).not.toContain("clients:");
  });

  it("names each family's oldest working and newest failing version by version number", () => {
    const { evaluations, reports } = clientFixture();
    const report = structuredClone(reports[0]!);
    const firefox = report.clients!.find((c) => c.family === "Firefox")!;
    report.clients = [
      {
        ...firefox,
        name: "Firefox 9",
        version: "9",
        year: 2011,
        ok: false,
        reason: "no shared cipher",
      },
      { ...firefox, name: "Firefox 100", version: "100", year: 2022 },
      { ...firefox, name: "Firefox 27", version: "27", year: 2014 },
      { ...firefox, name: "Firefox 10", version: "10", year: 2012, ok: false, reason: "too old" },
    ];
    expect(formatText(evaluations.slice(0, 1), [report])).toContain(
      "    fail          Firefox  2/4 connect · oldest working Firefox 27 · newest failing Firefox 10: too old",
    );
  });

  it("shows only the overview for many targets unless asked for details", () => {
    const { evaluations, reports } = fixture();
    const many = Array.from({ length: 20 }, (_, i) => ({
      ...evaluations[i % 3]!,
      target: `${evaluations[i % 3]!.target}#${i}`,
    }));
    const manyReports = many.map((e, i) => {
      const report = structuredClone(reports[i % 3]!);
      report.target.input = e.target;
      return report;
    });
    const text = formatText(many, manyReports, { gate: {} });
    expect(text).not.toContain("  policy acme/prod");
    const lines = text.trimEnd().split("\n");
    expect(lines.at(-22)).toBe("Overview: 20 target(s), worst first (--details for each target)");
    expect(lines.at(-20)).toMatch(/^ {2}bad\.example:8443#1 +FAIL +1 +89 d +error no-legacy/);
    expect(lines.at(-1)).toMatch(/^ {2}good\.example:443#18 +PASS +0 +89 d +—$/);
    const detailed = formatText(many, manyReports, { gate: {}, details: true });
    expect(detailed.match(/ {2}policy acme\/prod/g)).toHaveLength(20);
    expect(detailed).toContain("Overview: 20 target(s), worst first\n");
  });
});

describe("formatText with text from outside", () => {
  it("escapes control characters and terminal escapes in finding messages, targets and reasons", () => {
    const { evaluations, reports } = fixture();
    const hostile = "x\u001b]0;pwned\u0007\u001b[2J\n::error::fake";
    const finding = evaluations.flatMap((e) => e.findings).find((f) => f.status !== "pass");
    expect(finding).toBeDefined();
    finding!.message = hostile;
    const text = formatText(evaluations, reports, { gate: {}, color: false });
    expect(text).toContain("x\\x1b]0;pwned\\x07\\x1b[2J\\x0a::error::fake");
    // eslint-disable-next-line no-control-regex -- the test looks for raw control characters
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(text.split("\n").some((line) => line.startsWith("::"))).toBe(false);
  });
});

describe("formatText without details", () => {
  it("still names a single target: the overview stands in for the details", () => {
    const { evaluations, reports } = fixture();
    const text = formatText(evaluations.slice(0, 1), reports.slice(0, 1), { details: false });
    expect(text).toContain("good.example:443");
    expect(text).not.toContain("  protocols    ");
  });

  it("says 'none confirmed', not 'none', when no version is known on and some are unknown", () => {
    const { evaluations, reports } = fixture();
    const report = reports[0]!;
    const unknown = {
      ...report,
      protocols: { ...report.protocols, "TLSv1.2": null, "TLSv1.3": null },
    };
    const text = formatText(evaluations.slice(0, 1), [unknown], { details: true });
    expect(text).toContain("  protocols    none confirmed; unknown: TLSv1.2, TLSv1.3");
  });
});
