import { parseIp, sameBytes } from "./ip.js";
import type { ParsedCertificate } from "./parse.js";

function normalizeDnsName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

function matchesDnsName(pattern: string, host: string): boolean {
  const wanted = normalizeDnsName(pattern);
  if (wanted === "" || host === "") return false;
  if (!wanted.includes("*")) return wanted === host;
  // Only a whole left-most label may be a wildcard, and it needs two labels beside it ("*.com" is refused).
  if (!wanted.startsWith("*.") || wanted.indexOf("*", 1) !== -1) return false;
  const suffix = wanted.slice(1); // ".example.com"
  if (suffix.split(".").length < 3) return false;
  if (!host.endsWith(suffix)) return false;
  const label = host.slice(0, -suffix.length);
  return label.length > 0 && !label.includes(".");
}

/**
 * RFC 6125 matching of a reference identity against subject alternative names (prefixed strings
 * as in CertificateInfo.san). A DNS host matches a dNSName exactly (case-insensitive, trailing dot
 * ignored) or a wildcard covering exactly one whole left-most label: `*.example.com` matches
 * `a.example.com`, not `a.b.example.com` nor `example.com`; partial-label wildcards (`f*.example.com`)
 * never match. An IP host matches only iPAddress entries. The subject CN is never consulted.
 * Internationalized names are compared as given (A-labels).
 */
export function matchesHostname(san: readonly string[], host: string): boolean {
  const unbracketed = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  const ip = parseIp(unbracketed);
  if (ip !== null) {
    return san.some((entry) => {
      if (!entry.startsWith("IP:")) return false;
      const candidate = parseIp(entry.slice(3));
      return candidate !== null && sameBytes(candidate, ip);
    });
  }
  const wanted = normalizeDnsName(host);
  return san.some((entry) => entry.startsWith("DNS:") && matchesDnsName(entry.slice(4), wanted));
}

/** hostnameMatch of a report: whether the leaf certificate is valid for `host`. */
export function checkHostname(leaf: ParsedCertificate, host: string): boolean {
  return matchesHostname(leaf.san, host);
}
