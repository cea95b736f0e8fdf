import { escapeControlCharacters } from "../control-characters.js";
import { gateRun } from "../run/gate.js";
import type { Evaluation, FindingStatus, Remediation } from "../policy/types.js";
import type { ScanReport } from "../scan-report/types.js";
import { findingMessage } from "./certificates.js";
import { clientFamilies, clientMatrix, matrixSummary } from "./clients.js";
import type { ClientFamily, ClientResult } from "./clients.js";
import { fleetOverview, showDetails, worstLabel } from "./overview.js";
import type { OverviewRow } from "./overview.js";
import { shortHash } from "./format-options.js";
import { negotiatedSummary } from "./negotiated.js";
import { notScannedReason } from "../scan-report/not-scanned.js";
import { outcomes, reportsByTarget, targetVerdict, type TargetVerdict } from "./outcomes.js";
import { waivedRows, waivedUntil } from "./waived.js";
import type { FormatOptions } from "./format-options.js";

export interface TextOptions extends FormatOptions {
  /** ANSI colours. The caller decides (NO_COLOR, FORCE_COLOR, whether stdout is a TTY). */
  color?: boolean;
  /** List passing rules too, every finding, and remediation for every server. */
  verbose?: boolean;
  /** Findings shown per rule before "… and N more"; default 8 (all when verbose). */
  maxFindings?: number;
  /** Per-target details; default: only for a few targets (the overview says the rest). */
  details?: boolean;
}

const STYLE = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  bold: [1, 22],
  dim: [2, 22],
} as const;
type Style = keyof typeof STYLE;

const STATUS_STYLE: Record<FindingStatus, Style> = {
  fail: "red",
  inconclusive: "yellow",
  pass: "green",
  waived: "dim",
};

const VERDICT_STYLE: Record<TargetVerdict, Style> = {
  fail: "red",
  warn: "yellow",
  pass: "green",
};

const CLIENT_STYLE: Record<ClientResult, Style> = {
  fail: "red",
  inconclusive: "yellow",
  ok: "green",
};

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const visibleLength = (text: string): number => text.replace(ANSI, "").length;
const pad = (text: string, width: number): string =>
  text + " ".repeat(Math.max(0, width - visibleLength(text)));

/**
 * Text that came from outside (a server, a saved report, a target as written) with its control
 * characters escaped: it goes to a terminal, where an escape sequence could rewrite the screen or
 * a line break fake a line of tlsgate's own.
 */
const inert = escapeControlCharacters;

