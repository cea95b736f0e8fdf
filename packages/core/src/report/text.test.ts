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
        "    ok            Firefox 137 (Win 11)  TLSv1.3  TLS_AES_128_GCM_SHA256",
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
        "    ok            Firefox 137 (Win 11)  TLSv1.3  TLS_AES_128_GCM_SHA256",
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
        "    ok            Firefox 137 (Win 11)  TLSv1.3  TLS_AES_128_GCM_SHA256",
        "  1 scan error(s): certificate timeout",
        "",
        "Gate: FAIL (fail-on warning; inconclusive fails) · 4 blocking finding(s)",
        "  policy violation: 2 rule failure(s) at or above warning (3 finding(s))",
        "  1 rule(s) at or above warning are inconclusive (the scan could not establish what they check)",
        "",
      ].join("\n"),
    );
  });

  it("says PASS, WARN or FAIL per target as the gate sees that target", () => {
    const { evaluations, reports } = fixture();
    const verdicts = (gate: { failOn?: "error" | "never"; inconclusive?: "pass" }) =>
      formatText(evaluations, reports, { gate })
        .split("\n")
        .filter((line) => line.includes(".example:"));
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

  it("shows the client matrix once per target, failing clients first, and none when not run", () => {
    const { evaluations, reports } = clientFixture();
    const text = formatText(evaluations, reports);
    expect(text).toContain(
      [
        "  clients: 2 fail · 1 inconclusive · 1 connect",
        "    fail          IE 8 Win 7            no shared protocol: the client (SSLv3–TLSv1.0) is older than the server (TLSv1.2)",
        "    fail          Java 7u25             the client cannot use the server's 2048-bit DH group: it supports at most 1024 bits",
        "    inconclusive  Android 8.1 (native)  connection failure (inconclusive): timeout: no reply",
        "    ok            Firefox 137 (Win 11)  TLSv1.3  TLS_AES_128_GCM_SHA256",
      ].join("\n"),
    );
    expect(text.match(/clients:/g)).toHaveLength(1);
    const coloured = formatText(evaluations.slice(0, 1), reports, { color: true });
    expect(coloured).toContain("    \u001b[31mfail\u001b[39m          IE 8 Win 7");
    const none = structuredClone(reports[0]!);
    none.clients = null;
    expect(formatText(evaluations.slice(0, 1), [none])).not.toContain("clients:");
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
