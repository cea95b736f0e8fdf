import { describe, expect, it } from "vitest";
import { htmlText, markdownCode, markdownText } from "./markdown-escape.js";

const Z = "\u200b";

describe("markdownText", () => {
  it.each([
    ["@octocat and @org/team", `@${Z}octocat and @${Z}org/team`],
    ["mail ops@example.com", `mail ops@${Z}example.com`],
    ["<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"],
    ["[link](http://evil)", `\\[link\\](http:${Z}//evil)`],
    ["![img](https://evil/x.png)", `!\\[img\\](https:${Z}//evil/x.png)`],
    ["see www.evil.test or <https://evil>", `see www${Z}.evil.test or &lt;https:${Z}//evil&gt;`],
    ["fixes #12, acme/web#3 and GH-7", `fixes #${Z}12, acme/web#${Z}3 and GH${Z}-7`],
    ["a | b", "a \\| b"],
    ["*bold* ~~gone~~ `code` $x$ \\", "\\*bold\\* \\~\\~gone\\~\\~ \\`code\\` \\$x\\$ \\\\"],
    ["_em_ but TLS_RSA_WITH_AES stays", "\\_em\\_ but TLS_RSA_WITH_AES stays"],
    ["CN=a\n::error::pwned\r\u001b[2K", "CN=a\\\\x0a::error::pwned\\\\x0d\\\\x1b\\[2K"],
    ["&amp; stays text", "&amp;amp; stays text"],
    ["TLSv1.0 is enabled (TLSv1.2)", "TLSv1.0 is enabled (TLSv1.2)"],
  ])("%j → %j", (text, expected) => {
    expect(markdownText(text)).toBe(expected);
  });
});

describe("htmlText", () => {
  it("uses entities only, since Markdown is not parsed inside raw HTML", () => {
    expect(htmlText('a_b *c* <b>"@x"</b> http://e #1')).toBe(
      `a_b *c* &lt;b&gt;&quot;@${Z}x&quot;&lt;/b&gt; http:${Z}//e #${Z}1`,
    );
  });
});

describe("markdownCode", () => {
  it.each([
    ["a.example:443", "inline", "`a.example:443`"],
    ["a`b", "inline", "`` a`b ``"],
    ["``x", "inline", "``` ``x ```"],
    [" padded ", "inline", "`  padded  `"],
    ["a|b", "inline", "`a|b`"],
    ["a|b", "table", "`a\\|b`"],
    ["a\nb", "inline", "`a\\x0ab`"],
  ] as const)("%j (%s) → %j", (text, context, expected) => {
    expect(markdownCode(text, context)).toBe(expected);
  });
});
