/**
 * C0 controls, DEL and C1 controls as `\xNN`: the one escape for text a remote party chose
 * (certificate names, server replies) before it reaches a log, a terminal or a report, where a
 * line break could start a new line (or a workflow command) and an escape sequence could rewrite
 * the screen.
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

export function escapeControlCharacters(text: string): string {
  return text.replace(
    CONTROL_CHARACTERS,
    (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}
