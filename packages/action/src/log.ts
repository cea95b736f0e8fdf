/**
 * Everything the Action writes to the log goes through `safeLogging`. The runner reads a stdout
 * line that starts with `::` (after the whitespace it trims) as a workflow command, and `##[`
 * anywhere in a line as one in the older form, so server-chosen text (certificate names, replies
 * quoted in errors) could otherwise add masks, annotations or stop command processing.
 */
import { escapeControlCharacters } from "@tlsgate/core";
import type { ActionsCore } from "./toolkit.js";

/**
 * One log line made inert: controls (line breaks included) as `\xNN`, a leading `::` and any
 * `##[` broken with an escaped character. Only the Action's own commands, which @actions/core
 * writes itself, start with `::`.
 */
export function escapeLogLine(line: string): string {
  return escapeControlCharacters(line)
    .replace(/^(\s*)::/, "$1\\x3a:")
    .replaceAll("##[", "#\\x23[");
}

/** Text of several lines, each made inert; the line breaks stay. */
export function escapeLog(text: string): string {
  return text.split("\n").map(escapeLogLine).join("\n");
}

/**
 * Annotation and failure messages: @actions/core encodes line breaks into its command, so only
 * the other controls (terminal escapes, carriage returns) need escaping.
 */
function escapeMessage<T extends string | Error>(message: T): T | string {
  return typeof message === "string"
    ? message.split(/\r?\n/).map(escapeControlCharacters).join("\n")
    : message;
}

/** `core` whose logging functions escape what they are given. */
export function safeLogging(core: ActionsCore): ActionsCore {
  return {
    getInput: (name, options) => core.getInput(name, options),
    getBooleanInput: (name, options) => core.getBooleanInput(name, options),
    setOutput: (name, value) => core.setOutput(name, value),
    setFailed: (message) => core.setFailed(escapeMessage(message)),
    error: (message, properties) => core.error(escapeMessage(message), properties),
    warning: (message, properties) => core.warning(escapeMessage(message), properties),
    notice: (message, properties) => core.notice(escapeMessage(message), properties),
    info: (message) => core.info(escapeLog(message)),
    summary: core.summary,
  };
}
