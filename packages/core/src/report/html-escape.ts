// Text into an HTML document: every string a server, a saved report or a policy chose goes
// through here, so a certificate subject holding markup or script is shown as text.
import { escapeControlCharacters } from "../control-characters.js";

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Element text or a quoted attribute value: entities for `& < > " '`, controls as `\xNN`. */
export function escapeHtml(text: string): string {
  return escapeControlCharacters(text).replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}
