/**
 * Whether a report describes a target that could not be scanned at all, and why in one phrase:
 * no address, no connection, or a server that speaks something other than TLS. Read from the
 * errors' codes, never from their message text. Every output says this once instead of one
 * "is unknown" per rule, and the gate counts such a target as unscanned.
 */
import type { ScanErrorCode, ScanReport } from "./types.js";

/** The probe of the error naming the addresses `--all-addresses` left out by its cap. */
export const ADDRESS_CAP_PROBE = "all-addresses";

/**
 * The probe of the error a target gets when the worker thread scanning it crashed or was
 * stopped: the run, not the server, failed, so the gate blocks on it even with
 * `inconclusive: "pass"`.
 */
export const WORKER_PROBE = "worker";

/** Whether the run lost this target's scan with its worker thread. */
export function lostWithWorker(report: ScanReport): boolean {
  return report.errors.some((error) => error.probe === WORKER_PROBE);
}

/** Why the target could not be scanned, or null when at least one protocol was established. */
export function notScannedReason(report: ScanReport): string | null {
  const established = Object.values(report.protocols).some((supported) => supported !== null);
  if (report.reachable === true && established) return null;
  const { host, address, port } = report.target;
  const first = report.errors[0];
  const lost = report.errors.find((error) => error.probe === WORKER_PROBE);
  if (lost !== undefined) return lost.message;
  if (address === null) {
    if (first?.probe === ADDRESS_CAP_PROBE) return first.message;
    if (first?.code === "timeout") return `no DNS answer for ${host} in time`;
    if (first?.code === "deadline") return "the deadline was reached before the name was resolved";
    return first === undefined
      ? `${host} was not resolved`
      : `DNS look-up failed: ${first.message}`;
  }
  // A deadline cut after the name was resolved leaves facts unknown, not the target
  // unscannable: inconclusive, as the gate says. Before it was resolved, nothing was scanned.
  if (report.reachable !== false && report.errors.some((e) => e.code === "deadline")) return null;
  if (report.reachable === null && first === undefined) return "no connection was attempted";
  const where = `${address.includes(":") ? `[${address}]` : address}:${port}`;
  const code = commonProtocolCode(report) ?? first?.code ?? null;
  return code === null ? `nothing could be established at ${where}` : phrase(code, where);
}

/** The code most protocol probes failed with (the first on a tie). */
function commonProtocolCode(report: ScanReport): ScanErrorCode | null {
  const counts = new Map<ScanErrorCode, number>();
  for (const error of report.errors) {
    if (error.probe.startsWith("protocols/")) {
      counts.set(error.code, (counts.get(error.code) ?? 0) + 1);
    }
  }
  let best: ScanErrorCode | null = null;
  for (const [code, count] of counts) if (best === null || count > counts.get(best)!) best = code;
  return best;
}

function phrase(code: ScanErrorCode, where: string): string {
  switch (code) {
    case "refused":
      return `connection refused by ${where}`;
    case "timeout":
      return `no answer from ${where} in time`;
    case "reset":
      return `connection reset by ${where}`;
    case "closed":
      return `${where} closed every connection in the middle of a reply`;
    case "plain-http":
      return `${where} speaks plain HTTP, not TLS`;
    case "ssh-banner":
      return `${where} speaks SSH (it sent an SSH banner), not TLS`;
    case "deadline":
      return `the deadline was reached before any protocol was established at ${where}`;
    default:
      return `no TLS version could be established at ${where} (${code})`;
  }
}
