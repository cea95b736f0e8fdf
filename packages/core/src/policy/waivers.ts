/**
 * Waivers: a rule's findings on some targets pass, with a reason, until a date. A waiver in
 * force turns a target's failing and inconclusive findings of its rule into `waived`; once the
 * date is past they block again and say that the waiver expired.
 */
import { displayPath, PolicyError } from "./errors.js";
import { compileGlob, type Glob } from "./glob.js";
import { ruleStatuses } from "./evaluate.js";
import { positionOf, type Locate } from "./source-map.js";
import type { Evaluation, Finding, FindingWaiver, Waiver, WaiverEntry } from "./types.js";

/** How far ahead a waiver may expire unless the config says otherwise. */
export const DEFAULT_MAX_WAIVER_DAYS = 180;
/** A waiver this close to its date is worth a warning. */
export const WAIVER_EXPIRY_WARNING_DAYS = 14;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Days since 1970-01-01 of a real YYYY-MM-DD date (UTC), or null. */
export function parseDay(text: string): number | null {
  const match = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(text);
  if (match === null) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  const date = new Date(time);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1) return null;
  if (date.getUTCDate() !== day) return null;
  return time / DAY_MS;
}

/** The UTC day of an instant, in days since 1970-01-01. */
export function dayOf(now: Date): number {
  return Math.floor(now.getTime() / DAY_MS);
}

const notADate = (text: string): string => `${JSON.stringify(text)} is not a date like 2027-03-31`;

/** A waiver entry that cannot be read, at its place in the document. */
export interface WaiverIssue {
  pointer: string;
  message: string;
  line: number | null;
  column: number | null;
}

/**
 * The waivers of one document (a policy's or the config file's `waivers`, already valid against
 * `waiverSchema`) with where each is written, and every entry whose `expires` is not a real date.
 * The one reader of waiver entries: each loader wraps the issues in its own error.
 */
export function readWaivers(
  entries: readonly WaiverEntry[],
  file: string,
  locate: Locate,
): { waivers: Waiver[]; issues: WaiverIssue[] } {
  const waivers: Waiver[] = [];
  const issues: WaiverIssue[] = [];
  entries.forEach((entry, index) => {
    const pointer = `/waivers/${index}`;
    const at = positionOf(locate, pointer);
    const expiresAt = positionOf(locate, `${pointer}/expires`);
    if (parseDay(entry.expires) === null) {
      issues.push({
        pointer: `${pointer}/expires`,
        message: notADate(entry.expires),
        line: expiresAt?.line ?? null,
        column: expiresAt?.column ?? null,
      });
      return;
    }
    waivers.push({
      rule: entry.rule,
      targets: [...entry.targets],
      reason: entry.reason,
      expires: entry.expires,
      source: { file, line: at?.line ?? null, column: at?.column ?? null, pointer },
      expiresAt: { line: expiresAt?.line ?? null, column: expiresAt?.column ?? null },
    });
  });
  return { waivers, issues };
}

/** `file:line:column` of a waiver. */
export function waiverLocation(waiver: Waiver): string {
  const { file, line, column } = waiver.source;
  return `${displayPath(file)}${line === null ? "" : `:${line}${column === null ? "" : `:${column}`}`}`;
}

/** Why a waiver's date is refused (not a date; further ahead than allowed), or null. */
export function checkWaiverDate(waiver: Waiver, now: Date, maxDays: number): string | null {
  const expires = parseDay(waiver.expires);
  if (expires === null) return notADate(waiver.expires);
  const ahead = expires - dayOf(now);
  if (ahead > maxDays) {
    return `waiver of ${waiver.rule} expires ${waiver.expires}, ${ahead} days ahead: at most ${maxDays} days (maxWaiverDays) are allowed`;
  }
  return null;
}

/** A PolicyError at a waiver's `expires` value. */
export function waiverDateError(waiver: Waiver, message: string): PolicyError {
  return new PolicyError("invalid", message, {
    file: waiver.source.file,
    line: waiver.expiresAt.line,
    column: waiver.expiresAt.column,
    pointer: `${waiver.source.pointer}/expires`,
  });
}

interface CompiledWaiver {
  waiver: Waiver;
  globs: Glob[];
  expires: number;
}

