import { describe, expect, it } from "vitest";
import { escapeHtml } from "./html-escape.js";

describe("escapeHtml", () => {
  it("leaves no markup, attribute break or control character", () => {
    expect(escapeHtml(`CN=<script>alert("x")</script> & 'y'\u001b[2J\n`)).toBe(
      "CN=&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;\\x1b[2J\\x0a",
    );
    expect(escapeHtml("plain.example:443")).toBe("plain.example:443");
  });
});