/** A readable table per target: failing and inconclusive rules with their findings. */
export function formatText(
  evaluations: readonly Evaluation[],
  reports: readonly ScanReport[],
  options: TextOptions = {},
): string {
  const paint = (style: Style, text: string): string =>
    options.color === true ? `\u001b[${STYLE[style][0]}m${text}\u001b[${STYLE[style][1]}m` : text;
  const reportOf = reportsByTarget(reports);
  const lines: string[] = [];
  const clientsShown = new Set<string>();
  const details = showDetails(evaluations, options.details);
  for (const evaluation of details ? evaluations : []) {
    const report = reportOf.get(evaluation.target);
    const address = report?.target.address;
    const { counts, policy } = evaluation;
    const word = targetVerdict(evaluation, report, options.gate);
    const verdict = paint(VERDICT_STYLE[word], word.toUpperCase());
    lines.push(
      `${paint("bold", inert(evaluation.target))}${address ? ` (${inert(address)})` : ""}  ${paint("bold", verdict)}`,
    );
    const summary = [
      `${counts.fail} failed`,
      `${counts.inconclusive} inconclusive`,
      `${counts.pass} passed`,
    ];
    if ((counts.waived ?? 0) > 0) summary.push(`${counts.waived} waived`);
    if (counts.off > 0) summary.push(`${counts.off} off`);
    lines.push(
      paint(
        "dim",
        `  policy ${policy.name} ${policy.version} (sha256 ${shortHash(policy.sha256)}) · ${summary.join(" · ")}`,
      ),
    );
    // A target that could not be scanned leaves every rule unknown: say why once.
    const notScanned = report === undefined ? null : notScannedReason(report);
    if (notScanned !== null) {
      lines.push(`  ${paint("yellow", "not scanned:")} ${inert(notScanned)}`, "");
      continue;
    }
    if (report !== undefined) {
      for (const [label, value] of negotiatedSummary(report)) {
        lines.push(`  ${pad(label, "certificate".length)}  ${inert(value)}`);
      }
    }
    const rows = outcomes(evaluation).filter(
      (o) => o.status !== "waived" && (options.verbose === true || o.status !== "pass"),
    );
    const idWidth = Math.max(0, ...rows.map((o) => o.ruleId.length));
    const statusWidth = "inconclusive".length;
    const severityWidth = "warning".length;
    for (const outcome of rows) {
      const rule = evaluation.rules[outcome.ruleId];
      const limit = options.verbose === true ? Infinity : (options.maxFindings ?? 8);
      const all =
        outcome.status === "pass"
          ? [rule?.title ?? outcome.ruleId]
          : outcome.findings.map((f) => inert(findingMessage(f, report)));
      const messages = all.length > limit ? all.slice(0, limit) : all;
      if (all.length > limit) messages.push(paint("dim", `… and ${all.length - limit} more`));
      if (outcome.status === "fail") {
        for (const fix of remediationLines(rule?.remediation, options.verbose === true)) {
          messages.push(paint("dim", fix));
        }
      }
      messages.forEach((message, index) => {
        const first = index === 0;
        const status = first ? paint(STATUS_STYLE[outcome.status], outcome.status) : "";
        const severity = first ? (rule?.severity ?? "") : "";
        const id = first ? outcome.ruleId : "";
        lines.push(
          `  ${pad(status, statusWidth)}  ${pad(severity, severityWidth)}  ${pad(id, idWidth)}  ${message}`.trimEnd(),
        );
      });
    }
    // The client matrix, once per target, by family: how far back each still connects.
    const families = clientsShown.has(evaluation.target) ? null : clientFamilies(report);
    const matrix = families === null ? null : clientMatrix(report);
    clientsShown.add(evaluation.target);
    if (families !== null && matrix !== null) {
      lines.push(`  clients: ${matrixSummary(matrix.counts)}`);
      const familyWidth = Math.max(0, ...families.map((f) => f.family.length));
      for (const family of families) {
        const result: ClientResult =
          family.counts.fail > 0 ? "fail" : family.counts.inconclusive > 0 ? "inconclusive" : "ok";
        lines.push(
          `    ${pad(paint(CLIENT_STYLE[result], result), "inconclusive".length)}  ${pad(inert(family.family), familyWidth)}  ${familyLine(family)}`.trimEnd(),
        );
      }
      if (options.verbose === true) {
        const nameWidth = Math.max(0, ...matrix.rows.map((row) => row.client.name.length));
        for (const { client, result } of matrix.rows) {
          const detail =
            result === "ok"
              ? `${pad(client.protocol ?? "", "TLSv1.2".length)}  ${client.cipher ?? ""}`
              : inert(client.reason ?? "");
          lines.push(
            `      ${pad(paint(CLIENT_STYLE[result], result), "inconclusive".length)}  ${pad(inert(client.name), nameWidth)}  ${detail}`.trimEnd(),
          );
        }
      }
    }
    if (report !== undefined && report.errors.length > 0) {
      lines.push(
        paint(
          "dim",
          `  ${report.errors.length} scan error(s): ${report.errors.map((e) => `${e.probe} ${e.code}`).join(", ")}`,
        ),
      );
    }
    lines.push("");
  }
  const waived = waivedRows(evaluations);
  if (waived.length > 0) {
    lines.push(paint("bold", "Waived:"));
    for (const row of waived) {
      lines.push(
        `  ${inert(row.target)}  ${row.ruleId}  ${waivedUntil(row.waiver)}: ${inert(row.waiver.reason)} [${inert(row.waiver.source)}]`,
      );
    }
    lines.push("");
  }
  if (options.gate !== undefined) {
    const gate = gateRun(evaluations, reports, options.gate);
    const failOn = options.gate.failOn ?? "error";
    const inconclusive = (options.gate.inconclusive ?? "fail") === "fail" ? "fails" : "passes";
    const verdict = paint(gate.verdict === "fail" ? "red" : "green", gate.verdict.toUpperCase());
    lines.push(
      `${paint("bold", "Gate:")} ${paint("bold", verdict)} (fail-on ${failOn}; inconclusive ${inconclusive}) · ${gate.blocking.length} blocking finding(s)`,
    );
    for (const reason of gate.reasons) lines.push(`  ${inert(reason)}`);
  }
  // Many targets end with the overview, worst first: what fails, on what, what expires first;
  // so does any run whose details are left out, or it would say nothing of its targets.
  if (!details || new Set(evaluations.map((e) => e.target)).size > 1) {
    lines.push("", ...overviewLines(evaluations, reports, options, paint, details));
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

/** "fix: …" lines: the generic advice (or nginx's when there is none); every server when verbose. */
function remediationLines(remediation: Remediation | undefined, all: boolean): string[] {
  if (remediation === undefined) return [];
  const servers = ["generic", "nginx", "apache", "haproxy"] as const;
  const present = servers.filter((server) => remediation[server] !== undefined);
  const shown = all ? present : present.slice(0, 1);
  return shown.map((server) =>
    server === "generic"
      ? `fix: ${remediation[server]}`
      : `fix (${server}): ${remediation[server]}`,
  );
}

/** "12/14 connect · oldest working Chrome 49 · newest failing Chrome 30: no shared cipher". */
export function familyLine(family: ClientFamily): string {
  const total = family.counts.ok + family.counts.fail + family.counts.inconclusive;
  const parts = [`${family.counts.ok}/${total} connect`];
  if (family.counts.inconclusive > 0) parts.push(`${family.counts.inconclusive} inconclusive`);
  if (family.oldestWorking !== null) parts.push(`oldest working ${family.oldestWorking.name}`);
  const failing = family.newestFailing;
  if (failing !== null) {
    parts.push(
      `newest failing ${failing.name}${failing.reason === null ? "" : `: ${failing.reason}`}`,
    );
  }
  return inert(parts.join(" · "));
}

function overviewLines(
  evaluations: readonly Evaluation[],
  reports: readonly ScanReport[],
  options: TextOptions,
  paint: (style: Style, text: string) => string,
  details: boolean,
): string[] {
  const rows = fleetOverview(evaluations, reports, options.gate);
  const header = ["target", "verdict", "blocking", "expires in", "worst finding"];
  const cells = rows.map((row) => [
    inert(row.target),
    row.verdict.toUpperCase(),
    String(row.blocking),
    row.daysToExpiry === null ? "unknown" : `${row.daysToExpiry} d`,
    inert(clip(worstLabel(row), 100)),
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...cells.map((c) => c[i]!.length)),
  );
  const line = (values: string[], styled: string[] = values): string =>
    `  ${styled.map((value, i) => (i === values.length - 1 ? value : pad(value, widths[i]!))).join("  ")}`.trimEnd();
  const verdictStyle: Record<OverviewRow["verdict"], Style> = {
    fail: "red",
    unscanned: "yellow",
    inconclusive: "yellow",
    pass: "green",
  };
  const hint = details ? "" : " (--details for each target)";
  return [
    paint("bold", `Overview: ${rows.length} target(s), worst first${hint}`),
    paint("dim", line(header)),
    ...rows.map((row, r) => {
      const values = cells[r]!;
      return line(
        values,
        values.map((value, i) => (i === 1 ? paint(verdictStyle[row.verdict], value) : value)),
      );
    }),
  ];
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