/** Waivers compiled once for a run; records which ones matched a target and which waived. */
export class WaiverSet {
  readonly #waivers: CompiledWaiver[];
  readonly #today: number;
  readonly #matchedTarget = new Set<Waiver>();
  readonly #matchedFinding = new Set<Waiver>();

  /** `waivers` must have valid dates (see checkWaiverDate). */
  constructor(waivers: readonly Waiver[], now: Date) {
    this.#today = dayOf(now);
    this.#waivers = waivers.map((waiver) => ({
      waiver,
      globs: waiver.targets.map(compileGlob),
      expires: parseDay(waiver.expires) ?? -Infinity,
    }));
  }

  /**
   * The evaluation with the waivers of `applicable` applied (the first matching waiver of a
   * rule wins), and its counts and verdict recomputed.
   */
  apply(evaluation: Evaluation, applicable: readonly Waiver[]): Evaluation {
    const allowed = new Set(applicable);
    const byRule = new Map<string, CompiledWaiver>();
    for (const entry of this.#waivers) {
      if (!allowed.has(entry.waiver) || byRule.has(entry.waiver.rule)) continue;
      if (!entry.globs.some((glob) => glob.test(evaluation.target))) continue;
      this.#matchedTarget.add(entry.waiver);
      byRule.set(entry.waiver.rule, entry);
    }
    if (byRule.size === 0) return evaluation;
    const findings = evaluation.findings.map((finding): Finding => {
      const entry = byRule.get(finding.ruleId);
      if (entry === undefined || finding.status === "pass") return finding;
      this.#matchedFinding.add(entry.waiver);
      const daysLeft = entry.expires - this.#today;
      const waiver: FindingWaiver = {
        reason: entry.waiver.reason,
        expires: entry.waiver.expires,
        daysLeft,
        expired: daysLeft < 0,
        source: waiverLocation(entry.waiver),
      };
      if (waiver.expired) {
        return {
          ...finding,
          message: `${finding.message} (waiver expired on ${waiver.expires})`,
          waiver,
        };
      }
      return { ...finding, status: "waived", waiver };
    });
    return recount({ ...evaluation, findings });
  }

  /** One warning per waiver that matched no target, or waived no finding on its targets. */
  unused(): string[] {
    const warnings: string[] = [];
    for (const { waiver } of this.#waivers) {
      const where = waiverLocation(waiver);
      if (!this.#matchedTarget.has(waiver)) {
        warnings.push(
          `${where}: waiver of ${waiver.rule} matches no target (${waiver.targets.join(", ")})`,
        );
      } else if (!this.#matchedFinding.has(waiver)) {
        warnings.push(
          `${where}: waiver of ${waiver.rule} waives nothing: the rule passes on its targets`,
        );
      }
    }
    return warnings;
  }

  /** Waived findings whose waiver ends within WAIVER_EXPIRY_WARNING_DAYS days. */
  static expiringSoon(evaluations: readonly Evaluation[]): Finding[] {
    return evaluations.flatMap((evaluation) =>
      evaluation.findings.filter(
        (finding) =>
          finding.status === "waived" &&
          finding.waiver !== undefined &&
          finding.waiver.daysLeft <= WAIVER_EXPIRY_WARNING_DAYS,
      ),
    );
  }
}

/** One sentence per waived rule and target whose waiver ends within the warning window. */
export function expiringWaiverWarnings(evaluations: readonly Evaluation[]): string[] {
  const lines = WaiverSet.expiringSoon(evaluations).map(
    ({ ruleId, target, waiver }) =>
      `waiver of ${ruleId} on ${target} expires ${waiver!.expires} (${waiver!.daysLeft} day(s) left; ${waiver!.source})`,
  );
  return [...new Set(lines)];
}

/** Counts and verdict from the findings (a rule without findings passed). */
function recount(evaluation: Evaluation): Evaluation {
  const counts = { ...evaluation.counts, pass: 0, fail: 0, inconclusive: 0, waived: 0 };
  for (const status of Object.values(ruleStatuses(evaluation))) counts[status] += 1;
  const verdict = counts.fail > 0 ? "fail" : counts.inconclusive > 0 ? "inconclusive" : "pass";
  return { ...evaluation, counts, verdict };
}
