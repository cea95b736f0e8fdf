/**
 * Saved ScanReports of an older schemaVersion, brought to the current one, so that a report
 * written by an earlier tlsgate (`tlsgate check`, policy test fixtures) is still read. Every
 * reader goes through `validateScanReport`, which calls `upgradeScanReport` first: this file is
 * the one place a version step lives. A field a step cannot know is `null` (unknown), never a
 * guess, so a rule about it is inconclusive on an upgraded report rather than passing.
 */

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A v1 CertificateReport as v2: the leaf's key type, and no OCSP details (v1 kept none). */
function certificateV1ToV2(certificate: unknown): unknown {
  if (!isObject(certificate)) return certificate;
  const chain = certificate.chain;
  const leaf: unknown = Array.isArray(chain) ? chain[0] : undefined;
  const keyType = isObject(leaf) && typeof leaf.keyType === "string" ? leaf.keyType : null;
  return { keyType, ocsp: null, ...certificate };
}

/**
 * v1 `dh` as v2: which primes a DHE server uses was not recorded, so it is unknown; a server
 * known not to do DHE serves none.
 */
function dhV1ToV2(dh: unknown): unknown {
  return isObject(dh) ? { primes: dh.supported === false ? [] : null, ...dh } : dh;
}

/** v1 `target` as v2: v1 scanned TLS from the first byte only, never through STARTTLS. */
function targetV1ToV2(target: unknown): unknown {
  return isObject(target) ? { starttls: null, ...target } : target;
}

/**
 * v1 → v2: `certificates[]` holds every served chain, each with `keyType` and `ocsp` details;
 * `dh.primes` names the primes served; `target.starttls` the service preamble. A v1 scan never
 * probed for the other chains (its `certificates` held the default one only), so the served
 * chains are unknown: a rule about every served chain is inconclusive, never passed on one.
 */
function v1ToV2(report: JsonObject): JsonObject {
  return {
    ...report,
    schemaVersion: 2,
    target: targetV1ToV2(report.target),
    dh: dhV1ToV2(report.dh),
    certificate: certificateV1ToV2(report.certificate),
    certificates: null,
  };
}

/** Each step takes a report of the key's version to the next version. */
const UPGRADES: Readonly<Record<number, (report: JsonObject) => JsonObject>> = {
  1: v1ToV2,
};

/**
 * The report at the current schemaVersion. A value that is not an older report (the current
 * version, an unknown one, not an object) is returned as it is, for validation to judge. The
 * input is never modified.
 */
export function upgradeScanReport(value: unknown): unknown {
  let report = value;
  while (isObject(report) && typeof report.schemaVersion === "number") {
    const step = UPGRADES[report.schemaVersion];
    if (step === undefined) break;
    report = step(report);
  }
  return report;
}
