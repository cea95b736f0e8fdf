// A rule's remediation as every reporter lists it: one step per server, in one order.
import type { Remediation, RuleInfo } from "../policy/types.js";
import { markdownFence } from "./markdown-escape.js";

export interface RemediationStep {
  server: keyof Remediation;
  /** "nginx", "Apache", "HAProxy", "Any server". */
  label: string;
  /** The info string of its Markdown code block ("" for none). */
  language: string;
  text: string;
}

const SERVERS: readonly (readonly [keyof Remediation, string, string])[] = [
  ["nginx", "nginx", "nginx"],
  ["apache", "Apache", "apache"],
  ["haproxy", "HAProxy", "haproxy"],
  ["generic", "Any server", ""],
];

export function remediationSteps(remediation: Remediation | undefined): RemediationStep[] {
  if (remediation === undefined) return [];
  return SERVERS.flatMap(([server, label, language]) => {
    const text = remediation[server];
    return text === undefined ? [] : [{ server, label, language, text }];
  });
}

/** A rule's help as plain text and Markdown: description, each server's fix, references. */
export function ruleHelp(rule: RuleInfo): { text: string; markdown: string } {
  const summary = rule.description ?? rule.title;
  const text: string[] = [summary];
  const markdown: string[] = [summary];
  for (const step of remediationSteps(rule.remediation)) {
    text.push(`${step.label}: ${step.text}`);
    markdown.push(`**${step.label}**\n\n${markdownFence(step.text, step.language)}`);
  }
  for (const reference of rule.references ?? []) {
    text.push(reference);
    markdown.push(`<${reference}>`);
  }
  return { text: text.join("\n\n"), markdown: markdown.join("\n\n") };
}
