import type { ScanReport } from "../scan-report/types.js";
import { describe, expect, it } from "vitest";
import { compilePolicy, evaluate } from "../policy/evaluate.js";
import { policyOf } from "../../test/support/policy.js";
import { sampleReport } from "../../test/support/sample-report.js";
import { formatMarkdown } from "./markdown.js";
import { clientFixture, fixture, policy } from "../../test/support/report-fixture.js";

describe("formatMarkdown", () => {
  it("shows the verdict per target and a table of failed rules with remediation", () => {
    const { evaluations, reports } = fixture();
    const markdown = formatMarkdown(evaluations, reports, { gate: { failOn: "error" } });
    const hash = policy.sha256.slice(0, 12);
    expect(markdown.split("\n").slice(0, 12)).toEqual([
      "## tlsgate: ❌ fail",
      "",
      "Gate: fail-on **error**, inconclusive fails · 2 blocking finding(s)",
      "",
      "- policy violation: 1 rule failure(s) at or above error (1 finding(s))",
      "- 1 rule(s) at or above error are inconclusive (the scan could not establish what they check)",
      "",
      "| Target | Policy | Verdict | Failed | Inconclusive | Passed |",
      "|---|---|---|---:|---:|---:|",
      `| \`good.example:443\` (127.0.0.1) | acme/prod 3.1.0 <sub>${hash}</sub> | ✅ pass | 0 | 0 | 3 |`,
      `| \`bad.example:8443\` (127.0.0.1) | acme/prod 3.1.0 <sub>${hash}</sub> | ❌ fail | 3 | 0 | 0 |`,
      `| \`unknown.example:443\` (127.0.0.1) | acme/prod 3.1.0 <sub>${hash}</sub> | ❌ fail | 0 | 2 | 1 |`,
    ]);
    expect(markdown).toContain(
      [
        "### `bad.example:8443` · acme/prod",
        "",
        "| Rule | Severity | Status | Findings |",
        "|---|---|---|---|",
        "| `no-legacy-protocols` Only TLS 1.2 and newer | error | ❌ fail | TLSv1.0 is enabled |",
        "| `no-weak-suites` No weak or insecure cipher suites | warning | ❌ fail | TLS_RSA_WITH_3DES_EDE_CBC_SHA (TLSv1.2) is not allowed<br>TLS_RSA_WITH_RC4_128_SHA (TLSv1.0) is not allowed |",
      ].join("\n"),
    );
    expect(markdown).toContain(
      [
        "<details>",
        "<summary>How to fix no-legacy-protocols: Only TLS 1.2 and newer</summary>",
        "",
        "TLS 1.0 and 1.1 are deprecated by RFC 8996.",
        "",
        "**nginx**",
        "",
        "```nginx",
        "ssl_protocols TLSv1.2 TLSv1.3;",
        "```",
      ].join("\n"),
    );
    expect(markdown).toContain("References: <https://www.rfc-editor.org/rfc/rfc8996>");
    expect(markdown).toContain("Remove RC4, 3DES and CBC-SHA suites | keep AEAD <only>.");
    expect(markdown).not.toContain("### `good.example:443`");
    expect(markdown).toContain(
      [
        "### Clients · `good.example:443`",
        "",
        "0 fail · 1 connect",
        "",
        "| Family | Result | Connect | Oldest working | Newest failing |",
        "|---|---|---:|---|---|",
        "| Firefox | ✅ | 1/1 | Firefox 137 (Win 11) |  |",
      ].join("\n"),
    );
    expect(markdown.trimEnd().endsWith("<sub>tlsgate 0.0.0</sub>")).toBe(true);
    expect(markdown).toContain(
      [
        "### Overview: 3 target(s), worst first",
        "",
        "| Target | Verdict | Blocking | Worst finding | Expires in |",
        "|---|---|---:|---|---:|",
        "| `bad.example:8443` | ❌ fail | 1 | error no-legacy-protocols: TLSv1.0 is enabled | 89 days |",
        "| `unknown.example:443` | ⚠️ inconclusive | 1 | error no-legacy-protocols (inconclusive): TLSv1.1 support is unknown | 89 days |",
        "| `good.example:443` | ✅ pass | 0 | — | 89 days |",
      ].join("\n"),
    );
  });

  it("shows only the overview for many targets unless asked for details", () => {
    const { evaluations, reports } = fixture();
    const many = Array.from({ length: 8 }, (_, i) => ({
      ...evaluations[i % 3]!,
      target: `${evaluations[i % 3]!.target}#${i}`,
    }));
    const manyReports = many.map((e, i) => {
      const report = structuredClone(reports[i % 3]!);
      report.target.input = e.target;
      return report;
    });
    const short = formatMarkdown(many, manyReports);
    expect(short).toContain("### Overview: 8 target(s), worst first\n\nPer-target details");
    expect(short).not.toContain("| Target | Policy |");
    expect(short).not.toContain("### Clients");
    expect(short).toContain(`Policy: acme/prod 3.1.0 <sub>${policy.sha256.slice(0, 12)}</sub>`);
    const full = formatMarkdown(many, manyReports, { details: true });
    expect(full).toContain("| Target | Policy |");
    expect(full.match(/### Clients/g)).toHaveLength(8);
  });

  it("escapes table cells and truncates long finding lists", () => {
    const { evaluations, reports } = fixture();
    const markdown = formatMarkdown(evaluations.slice(1, 2), reports, { maxFindings: 1 });
    expect(markdown.startsWith("## tlsgate: ❌ fail\n\n| Target")).toBe(true);
    expect(markdown).toContain(
      "TLS_RSA_WITH_3DES_EDE_CBC_SHA (TLSv1.2) is not allowed<br>and 1 more |",
    );
  });

  it("shows the client matrix once per target, failing clients first", () => {
    const { evaluations, reports } = clientFixture();
    const markdown = formatMarkdown(evaluations, reports);
    expect(markdown).toContain(
      [
        "### Clients · `clients.example:443`",
        "",
        "2 fail · 1 inconclusive · 1 connect",
        "",
        "| Family | Result | Connect | Oldest working | Newest failing |",
        "|---|---|---:|---|---|",
        "| IE | ❌ | 0/1 |  | IE 8 Win 7: no shared protocol: the client (SSLv3–TLSv1.0) is older than the server (TLSv1.2) |",
        "| Java | ❌ | 0/1 |  | Java 7u25: the client cannot use the server's 2048-bit DH group: it supports at most 1024 bits |",
        "| Android | ⚠️ | 0/1 |  |  |",
        "| Firefox | ✅ | 1/1 | Firefox 137 (Win 11) |  |",
        "",
      ].join("\n"),
    );
    expect(markdown.match(/### Clients/g)).toHaveLength(1);
  });
});

describe("formatMarkdown with server-chosen text", () => {
  it("makes certificate names, targets and titles inert: no HTML, links, mentions or cells", () => {
    const hostile = "@octocat <img src=x> [link](http://evil) a|b `tick` #1\n## heading";
    const report = sampleReport("a`b|c.example:443");
    report.certificate!.chain[0]!.subject = `CN=${hostile}`;
    const names = policyOf(
      {
        subject: {
          severity: "error",
          title: "Subject <b>is</b> @ours",
          schema: {
            properties: {
              certificate: {
                properties: { chain: { items: { properties: { subject: { const: "CN=ours" } } } } },
              },
            },
          },
          remediation: { generic: "Get a certificate for CN=ours." },
        },
      },
      "names",
      "1.0.0",
    );
    const markdown = formatMarkdown([evaluate(compilePolicy(names), report)], [report]);
    const Z = "\u200b";
    const row = markdown.split("\n").find((line) => line.startsWith("| `subject`"));
    expect(row).toBe(
      `| \`subject\` Subject &lt;b&gt;is&lt;/b&gt; @${Z}ours | error | ❌ fail | /certificate/chain/0/subject is CN=@${Z}octocat &lt;img src=x&gt; \\[link\\](http:${Z}//evil) a\\|b \\\`tick\\\` #${Z}1\\\\x0a## heading |`,
    );
    // Four cells: no "|" of the server's text split the row.
    expect(row!.split(/(?<!\\)\|/).length - 2).toBe(4);
    expect(markdown).toContain("| `` a`b\\|c.example:443 `` (127.0.0.1) |");
    expect(markdown).toContain("### `` a`b|c.example:443 `` · names");
    expect(markdown).toContain(
      `<summary>How to fix subject: Subject &lt;b&gt;is&lt;/b&gt; @${Z}ours</summary>`,
    );
    // An escaped "\]" ends no link text.
    expect(markdown).not.toMatch(/@octocat|@ours|<img|<b>|(?<!\\)\]\(|http:\/\/|^## heading/m);
  });
});

describe("formatMarkdown for a target that could not be scanned", () => {
  const down = (errors: ScanReport["errors"], address: string | null) => {
    const report = sampleReport("down.example:443");
    report.reachable = address === null ? null : false;
    report.target.address = address;
    report.protocols = Object.fromEntries(
      Object.keys(report.protocols).map((p) => [p, null]),
    ) as ScanReport["protocols"];
    report.certificate = null;
    report.errors = errors;
    return { report, evaluation: evaluate(compilePolicy(policy), report) };
  };

  it("says why once, from the error's code, instead of a row and a remedy per unknown rule", () => {
    const { report, evaluation } = down(
      [{ probe: "protocols/TLSv1.3", code: "refused", message: "connect ECONNREFUSED <x>" }],
      "127.0.0.1",
    );
    const markdown = formatMarkdown([evaluation], [report]);
    expect(markdown).toContain(
      [
        "### `down.example:443` · acme/prod",
        "",
        `Not scanned: connection refused by 127.0.0.1:443. All ${evaluation.counts.inconclusive} rule(s) are ⚠️ inconclusive.`,
        "",
      ].join("\n"),
    );
    expect(markdown).toContain("| ❌ fail |");
    expect(markdown).not.toContain("| Rule |");
    expect(markdown).not.toContain("<details>");
  });

  it("escapes the resolver's words in a DNS failure", () => {
    const { report, evaluation } = down(
      [{ probe: "resolve", code: "dns", message: "down.example: getaddrinfo ENOTFOUND <x>" }],
      null,
    );
    expect(formatMarkdown([evaluation], [report])).toContain(
      "Not scanned: DNS look-up failed: down.example: getaddrinfo ENOTFOUND &lt;x&gt;.",
    );
  });
});
