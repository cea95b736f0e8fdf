/**
 * HSTS (RFC 6797) from an HTTPS `GET /` to a web target, following redirects on the same host and
 * port only (at most 3). The first response carrying Strict-Transport-Security decides, as a
 * browser would take it from a redirect too; only the first such header line is read (RFC 6797
 * 8.1). A failure is data: `hsts` null and an entry in `errors`.
 */
import { request } from "node:https";
import type { IncomingMessage } from "node:http";
import { parseIp } from "../cert/ip.js";
import type { HstsPolicy, ScanError, ScanErrorCode } from "../scan-report/types.js";
import type { Target } from "./target.js";

export interface HstsOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Same-host redirects followed; 3 by default. */
  maxRedirects?: number;
}

export interface HstsResult {
  hsts: HstsPolicy | null;
  errors: ScanError[];
}

const NO_HSTS: HstsPolicy = {
  present: false,
  maxAge: null,
  includeSubDomains: false,
  preload: false,
  raw: null,
};

/** RFC 7230 token and quoted-string, as RFC 6797 6.1 directives use them. */
const DIRECTIVE =
  /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*(?:=\s*(?:([!#$%&'*+.^_`|~0-9A-Za-z-]+)|"((?:[^"\\]|\\.)*)"))?\s*$/;

/**
 * Parses a Strict-Transport-Security value. Valid: `max-age` present once with digits, every
 * directive at most once, unknown directives ignored. A malformed header is present with maxAge
 * null and includeSubDomains/preload false (a browser ignores the whole header), raw kept.
 */
export function parseHstsHeader(raw: string): HstsPolicy {
  const malformed: HstsPolicy = {
    present: true,
    maxAge: null,
    includeSubDomains: false,
    preload: false,
    raw,
  };
  const seen = new Map<string, string | null>();
  for (const part of raw.split(";")) {
    if (part.trim() === "") continue;
    const match = DIRECTIVE.exec(part);
    if (match === null) return malformed;
    const name = (match[1] ?? "").toLowerCase();
    if (seen.has(name)) return malformed;
    seen.set(name, match[2] ?? (match[3] === undefined ? null : match[3].replace(/\\(.)/g, "$1")));
  }
  const maxAge = seen.get("max-age");
  if (maxAge === undefined || maxAge === null || !/^[0-9]+$/.test(maxAge)) return malformed;
  return {
    present: true,
    maxAge: Math.min(Number(maxAge), Number.MAX_SAFE_INTEGER),
    includeSubDomains: seen.has("includesubdomains"),
    preload: seen.has("preload"),
    raw,
  };
}

function hostForUrl(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

function sameHost(a: string, b: string): boolean {
  const unbracket = (host: string): string => host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  const ipA = parseIp(unbracket(a));
  const ipB = parseIp(unbracket(b));
  if (ipA !== null || ipB !== null) {
    return (
      ipA !== null &&
      ipB !== null &&
      ipA.every((byte, index) => byte === ipB[index]) &&
      ipA.length === ipB.length
    );
  }
  return unbracket(a).replace(/\.$/, "") === unbracket(b).replace(/\.$/, "");
}

function get(
  target: Target,
  address: string,
  path: string,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const hostHeader =
      target.port === 443 ? hostForUrl(target.host) : `${hostForUrl(target.host)}:${target.port}`;
    const req = request({
      host: address,
      port: target.port,
      path,
      method: "GET",
      headers: { host: hostHeader, "user-agent": "tlsgate", accept: "*/*" },
      rejectUnauthorized: false,
      agent: false,
      signal,
      ...(target.sni === null ? {} : { servername: target.sni }),
    });
    req.on("response", resolve);
    req.on("error", reject);
    req.end();
  });
}

function classify(
  error: Error & { code?: string },
  signal: AbortSignal,
  outer?: AbortSignal,
): ScanErrorCode {
  if (signal.aborted) return outer?.aborted === true ? "internal" : "timeout";
  const code = error.code ?? "";
  if (code === "ECONNREFUSED") return "refused";
  if (code === "ECONNRESET" || code === "EPIPE") return "reset";
  if (code.startsWith("ERR_SSL_")) return "tls";
  return "http";
}

/** GET / (and same-host redirects) on `address`, presenting `target.host`; reads HSTS. */
export async function probeHsts(
  target: Target,
  address: string,
  options: HstsOptions,
): Promise<HstsResult> {
  // Cut before it started (a deadline while waiting for a connection slot): no connection.
  if (options.signal?.aborted === true) {
    return { hsts: null, errors: [{ probe: "hsts", code: "internal", message: "scan aborted" }] };
  }
  // Our own timer, cleared when the probe ends: an AbortSignal.timeout() can be garbage
  // collected before it fires on Node 20 (nodejs/node#57736), and the probe would then hang.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  const onOuterAbort = (): void => controller.abort();
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  try {
    return await follow(target, address, options, controller.signal);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onOuterAbort);
  }
}

async function follow(
  target: Target,
  address: string,
  options: HstsOptions,
  signal: AbortSignal,
): Promise<HstsResult> {
  const maxRedirects = options.maxRedirects ?? 3;
  let path = "/";
  for (let redirects = 0; ; redirects += 1) {
    let response: IncomingMessage;
    try {
      response = await get(target, address, path, signal);
    } catch (error) {
      const failure = error as Error & { code?: string };
      return {
        hsts: null,
        errors: [
          {
            probe: "hsts",
            code: classify(failure, signal, options.signal),
            message: `GET ${path}: ${failure.message}`,
          },
        ],
      };
    }
    response.on("error", () => {});
    response.destroy(); // the body is not needed
    const headers = response.rawHeaders;
    for (let index = 0; index + 1 < headers.length; index += 2) {
      if (headers[index]?.toLowerCase() === "strict-transport-security") {
        return { hsts: parseHstsHeader(headers[index + 1] ?? ""), errors: [] };
      }
    }
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status < 300 || status > 399 || location === undefined || redirects >= maxRedirects) break;
    let next: URL;
    try {
      next = new URL(location, `https://${hostForUrl(target.host)}:${target.port}${path}`);
    } catch {
      break;
    }
    const nextPort = next.port === "" ? 443 : Number(next.port);
    if (
      next.protocol !== "https:" ||
      !sameHost(next.hostname, target.host) ||
      nextPort !== target.port
    )
      break;
    path = `${next.pathname}${next.search}`;
  }
  return { hsts: { ...NO_HSTS }, errors: [] };
}
