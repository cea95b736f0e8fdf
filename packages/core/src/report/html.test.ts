// The HTML report as a reader sees it: rendered by Debian's chromium (headless), not by parsing
// the markup ourselves.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { visitHtmlFile } from "@tlsgate/testing/browser";
import { afterAll, describe, expect, it } from "vitest";
import { clientFixture, fixture } from "../../test/support/report-fixture.js";
import { formatHtml, HTML_CSP } from "./html.js";

const dir = mkdtempSync(join(tmpdir(), "tlsgate-html-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOSTILE = `CN=<script>window.pwned=1</script><img src=x onerror="window.pwned=2">"'&`;

function writeReport(name: string, html: string): string {
  const file = join(dir, name);
  writeFileSync(file, html);
  return file;
}

describe("formatHtml in a browser", () => {
  it("renders the overview worst first, the matrix, the timeline and each target, escaped", async () => {
    const { evaluations, reports } = fixture();
    const bad = reports[1]!;
    for (const chain of [bad.certificate!, ...(bad.certificates ?? [])]) {
      chain.chain[0]!.subject = HOSTILE;
    }
    bad.target.address = `<b>127.0.0.1</b>`;
    const clients = clientFixture();
    const html = formatHtml(
      [...evaluations, clients.evaluations[0]!],
      [...reports, ...clients.reports],
      { gate: {}, toolVersion: "9.9.9" },
    );
    expect(html).toContain(`content="${HTML_CSP}"`);
    expect(html).not.toContain("<script>window.pwned");
    const file = writeReport("fixture.html", html);

    const { result, errors, requests } = await visitHtmlFile(file, async (page) => {
      const cells = (selector: string): Promise<string[]> =>
        page.locator(selector).evaluateAll((nodes) => nodes.map((n) => n.textContent ?? ""));
      const overviewTargets = await cells("#overview tbody tr td:first-child");
      const verdicts = await cells("#overview tbody tr td:nth-child(2)");
      await page.locator("#overview th button", { hasText: "Target" }).click();
      const sortedTargets = await cells("#overview tbody tr td:first-child");
      return {
        title: await page.title(),
        gate: await page.locator("#gate-verdict").textContent(),
        overviewTargets,
        verdicts,
        sortedTargets,
        matrixHeader: await cells("#matrix thead th.rule"),
        badRow: await cells("#matrix tbody tr:nth-child(2) td"),
        expiryTargets: await cells("#expiry tbody tr td:nth-child(4)"),
        subjects: await cells("td.subject"),
        pwned: await page.evaluate(
          () => (globalThis as unknown as { pwned?: number }).pwned ?? null,
        ),
        scripts: await page.locator("script").count(),
        images: await page.locator("img").count(),
        policy: await page.locator("header .policy").first().textContent(),
        clientFamilies: await cells(
          "section.target:last-of-type table.clients tbody tr td:first-child",
        ),
        fixes: await cells("section.target details summary"),
        // Printed, each target starts a page.
        printBreak: await page.emulateMedia({ media: "print" }).then(() =>
          page
            .locator("section.target")
            .first()
            .evaluate(
              (node) =>
                (
                  globalThis as unknown as {
                    getComputedStyle: (n: unknown) => { breakBefore: string };
                  }
                ).getComputedStyle(node).breakBefore,
            ),
        ),
      };
    });

    expect(errors).toEqual([]);
    expect(requests).toEqual([`file://${file}`]);
    expect(result.title).toBe("tlsgate: FAIL · 4 target(s)");
    expect(result.gate).toBe("FAIL");
    expect(result.overviewTargets).toEqual([
      "bad.example:8443",
      "clients.example:443",
      "unknown.example:443",
      "good.example:443",
    ]);
    expect(result.verdicts).toEqual(["fail", "fail", "inconclusive", "pass"]);
    expect(result.sortedTargets).toEqual([
      "bad.example:8443",
      "clients.example:443",
      "good.example:443",
      "unknown.example:443",
    ]);
    expect(result.matrixHeader).toEqual(["no-legacy-protocols", "no-weak-suites", "ocsp-stapling"]);
    expect(result.badRow).toEqual(["✗", "✗", "✗"]);
    // Every served leaf (the fixture's unknown target still lists its chains), soonest first.
    expect([...result.expiryTargets].sort()).toEqual([
      "bad.example:8443",
      "clients.example:443",
      "good.example:443",
      "unknown.example:443",
    ]);
    // The hostile subject is text on the page, and none of it ran.
    expect(result.subjects).toContain(HOSTILE);
    expect(result.pwned).toBeNull();
    expect(result.scripts).toBe(1);
    expect(result.images).toBe(0);
    expect(result.policy).toMatch(/^acme\/prod 3\.1\.0 sha256 [0-9a-f]{12}$/);
    expect(result.clientFamilies.map((f) => f.trim())).toEqual([
      "✗ IE",
      "✗ Java",
      "? Android",
      "✓ Firefox",
    ]);
    expect(result.fixes).toContain("How to fix");
    expect(result.printBreak).toBe("page");
  });

  it("blocks what its policy does not allow: a script the report did not write does not run", async () => {
    const { evaluations, reports } = fixture();
    const html = formatHtml(evaluations, reports).replace(
      "</body>",
      "<script>window.injected = 1</script></body>",
    );
    const file = writeReport("tampered.html", html);
    const { result, errors } = await visitHtmlFile(file, (page) =>
      page.evaluate(() => (globalThis as unknown as { injected?: number }).injected ?? null),
    );
    expect(result).toBeNull();
    expect(errors.join("\n")).toMatch(/Content Security Policy/);
  });
});
