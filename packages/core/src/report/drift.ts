/**
 * Drift between two saved scans of the same targets: what changed on each endpoint (protocols,
 * suites, groups, preference, DH, certificates, features). Pure: reports in, changes out; the
 * formatters escape every server-derived string.
 */
import { escapeControlCharacters } from "../control-characters.js";
import type { CertificateReport, ScanReport } from "../scan-report/types.js";
import { markdownCode, markdownText } from "./markdown-escape.js";

export const DRIFT_AREAS = [
  "reachability",
  "protocols",
  "cipherSuites",
  "serverPreference",
  "groups",
  "dh",
  "certificates",
  "features",
] as const;
export type DriftArea = (typeof DRIFT_AREAS)[number];

export interface DriftChange {
  area: DriftArea;
  /** One sentence, e.g. "TLSv1.0: enabled → disabled", "+ TLS_AES_256_GCM_SHA384 (TLSv1.3)". */
  change: string;
  before: unknown;
  after: unknown;
}

export interface TargetDrift {
  target: string;
  /** added / removed: the target is in only one of the scans. */
  status: "same" | "changed" | "added" | "removed";
  changes: DriftChange[];
}

export interface Drift {
  changed: boolean;
  targets: TargetDrift[];
}

/** Compares reports by target as written; a target in only one side is added or removed. */
export function diffScans(before: readonly ScanReport[], after: readonly ScanReport[]): Drift {
  const old = new Map(before.map((report) => [report.target.input, report]));
  const now = new Map(after.map((report) => [report.target.input, report]));
  const targets: TargetDrift[] = [];
  for (const [target, report] of old) {
    const next = now.get(target);
    if (next === undefined) {
      targets.push({ target, status: "removed", changes: [] });
      continue;
    }
    const changes = diffReport(report, next);
    targets.push({ target, status: changes.length === 0 ? "same" : "changed", changes });
  }
  for (const target of now.keys()) {
    if (!old.has(target)) targets.push({ target, status: "added", changes: [] });
  }
  return { changed: targets.some((t) => t.status !== "same"), targets };
}

const show = (value: unknown): string =>
  value === null || value === undefined
    ? "unknown"
    : typeof value === "boolean"
      ? value
        ? "yes"
        : "no"
      : typeof value === "string"
        ? value
        : JSON.stringify(value);

function diffReport(a: ScanReport, b: ScanReport): DriftChange[] {
  const changes: DriftChange[] = [];
  const push = (area: DriftArea, change: string, before: unknown, after: unknown): void => {
    changes.push({ area, change, before: before ?? null, after: after ?? null });
  };
  if (a.reachable !== b.reachable) {
    push(
      "reachability",
      `reachable: ${show(a.reachable)} → ${show(b.reachable)}`,
      a.reachable,
      b.reachable,
    );
  }
  for (const protocol of new Set([...Object.keys(a.protocols), ...Object.keys(b.protocols)])) {
    const x = (a.protocols as Record<string, boolean | null>)[protocol] ?? null;
    const y = (b.protocols as Record<string, boolean | null>)[protocol] ?? null;
    if (x !== y) {
      const word = (v: boolean | null): string =>
        v === null ? "unknown" : v ? "enabled" : "disabled";
      push("protocols", `${protocol}: ${word(x)} → ${word(y)}`, x, y);
    }
  }
  diffLists(
    "cipherSuites",
    a.cipherSuites,
    b.cipherSuites,
    (s) => `${s.iana} (${s.protocol})`,
    push,
  );
  diffLists("groups", a.groups, b.groups, (g) => `${g.name} (${g.protocol})`, push);
  const preference = (report: ScanReport): Map<string, string> =>
    new Map(
      (report.serverPreference ?? []).map((p) => [
        p.protocol,
        p.enforced === null
          ? "unknown"
          : p.enforced
            ? `server order${p.order === null ? "" : ` ${p.order.join(", ")}`}`
            : "client order",
      ]),
    );
  const pa = preference(a);
  const pb = preference(b);
  for (const protocol of new Set([...pa.keys(), ...pb.keys()])) {
    const x = pa.get(protocol) ?? null;
    const y = pb.get(protocol) ?? null;
    if (x !== null && y !== null && x !== y) {
      push("serverPreference", `${protocol}: ${x} → ${y}`, x, y);
    }
  }
  if (a.dh.bits !== b.dh.bits || a.dh.supported !== b.dh.supported) {
    push(
      "dh",
      `DH: ${show(a.dh.supported ? a.dh.bits : a.dh.supported)} → ${show(b.dh.supported ? b.dh.bits : b.dh.supported)} bits`,
      a.dh,
      b.dh,
    );
  }
  diffCertificates(a, b, push);
  const fa = flatten(a.features);
  const fb = flatten(b.features);
  for (const key of new Set([...fa.keys(), ...fb.keys()])) {
    const x = fa.get(key) ?? null;
    const y = fb.get(key) ?? null;
    if (JSON.stringify(x) !== JSON.stringify(y))
      push("features", `${key}: ${show(x)} → ${show(y)}`, x, y);
  }
  return changes;
}

type Push = (area: DriftArea, change: string, before: unknown, after: unknown) => void;

function diffLists<T>(
  area: DriftArea,
  a: readonly T[] | null,
  b: readonly T[] | null,
  key: (item: T) => string,
  push: Push,
): void {
  if (a === null || b === null) {
    if (a !== b)
      push(
        area,
        `${area} list: ${a === null ? "unknown" : `${a.length} item(s)`} → ${b === null ? "unknown" : `${b.length} item(s)`}`,
        a,
        b,
      );
    return;
  }
  const before = new Set(a.map(key));
  const after = new Set(b.map(key));
  for (const item of after) if (!before.has(item)) push(area, `+ ${item}`, null, item);
  for (const item of before) if (!after.has(item)) push(area, `- ${item}`, item, null);
}

