// Opens an HTML file in Debian's chromium (driven by playwright-core, never a downloaded browser)
// and records what a reader's browser would do: console errors, CSP violations and every request.
// .ci/run installs chromium when it is missing.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Page } from "playwright-core";

/** Debian's chromium; TLSGATE_CHROMIUM names another Chromium build (the GitHub runner's Chrome). */
export const CHROMIUM = process.env.TLSGATE_CHROMIUM ?? "/usr/bin/chromium";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export interface BrowserVisit<T> {
  /** What `inspect` returned. */
  result: T;
  /** Console messages of type error, uncaught exceptions and CSP violations. */
  errors: string[];
  /** Every URL the page asked for, the file itself included. */
  requests: string[];
}

/**
 * Loads `file` in a fresh headless chromium profile, lets `inspect` read the rendered page, and
 * closes the browser whatever happens.
 */
export async function visitHtmlFile<T>(
  file: string,
  inspect: (page: Page) => Promise<T>,
): Promise<BrowserVisit<T>> {
  const profile = mkdtempSync(join(tmpdir(), "tlsgate-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    timeout: 60_000,
  });
  const errors: string[] = [];
  const requests: string[] = [];
  try {
    context.on("request", (request) => requests.push(request.url()));
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
    await page.goto(pathToFileURL(file).href, { waitUntil: "load", timeout: 60_000 });
    const result = await inspect(page);
    return { result, errors, requests };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
