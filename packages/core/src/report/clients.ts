import type { ClientSimulation, ScanReport } from "../scan-report/types.js";

export type ClientResult = "fail" | "inconclusive" | "ok";

export interface ClientMatrix {
  /** Failing clients first, then inconclusive ones, then those that connect; else as scanned. */
  rows: { client: ClientSimulation; result: ClientResult }[];
  counts: Record<ClientResult, number>;
}

const RANK: Record<ClientResult, number> = { fail: 0, inconclusive: 1, ok: 2 };

export function resultOf(client: ClientSimulation): ClientResult {
  return client.ok === true ? "ok" : client.ok === false ? "fail" : "inconclusive";
}

/** The client matrix of a report, or null when no simulation ran. */
export function clientMatrix(report: ScanReport | undefined): ClientMatrix | null {
  if (report?.clients == null) return null;
  const rows = report.clients
    .map((client, index) => ({ client, result: resultOf(client), index }))
    .sort((a, b) => RANK[a.result] - RANK[b.result] || a.index - b.index)
    .map(({ client, result }) => ({ client, result }));
  const counts: Record<ClientResult, number> = { fail: 0, inconclusive: 0, ok: 0 };
  for (const row of rows) counts[row.result] += 1;
  return { rows, counts };
}

/** "2 fail · 1 inconclusive · 36 connect". */
export function matrixSummary(counts: Record<ClientResult, number>): string {
  const parts = [`${counts.fail} fail`];
  if (counts.inconclusive > 0) parts.push(`${counts.inconclusive} inconclusive`);
  parts.push(`${counts.ok} connect`);
  return parts.join(" · ");
}
