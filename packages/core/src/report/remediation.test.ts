import { describe, expect, it } from "vitest";
import type { RuleInfo } from "../policy/types.js";
import { ruleHelp } from "./remediation.js";

const rule = (remediation: RuleInfo["remediation"]): RuleInfo =>
  ({ title: "Only TLS 1.2 and newer", severity: "error", remediation }) as RuleInfo;

describe("ruleHelp", () => {
  it("fences each server's fix, tagged with the server's language", () => {
    const help = ruleHelp(rule({ nginx: "ssl_protocols TLSv1.2 TLSv1.3;", generic: "Upgrade." }));
    expect(help.markdown).toBe(
      [
        "Only TLS 1.2 and newer",
        "**nginx**\n\n```nginx\nssl_protocols TLSv1.2 TLSv1.3;\n```",
        "**Any server**\n\n```\nUpgrade.\n```",
      ].join("\n\n"),
    );
    expect(help.text).toBe(
      "Only TLS 1.2 and newer\n\nnginx: ssl_protocols TLSv1.2 TLSv1.3;\n\nAny server: Upgrade.",
    );
  });

  it("keeps text with its own fence inside the block: nothing after it renders as Markdown", () => {
    const hostile = "ssl_protocols TLSv1.2;\n```\n# Approved <img src=x onerror=alert(1)>\n````";
    const { markdown } = ruleHelp(rule({ apache: hostile }));
    // The fence is longer than the longest run of backticks inside (4), so no line closes it.
    expect(markdown).toBe(
      `Only TLS 1.2 and newer\n\n**Apache**\n\n\`\`\`\`\`apache\n${hostile}\n\`\`\`\`\``,
    );
    const lines = markdown.split("\n");
    const open = lines.indexOf("`````apache");
    const close = lines.lastIndexOf("`````");
    expect([open, close]).toEqual([4, lines.length - 1]);
    // Every line between is shorter than the fence's run of backticks.
    for (const line of lines.slice(open + 1, close)) expect(line).not.toMatch(/^ {0,3}`{5,}/);
  });
});
