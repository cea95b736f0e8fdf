// A report to hand to someone outside the terminal: one self-contained HTML file (inline CSS and a
// little JS, both allowed by hash in its Content-Security-Policy, nothing fetched), that works
// opened from disk and prints. Every string from a server, a saved report or a policy is escaped.
import { createHash } from "node:crypto";
import { gateRun } from "../run/gate.js";
import type { Evaluation, FindingStatus, RuleInfo } from "../policy/types.js";
import type { CertificateReport, ScanReport } from "../scan-report/types.js";
import { clientFamilies, clientMatrix, matrixSummary } from "./clients.js";
import type { ClientResult } from "./clients.js";
import { shortHash, toolVersion } from "./format-options.js";
import type { FormatOptions } from "./format-options.js";
import { notScannedReason } from "../scan-report/not-scanned.js";
import { findingMessage } from "./certificates.js";
import { escapeHtml as esc } from "./html-escape.js";
import { outcomes, reportsByTarget } from "./outcomes.js";
import { fleetOverview, worstLabel } from "./overview.js";
import type { OverviewRow } from "./overview.js";
import { remediationSteps } from "./remediation.js";
import { waivedUntil } from "./waived.js";

export type HtmlOptions = FormatOptions;

const STYLE = `
:root { color-scheme: light; --fail: #b42318; --warn: #b54708; --pass: #067647; --muted: #555; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5rem auto; max-width: 72rem; padding: 0 1rem; color: #111; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
h3 { font-size: 1rem; margin-bottom: .25rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { border: 1px solid #ddd; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f5f5f5; } td.num { text-align: right; }
th button { all: unset; cursor: pointer; font-weight: 600; } th button::after { content: " \\2195"; color: #999; }
code, .mono { font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; }
.fail { color: var(--fail); font-weight: 600; } .inconclusive, .unscanned { color: var(--warn); font-weight: 600; }
.pass, .ok { color: var(--pass); } .off, .waived { color: #999; } .muted { color: var(--muted); }
.matrix td { text-align: center; } .matrix th.rule { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; }
.scroll { overflow-x: auto; } meter { width: 12rem; } pre { background: #f7f7f7; padding: .5rem; overflow-x: auto; white-space: pre-wrap; }
.verdict { font-size: 1.1rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 11px; }
  th button::after { content: ""; }
  details > summary { list-style: none; }
  section.target { break-before: page; }
  a { color: inherit; text-decoration: none; }
}
`;

// Sorts the overview by the clicked column: numbers by value (data-sort), text otherwise.
const SCRIPT = `
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th button").forEach(function (button, column) {
    button.addEventListener("click", function () {
      var body = table.tBodies[0];
      var ascending = button.getAttribute("data-order") !== "asc";
      table.querySelectorAll("th button").forEach(function (b) { b.removeAttribute("data-order"); });
      button.setAttribute("data-order", ascending ? "asc" : "desc");
      var key = function (row) {
        var cell = row.cells[column];
        var value = cell.getAttribute("data-sort");
        return value === null ? cell.textContent.trim() : Number(value);
      };
      Array.prototype.slice.call(body.rows)
        .sort(function (a, b) {
          var x = key(a), y = key(b);
          var order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
          return ascending ? order : -order;
        })
        .forEach(function (row) { body.appendChild(row); });
    });
  });
});
`;

