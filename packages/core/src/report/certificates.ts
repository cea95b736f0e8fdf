/**
 * Certificate text shared by the formatters: which served chain a finding is about, so that a
 * server with an RSA and an ECDSA chain gets findings a person can tell apart ("chain 2 of 2:
 * ECDSA P-256, CN=example.com"). The text comes from the server: callers escape it as they
 * escape every finding message.
 */
import type { Finding } from "../policy/types.js";
import type { CertificateReport, ScanReport } from "../scan-report/types.js";

const KEY_TYPE_NAMES: Readonly<Record<string, string>> = {
  rsa: "RSA",
  ecdsa: "ECDSA",
  ed25519: "Ed25519",
  ed448: "Ed448",
  dsa: "DSA",
};

/** "ECDSA P-256, CN=example.com" / "RSA 2048, CN=example.com": the chain's leaf key and subject. */
export function describeChain(certificate: CertificateReport): string {
  const leaf = certificate.chain[0];
  const keyType = certificate.keyType ?? leaf?.keyType ?? null;
  const name = keyType === null ? "unknown key" : (KEY_TYPE_NAMES[keyType] ?? keyType);
  const size = leaf?.curve ?? (leaf?.keyBits == null ? null : String(leaf.keyBits));
  const key = size === null || keyType?.startsWith("ed") === true ? name : `${name} ${size}`;
  return leaf === undefined ? key : `${key}, ${leaf.subject}`;
}

const CHAIN_POINTER = /^\/certificates\/(\d+)(?:\/|$)/;

/**
 * The served chain a JSON pointer is inside, named for a person when the server serves more than
 * one: "chain 2 of 2: ECDSA P-256, CN=…" for `/certificates/1/…`; null for any other pointer,
 * and for a server with one chain (nothing to tell apart).
 */
export function chainLabel(report: ScanReport | undefined, pointer: string): string | null {
  const index = CHAIN_POINTER.exec(pointer)?.[1];
  const certificates = report?.certificates ?? [];
  if (index === undefined || certificates.length < 2) return null;
  const certificate = certificates[Number(index)];
  if (certificate === undefined) return null;
  return `chain ${Number(index) + 1} of ${certificates.length}: ${describeChain(certificate)}`;
}

/** A finding's message, followed by the chain it is about when it is about one. */
export function findingMessage(finding: Finding, report: ScanReport | undefined): string {
  const label = chainLabel(report, finding.pointer);
  return label === null ? finding.message : `${finding.message} (${label})`;
}
