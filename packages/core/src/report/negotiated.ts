/**
 * What a target negotiates, in a few lines, so that a person can see what passed: protocols,
 * cipher suites (count and the weakest), key-exchange groups, and the default certificate.
 * Unknown facts read "unknown", never "none".
 */
import { STRENGTH_CLASSES } from "../registry/index.js";
import type { AcceptedCipherSuite, ScanReport } from "../scan-report/types.js";

const PROTOCOL_ORDER = ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"] as const;

/** `[label, value]` rows; the values may quote the server (escape them before a terminal). */
export function negotiatedSummary(report: ScanReport): [string, string][] {
  return [
    ["protocols", protocols(report)],
    ["suites", suites(report)],
    ["groups", groups(report)],
    ["certificate", certificate(report)],
  ];
}

function protocols(report: ScanReport): string {
  const on = PROTOCOL_ORDER.filter((p) => report.protocols[p] === true);
  const unknown = PROTOCOL_ORDER.filter((p) => report.protocols[p] === null);
  // "none" only when every version is known to be off; otherwise nothing was confirmed.
  const parts = [on.length > 0 ? on.join(", ") : unknown.length > 0 ? "none confirmed" : "none"];
  if (unknown.length > 0) parts.push(`unknown: ${unknown.join(", ")}`);
  return parts.join("; ");
}

/** The weakest accepted suite: by strength class (insecure first; unclassified below every
 * class), then the fewest key bits. Null for an empty list. */
export function weakestSuite(list: readonly AcceptedCipherSuite[]): AcceptedCipherSuite | null {
  const rank = (strength: string | null): number =>
    strength === null ? -1 : STRENGTH_CLASSES.indexOf(strength as never);
  const weaker = (a: AcceptedCipherSuite, b: AcceptedCipherSuite): boolean =>
    rank(a.strength) > rank(b.strength) ||
    (rank(a.strength) === rank(b.strength) && a.bits < b.bits);
  let weakest: AcceptedCipherSuite | null = null;
  for (const suite of list) if (weakest === null || weaker(suite, weakest)) weakest = suite;
  return weakest;
}

function suites(report: ScanReport): string {
  const list = report.cipherSuites;
  if (list === null) return "unknown";
  const weakest = weakestSuite(list);
  if (weakest === null) return "none";
  return `${list.length} · weakest ${weakest.iana} (${weakest.protocol}, ${weakest.strength ?? "unclassified"})`;
}

function groups(report: ScanReport): string {
  if (report.groups === null) return "unknown";
  const names = [...new Set(report.groups.map((group) => group.name))];
  return names.length > 0 ? names.join(", ") : "none";
}

function certificate(report: ScanReport): string {
  const leaf = report.certificate?.chain[0];
  if (leaf === undefined) return "unknown";
  const key =
    leaf.keyType === "ecdsa" && leaf.curve !== null
      ? `ecdsa ${leaf.curve}`
      : `${leaf.keyType}${leaf.keyBits === null ? "" : ` ${leaf.keyBits}`}`;
  return `${leaf.subject} · issuer ${leaf.issuer} · ${validity(leaf.notAfter, leaf.daysRemaining)} · ${key}`;
}

/** "expires 2026-01-03 (in 29 days)", "expired 2024-06-01 (552 days ago)". */
function validity(notAfter: string, daysRemaining: number): string {
  const date = notAfter.slice(0, 10);
  const days = (n: number): string => `${n} day${n === 1 ? "" : "s"}`;
  if (daysRemaining < 0) return `expired ${date} (${days(-daysRemaining)} ago)`;
  return `expires ${date} (${daysRemaining === 0 ? "today" : `in ${days(daysRemaining)}`})`;
}