const cspHash = (text: string): string =>
  `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/** The Content-Security-Policy the report carries: nothing but its own style and script. */
export const HTML_CSP = [
  "default-src 'none'",
  `style-src ${cspHash(STYLE)}`,
  `script-src ${cspHash(SCRIPT)}`,
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

const STATUS_MARK: Record<FindingStatus | "off", string> = {
  pass: "✓",
  fail: "✗",
  inconclusive: "?",
  waived: "⏸",
  off: "–",
};

const VERDICT_RANK: Record<OverviewRow["verdict"], number> = {
  fail: 0,
  unscanned: 1,
  inconclusive: 2,
  pass: 3,
};

const CLIENT_MARK: Record<ClientResult, string> = { fail: "✗", inconclusive: "?", ok: "✓" };

/** The whole report as one HTML document. */
export function formatHtml(
  evaluations: readonly Evaluation[],
  reports: readonly ScanReport[],
  options: HtmlOptions = {},
): string {
  const reportOf = reportsByTarget(reports);
  const rows = fleetOverview(evaluations, reports, options.gate);
  const gate = gateRun(evaluations, reports, options.gate);
  const anchors = new Map(evaluations.map((e, i) => [e, `target-${i + 1}`]));
  const policies = [...new Map(evaluations.map((e) => [e.policy.sha256, e.policy])).values()];
  const scannedAt = reports
    .map((r) => r.startedAt)
    .sort()
    .at(-1);

  const body: string[] = [];
  body.push(
    `<header><h1>tlsgate report</h1>`,
    `<p class="verdict">Gate: <span class="${gate.verdict}" id="gate-verdict">${gate.verdict.toUpperCase()}</span> · ${evaluations.length} target(s) · ${gate.blocking.length} blocking finding(s)</p>`,
  );
  if (gate.reasons.length > 0) {
    body.push(`<ul>${gate.reasons.map((r) => `<li>${esc(r)}</li>`).join("")}</ul>`);
  }
  body.push(
    `<p class="muted">Policy: ${policies
      .map(
        (p) =>
          `<span class="policy">${esc(p.name)} ${esc(p.version)} <code title="sha256 ${esc(p.sha256)}">sha256 ${esc(shortHash(p.sha256))}</code></span>`,
      )
      .join(
        ", ",
      )} · tlsgate ${esc(toolVersion(reports, options))}${scannedAt === undefined ? "" : ` · scanned ${esc(scannedAt)}`}</p></header>`,
  );

  body.push(overviewSection(rows, anchors));
  body.push(matrixSection(evaluations, anchors));
  body.push(expirySection(reports));
  for (const evaluation of evaluations) {
    body.push(targetSection(evaluation, reportOf.get(evaluation.target), anchors.get(evaluation)!));
  }

  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>tlsgate: ${gate.verdict.toUpperCase()} · ${evaluations.length} target(s)</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    ...body,
    `<script>${SCRIPT}</script>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

function overviewSection(rows: readonly OverviewRow[], anchors: Map<Evaluation, string>): string {
  const header = [
    "Target",
    "Verdict",
    "Blocking",
    "Protocols",
    "Weakest suite",
    "Certificate expiry",
    "Worst finding",
  ];
  const lines = rows.map((row) => {
    const suite = row.weakestSuite;
    const expiry =
      row.daysToExpiry === null
        ? `<td data-sort="999999">unknown</td>`
        : `<td data-sort="${row.daysToExpiry}">${row.daysToExpiry} days <span class="muted">(${esc(row.expires ?? "")})</span></td>`;
    return [
      "<tr>",
      `<td><a href="#${anchors.get(row.evaluation)}">${esc(row.target)}</a></td>`,
      `<td data-sort="${VERDICT_RANK[row.verdict]}" class="${row.verdict}">${row.verdict}</td>`,
      `<td class="num" data-sort="${row.blocking}">${row.blocking}</td>`,
      `<td>${row.protocols === null ? "unknown" : esc(row.protocols.join(", ") || "none")}</td>`,
      `<td>${suite === null ? "—" : `<code>${esc(suite.iana)}</code> <span class="muted">${esc(suite.strength ?? "unknown")}</span>`}</td>`,
      expiry,
      `<td>${esc(worstLabel(row))}</td>`,
      "</tr>",
    ].join("");
  });
  return [
    `<section id="overview"><h2>Overview</h2>`,
    `<p class="muted">Worst first. Click a column to sort.</p>`,
    `<table class="sortable"><thead><tr>${header.map((h) => `<th><button type="button">${h}</button></th>`).join("")}</tr></thead>`,
    `<tbody>${lines.join("\n")}</tbody></table></section>`,
  ].join("\n");
}

function matrixSection(
  evaluations: readonly Evaluation[],
  anchors: Map<Evaluation, string>,
): string {
  const rules = new Map<string, RuleInfo>();
  for (const evaluation of evaluations) {
    for (const [id, rule] of Object.entries(evaluation.rules))
      if (!rules.has(id)) rules.set(id, rule);
  }
  const ids = [...rules.keys()];
  const rows = evaluations.map((evaluation) => {
    const status = new Map(outcomes(evaluation).map((o) => [o.ruleId, o.status]));
    const cells = ids.map((id) => {
      const s = status.get(id) ?? "off";
      return `<td class="${s}" title="${esc(id)}: ${s}">${STATUS_MARK[s]}</td>`;
    });
    return `<tr><th scope="row"><a href="#${anchors.get(evaluation)}">${esc(evaluation.target)}</a></th>${cells.join("")}</tr>`;
  });
  return [
    `<section id="matrix"><h2>Targets × rules</h2>`,
    `<p class="muted">✓ pass · ✗ fail · ? inconclusive · ⏸ waived · – not evaluated</p>`,
    `<div class="scroll"><table class="matrix"><thead><tr><th>Target</th>${ids
      .map((id) => `<th class="rule" title="${esc(rules.get(id)!.title)}">${esc(id)}</th>`)
      .join("")}</tr></thead>`,
    `<tbody>${rows.join("\n")}</tbody></table></div></section>`,
  ].join("\n");
}

