/**
 * The job summary (and the body of the PR comment): core's Markdown report — verdict per
 * target, a table of failing rules, remediation per rule, the gate's reasons — plus what only
 * the action knows: the shard.
 */
import { formatMarkdown, type Evaluation, type GateOptions, type ScanReport } from "@tlsgate/core";
import type { Shard } from "@tlsgate/core";

/** GitHub refuses a step summary over 1 MiB. */
export const MAX_SUMMARY_BYTES = 1024 * 1024;

export interface SummaryContext {
  gate: GateOptions;
  shard: Shard | null;
  /** Distinct targets of all shards. */
  total: number;
  /** Markdown put first: the impact of the pull request's policy change. */
  impact?: string;
}

export function formatSummary(
  evaluations: readonly Evaluation[],
  reports: readonly ScanReport[],
  context: SummaryContext,
): string {
  const [heading = "", ...rest] = formatMarkdown(evaluations, reports, {
    gate: context.gate,
  }).split("\n");
  const extra: string[] = [];
  if (context.impact !== undefined && context.impact !== "") extra.push(context.impact, "");
  if (context.shard !== null) {
    extra.push(
      `Shard ${context.shard.index}/${context.shard.count}: ${reports.length} of ${context.total} target(s).`,
      "",
    );
  }
  // Targets that could not be scanned are core's to show: the gate's reasons name them and
  // each one's section says why.
  return fitSummary([heading, "", ...extra, ...rest.slice(rest[0] === "" ? 1 : 0)].join("\n"));
}

/** Cuts a summary that GitHub would refuse, at a line break, with a note. */
export function fitSummary(text: string, maxBytes = MAX_SUMMARY_BYTES): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const note = "\n\n… cut to fit the job summary: the report file has every finding.\n";
  let head = Buffer.from(text)
    .subarray(0, maxBytes - Buffer.byteLength(note))
    .toString("utf8");
  // A cut multi-byte character decodes as U+FFFD: drop the partial line altogether.
  head = head.slice(0, Math.max(0, head.lastIndexOf("\n")));
  return `${head}${note}`;
}