/** Chains by the leaf's key type (a server serves one chain per key type). */
function chains(report: ScanReport): Map<string, CertificateReport> {
  const list = report.certificates ?? (report.certificate === null ? [] : [report.certificate]);
  const byKey = new Map<string, CertificateReport>();
  for (const chain of list) {
    const leaf = chain.chain[0];
    if (leaf !== undefined && !byKey.has(leaf.keyType)) byKey.set(leaf.keyType, chain);
  }
  return byKey;
}

/** Pairs of chains: same leaf key type first, then what is left in order (a re-keyed chain). */
function chainPairs(
  a: ScanReport,
  b: ScanReport,
): [string, CertificateReport | undefined, CertificateReport | undefined][] {
  const ca = chains(a);
  const cb = chains(b);
  const pairs: [string, CertificateReport | undefined, CertificateReport | undefined][] = [];
  for (const [keyType, chain] of ca) {
    if (cb.has(keyType)) {
      pairs.push([keyType, chain, cb.get(keyType)]);
      ca.delete(keyType);
      cb.delete(keyType);
    }
  }
  const left = [...ca.entries()];
  const right = [...cb.entries()];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    pairs.push([left[i]?.[0] ?? right[i]?.[0] ?? "", left[i]?.[1], right[i]?.[1]]);
  }
  return pairs;
}

function diffCertificates(a: ScanReport, b: ScanReport, push: Push): void {
  for (const [keyType, x, y] of chainPairs(a, b)) {
    const lx = x?.chain[0];
    const ly = y?.chain[0];
    if (lx === undefined || ly === undefined) {
      const leaf = lx ?? ly;
      push(
        "certificates",
        `${lx === undefined ? "+" : "-"} ${keyType} certificate ${leaf?.subject ?? ""}`.trimEnd(),
        lx?.sha256 ?? null,
        ly?.sha256 ?? null,
      );
      continue;
    }
    const label = lx.keyType === ly.keyType ? `${keyType} certificate` : "certificate";
    if (lx.sha256 !== ly.sha256) {
      push(
        "certificates",
        `${label} rotated: ${lx.subject} (serial ${lx.serial}) → ${ly.subject} (serial ${ly.serial})`,
        lx.sha256,
        ly.sha256,
      );
    }
    if (lx.issuer !== ly.issuer)
      push("certificates", `${label} issuer: ${lx.issuer} → ${ly.issuer}`, lx.issuer, ly.issuer);
    const key = (leaf: typeof lx): string =>
      `${leaf.keyType}${leaf.keyBits === null ? "" : ` ${leaf.keyBits}`}${leaf.curve === null ? "" : ` ${leaf.curve}`}`;
    if (key(lx) !== key(ly))
      push("certificates", `${label} key: ${key(lx)} → ${key(ly)}`, key(lx), key(ly));
    if (lx.notAfter !== ly.notAfter) {
      push(
        "certificates",
        `${label} expires: ${lx.notAfter} → ${ly.notAfter}`,
        lx.notAfter,
        ly.notAfter,
      );
    }
    for (const field of ["trusted", "hostnameMatch", "chainComplete", "ocspStapled"] as const) {
      if (x![field] !== y![field]) {
        push(
          "certificates",
          `${label} ${field}: ${show(x![field])} → ${show(y![field])}`,
          x![field],
          y![field],
        );
      }
    }
  }
}

/** Leaf values of an object by dotted path (lists and null kept whole). */
function flatten(
  value: unknown,
  prefix = "",
  out = new Map<string, unknown>(),
): Map<string, unknown> {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) {
      flatten(inner, prefix === "" ? key : `${prefix}.${key}`, out);
    }
  } else if (prefix !== "") out.set(prefix, value);
  return out;
}

function summary(drift: Drift): string {
  const changed = drift.targets.filter((t) => t.status !== "same").length;
  return changed === 0
    ? `no drift: ${drift.targets.length} target(s) the same`
    : `drift: ${changed} of ${drift.targets.length} target(s) changed`;
}

export function formatDriftText(drift: Drift): string {
  const inert = escapeControlCharacters;
  const lines: string[] = [];
  for (const target of drift.targets) {
    const count = target.changes.length > 0 ? ` (${target.changes.length})` : "";
    lines.push(`${inert(target.target)}  ${target.status}${count}`);
    const width = Math.max(0, ...target.changes.map((c) => c.area.length));
    for (const change of target.changes) {
      lines.push(`  ${change.area.padEnd(width)}  ${inert(change.change)}`);
    }
  }
  lines.push("", summary(drift));
  return `${lines.join("\n")}\n`;
}

export function formatDriftMarkdown(drift: Drift): string {
  const lines = [
    `## tlsgate drift: ${drift.changed ? "changed" : "no change"}`,
    "",
    summary(drift),
    "",
  ];
  for (const target of drift.targets) {
    if (target.status === "same") continue;
    lines.push(`### ${markdownCode(target.target)} · ${target.status}`, "");
    if (target.changes.length === 0) continue;
    lines.push("| Area | Change |", "|---|---|");
    for (const change of target.changes) {
      lines.push(`| ${change.area} | ${markdownText(change.change)} |`);
    }
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

export function formatDriftJson(drift: Drift): string {
  return `${JSON.stringify(drift, null, 2)}\n`;
}