function expirySection(reports: readonly ScanReport[]): string {
  const leaves = reports.flatMap((report) =>
    chainsOf(report).flatMap((chain) => {
      const leaf = chain.chain[0];
      return leaf === undefined ? [] : [{ target: report.target.input, leaf }];
    }),
  );
  leaves.sort((a, b) => a.leaf.daysRemaining - b.leaf.daysRemaining);
  const items = leaves.map(
    ({ target, leaf }) =>
      `<tr><td>${esc(leaf.notAfter)}</td><td class="num ${leaf.daysRemaining < 0 ? "fail" : leaf.daysRemaining < 30 ? "inconclusive" : ""}">${leaf.daysRemaining}</td><td><meter min="0" max="398" low="30" high="90" optimum="398" value="${Math.max(0, Math.min(398, leaf.daysRemaining))}"></meter></td><td>${esc(target)}</td><td class="mono">${esc(leaf.subject)}</td></tr>`,
  );
  return [
    `<section id="expiry"><h2>Certificate expiry timeline</h2>`,
    items.length === 0
      ? `<p>No certificate was read.</p>`
      : `<table><thead><tr><th>Expires</th><th>Days</th><th>Remaining</th><th>Target</th><th>Subject</th></tr></thead><tbody>${items.join("\n")}</tbody></table>`,
    `</section>`,
  ].join("\n");
}

function chainsOf(report: ScanReport | undefined): CertificateReport[] {
  return report?.certificates ?? (report?.certificate ? [report.certificate] : []);
}

const known = (value: boolean | null): string =>
  value === null ? "unknown" : value ? "yes" : "no";

