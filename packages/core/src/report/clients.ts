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

/** One family of clients (Chrome, Android, Java, OpenSSL…): how far back it still connects. */
export interface ClientFamily {
  family: string;
  counts: Record<ClientResult, number>;
  /** The oldest version that connects, or null when none does. */
  oldestWorking: ClientSimulation | null;
  /** The newest version that fails (with its reason), or null when none fails. */
  newestFailing: ClientSimulation | null;
}

/** Orders versions as numbers part by part ("10.0.2" after "9.1"), then by release year. */
export function compareClientVersions(a: ClientSimulation, b: ClientSimulation): number {
  const parts = (version: string): number[] =>
    (version.match(/\d+/g) ?? []).map((part) => Number(part));
  const left = parts(a.version);
  const right = parts(b.version);
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    const difference = (left[i] ?? -1) - (right[i] ?? -1);
    if (difference !== 0) return difference;
  }
  return (a.year ?? 0) - (b.year ?? 0) || a.name.localeCompare(b.name);
}

/**
 * The client matrix by family, families with failures first (most failing first), then by name.
 * Null when no simulation ran.
 */
export function clientFamilies(report: ScanReport | undefined): ClientFamily[] | null {
  if (report?.clients == null) return null;
  const groups = new Map<string, ClientSimulation[]>();
  for (const client of report.clients) {
    groups.set(client.family, [...(groups.get(client.family) ?? []), client]);
  }
  const families = [...groups].map(([family, clients]): ClientFamily => {
    const sorted = [...clients].sort(compareClientVersions);
    const counts: Record<ClientResult, number> = { fail: 0, inconclusive: 0, ok: 0 };
    for (const client of sorted) counts[resultOf(client)] += 1;
    return {
      family,
      counts,
      oldestWorking: sorted.find((client) => client.ok === true) ?? null,
      newestFailing: sorted.findLast((client) => client.ok === false) ?? null,
    };
  });
  return families.sort(
    (a, b) =>
      Number(b.counts.fail > 0) - Number(a.counts.fail > 0) ||
      b.counts.fail - a.counts.fail ||
      a.family.localeCompare(b.family),
  );
}
