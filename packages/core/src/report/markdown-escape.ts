/**
 * Text that did not come from tlsgate (certificate names and server replies quoted in findings,
 * targets, policy titles) made inert for GitHub-flavoured Markdown, as in job summaries and pull
 * request comments: it reads as the same words but makes no HTML, link, image, emphasis or table
 * cell, pings nobody and references no issue. Every Markdown reporter writes such text through
 * these functions.
 */
import { escapeControlCharacters } from "../control-characters.js";

/**
 * GitHub finds @mentions, issue references and bare URLs in the rendered text, after Markdown
 * escapes are gone, so a zero-width space (as Dependabot puts after "@") breaks them instead.
 */
const ZWSP = "\u200b";

function defuse(text: string): string {
  return (
    text
      // @user, @org/team, and the "@" of an e-mail address (an autolink too).
      .replace(/@(?=[\p{L}\p{N}_-])/gu, `@${ZWSP}`)
      // #123, owner/repo#123 and GH-123 reference (and notify) issues.
      .replace(/#(?=\d)/g, `#${ZWSP}`)
      .replace(/\b(GH)-(?=\d)/gi, `$1${ZWSP}-`)
      // http://…, any scheme://…, and www.… become links on their own.
      .replace(/:\/\//g, `:${ZWSP}//`)
      .replace(/\b(www)\./gi, `$1${ZWSP}.`)
  );
}

/** Characters that start Markdown syntax, escaped with a backslash (`_` only where it can). */
const MARKDOWN_SYNTAX = /[\\`*[\]|~$]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu;

/**
 * Inline text, anywhere in a Markdown line (paragraph, list item, table cell): one line (controls
 * as `\xNN`), HTML as entities, Markdown syntax and `|` escaped, mentions and links broken.
 */
export function markdownText(text: string): string {
  return defuse(
    escapeControlCharacters(text)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(MARKDOWN_SYNTAX, (char) => `\\${char}`),
  );
}

/**
 * Text inside raw HTML (a `<summary>` line), where Markdown is not parsed and a backslash would
 * show: entities only, mentions and links broken.
 */
export function htmlText(text: string): string {
  return defuse(
    escapeControlCharacters(text)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;"),
  );
}

/**
 * An inline code span: nothing inside is Markdown, HTML, a mention or a link. The fence is longer
 * than any run of backticks in the text; in a table row a `|` would end the cell even inside the
 * span, so it is escaped there (GitHub drops that backslash).
 */
export function markdownCode(text: string, context: "inline" | "table" = "inline"): string {
  let body = escapeControlCharacters(text);
  if (context === "table") body = body.replace(/\|/g, "\\|");
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  // Padding keeps a backtick at either end from joining the fence (one space each is stripped).
  const pad = longest > 0 || /^ .* $/.test(body) ? " " : "";
  return `${ticks}${pad}${body}${pad}${ticks}`;
}

/**
 * A fenced code block: the fence is longer than any run of backticks in the text (at least
 * three), so no line inside can close it and what follows stays outside.
 */
export function markdownFence(text: string, language = ""): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  return `${ticks}${language}\n${text}\n${ticks}`;
}