function targetSection(evaluation: Evaluation, report: ScanReport | undefined, id: string): string {
  const out: string[] = [];
  out.push(
    `<section class="target" id="${id}"><h2>${esc(evaluation.target)}${report?.target.address ? ` <span class="muted">(${esc(report.target.address)})</span>` : ""} · <span class="${evaluation.verdict}">${evaluation.verdict}</span></h2>`,
    `<p class="muted">policy ${esc(evaluation.policy.name)} ${esc(evaluation.policy.version)} · ${evaluation.counts.fail} failed · ${evaluation.counts.inconclusive} inconclusive · ${evaluation.counts.pass} passed</p>`,
  );
  const reason = report === undefined ? null : notScannedReason(report);
  if (reason !== null) out.push(`<p class="inconclusive">Not scanned: ${esc(reason)}</p>`);

  const open = outcomes(evaluation).filter((o) => o.status !== "pass");
  out.push(`<h3>Findings</h3>`);
  if (open.length === 0) out.push(`<p class="pass">Every rule passed.</p>`);
  else {
    out.push(
      `<table class="findings"><thead><tr><th>Rule</th><th>Severity</th><th>Status</th><th>Findings</th></tr></thead><tbody>`,
    );
    for (const outcome of open) {
      const rule = evaluation.rules[outcome.ruleId];
      const steps = remediationSteps(rule?.remediation);
      const fix =
        steps.length === 0 && rule?.description === undefined
          ? ""
          : `<details><summary>How to fix</summary>${rule?.description === undefined ? "" : `<p>${esc(rule.description)}</p>`}${steps
              .map((s) => `<p><strong>${esc(s.label)}</strong></p><pre>${esc(s.text)}</pre>`)
              .join(
                "",
              )}${(rule?.references ?? []).map((r) => `<p class="mono">${esc(r)}</p>`).join("")}</details>`;
      out.push(
        `<tr><td><code>${esc(outcome.ruleId)}</code><br>${esc(rule?.title ?? "")}</td><td>${esc(rule?.severity ?? "")}</td><td class="${outcome.status}">${outcome.status}</td><td><ul>${outcome.findings
          .map(
            (f) =>
              `<li>${esc(findingMessage(f, report))}${f.waiver === undefined ? "" : ` <span class="muted">(waived ${esc(waivedUntil(f.waiver))}: ${esc(f.waiver.reason)})</span>`}</li>`,
          )
          .join("")}</ul>${fix}</td></tr>`,
      );
    }
    out.push(`</tbody></table>`);
  }

  if (report !== undefined && report.reachable === true) {
    out.push(`<h3>Negotiated</h3><table><tbody>`);
    out.push(
      `<tr><th>Protocols</th><td>${Object.entries(report.protocols)
        .map(
          ([p, on]) =>
            `<span class="${on === true ? "ok" : on === null ? "inconclusive" : "off"}">${esc(p)}: ${known(on)}</span>`,
        )
        .join(" · ")}</td></tr>`,
      `<tr><th>Groups</th><td>${report.groups === null ? "unknown" : esc([...new Set(report.groups.map((g) => g.name))].join(", ") || "none")}</td></tr>`,
      `<tr><th>DH</th><td>${report.dh.bits === null ? known(report.dh.supported) : `${report.dh.bits} bits`}</td></tr>`,
      `<tr><th>ALPN</th><td>${report.features.alpn === null ? "unknown" : esc(report.features.alpn.selected ?? "none")}</td></tr>`,
      `</tbody></table>`,
    );
    if (report.cipherSuites === null) out.push(`<p>Cipher suites: unknown.</p>`);
    else {
      out.push(
        `<table class="suites"><thead><tr><th>Protocol</th><th>Suite</th><th>Code</th><th>Strength</th></tr></thead><tbody>`,
        ...report.cipherSuites.map(
          (s) =>
            `<tr><td>${esc(s.protocol)}</td><td><code>${esc(s.iana)}</code></td><td class="mono">${esc(s.code)}</td><td class="${s.strength === "insecure" || s.strength === "weak" ? "fail" : ""}">${esc(s.strength ?? "unknown")}</td></tr>`,
        ),
        `</tbody></table>`,
      );
    }
  }

  const chains = chainsOf(report);
  if (chains.length > 0) {
    out.push(`<h3>Certificate chain${chains.length > 1 ? "s" : ""}</h3>`);
    for (const chain of chains) {
      out.push(
        `<p class="muted">trusted ${known(chain.trusted)}${chain.trustError === null ? "" : ` (${esc(chain.trustError)})`} · hostname match ${known(chain.hostnameMatch)} · complete ${known(chain.chainComplete)} · OCSP stapled ${known(chain.ocspStapled)}</p>`,
        `<table class="chain"><thead><tr><th>#</th><th>Subject</th><th>Issuer</th><th>Expires</th><th>Key</th><th>Signature</th></tr></thead><tbody>`,
        ...chain.chain.map(
          (c, i) =>
            `<tr><td>${i}</td><td class="mono subject">${esc(c.subject)}</td><td class="mono">${esc(c.issuer)}</td><td>${esc(c.notAfter)} (${c.daysRemaining} days)</td><td>${esc(c.keyType)} ${c.keyBits ?? ""}${c.curve === null ? "" : ` ${esc(c.curve)}`}</td><td>${esc(c.signatureAlgorithm)}</td></tr>`,
        ),
        `</tbody></table>`,
      );
    }
  }

  const families = clientFamilies(report);
  const matrix = clientMatrix(report);
  if (families !== null && matrix !== null) {
    out.push(
      `<h3>Clients</h3><p>${esc(matrixSummary(matrix.counts))}</p>`,
      `<table class="clients"><thead><tr><th>Family</th><th>Connect</th><th>Oldest working</th><th>Newest failing</th></tr></thead><tbody>`,
    );
    for (const family of families) {
      const result: ClientResult =
        family.counts.fail > 0 ? "fail" : family.counts.inconclusive > 0 ? "inconclusive" : "ok";
      const total = family.counts.ok + family.counts.fail + family.counts.inconclusive;
      const failing = family.newestFailing;
      out.push(
        `<tr><td class="${result}">${CLIENT_MARK[result]} ${esc(family.family)}</td><td class="num">${family.counts.ok}/${total}</td><td>${family.oldestWorking === null ? "—" : esc(family.oldestWorking.name)}</td><td>${failing === null ? "—" : `${esc(failing.name)}${failing.reason === null ? "" : `: ${esc(failing.reason)}`}`}</td></tr>`,
      );
    }
    out.push(
      `</tbody></table>`,
      `<details><summary>Every client (${matrix.rows.length})</summary><table><tbody>${matrix.rows
        .map(
          ({ client, result }) =>
            `<tr><td class="${result}">${result}</td><td>${esc(client.name)}</td><td>${result === "ok" ? `${esc(client.protocol ?? "")} <code>${esc(client.cipher ?? "")}</code>` : esc(client.reason ?? "")}</td></tr>`,
        )
        .join("")}</tbody></table></details>`,
    );
  }
  out.push(`</section>`);
  return out.join("\n");
}
