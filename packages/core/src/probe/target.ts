import { TlsgateError } from "../errors.js";
import { isIpLiteral, parseIpv4, parseIpv6 } from "../cert/ip.js";
import {
  DIRECT_TLS_ALPN,
  isDirectTlsProtocol,
  isServiceProtocol,
  type ServiceProtocol,
} from "./starttls/postgres-direct.js";

/** Where a scan connects and what it checks the certificate against. */
export interface Target {
  /** What the user typed. */
  input: string;
  /** Name for SNI and hostname checks (lowercase, no trailing dot), or the IP literal (IPv6 without brackets). */
  host: string;
  port: number;
  /** Server name sent in SNI; null for IP literals. */
  sni: string | null;
  /** The address to connect to: the IP of `host@ip`, else `host` itself. */
  connectAddress: string;
  /** Port 443 or an `https://` target: HSTS is looked for. A service scheme is never web. */
  isWeb: boolean;
  /**
   * The STARTTLS preamble run before TLS (`smtp://`, `--starttls smtp`), or a service that starts
   * TLS at once but names itself by ALPN (`postgres-direct`); null for plain direct TLS.
   */
  starttls: ServiceProtocol | null;
  /**
   * ALPN protocols every hello offers (raw probes only when not empty); absent: the full handshake
   * offers h2 and http/1.1. A STARTTLS service offers none: Exim and others refuse an ALPN that is
   * not theirs (alert 120). PostgreSQL direct TLS offers "postgresql".
   */
  alpn?: readonly string[];
}

/** URL schemes of TLS services: the default port, and the STARTTLS protocol (null: implicit TLS). */
export const SERVICE_SCHEMES: Readonly<
  Record<string, { port: number; starttls: ServiceProtocol | null }>
> = {
  smtp: { port: 25, starttls: "smtp" },
  smtps: { port: 465, starttls: null },
  submission: { port: 587, starttls: "smtp" },
  imap: { port: 143, starttls: "imap" },
  imaps: { port: 993, starttls: null },
  pop3: { port: 110, starttls: "pop3" },
  pop3s: { port: 995, starttls: null },
  ftp: { port: 21, starttls: "ftp" },
  ftps: { port: 990, starttls: null },
  ldap: { port: 389, starttls: "ldap" },
  ldaps: { port: 636, starttls: null },
  xmpp: { port: 5222, starttls: "xmpp" },
  "xmpp-server": { port: 5269, starttls: "xmpp-server" },
  // `?sslnegotiation=direct` (libpq's URI parameter) selects "postgres-direct".
  postgres: { port: 5432, starttls: "postgres" },
  postgresql: { port: 5432, starttls: "postgres" },
  mysql: { port: 3306, starttls: "mysql" },
  lmtp: { port: 24, starttls: "lmtp" },
  sieve: { port: 4190, starttls: "sieve" },
  nntp: { port: 119, starttls: "nntp" },
  irc: { port: 6667, starttls: "irc" },
};

export interface ParseTargetOptions {
  /** `--starttls PROTOCOL`: the preamble (or postgres-direct) for a target without a scheme. */
  starttls?: ServiceProtocol;
}

export const TARGET_ERROR_CODES = [
  "empty",
  "scheme",
  "host",
  "address",
  "port",
  "starttls",
] as const;
export type TargetErrorCode = (typeof TARGET_ERROR_CODES)[number];

/** A target that cannot be parsed. `input` is what the user typed. */
export class TargetError extends TlsgateError<TargetErrorCode> {
  override readonly name = "TargetError" as const;
  readonly input: string;

  constructor(
    code: TargetErrorCode,
    input: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, `invalid target ${JSON.stringify(input)}: ${message}`, options);
    this.input = input;
  }
}

const DEFAULT_PORT = 443;
const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

function parsePort(text: string, input: string): number {
  if (!/^[0-9]{1,5}$/.test(text))
    throw new TargetError("port", input, `bad port ${JSON.stringify(text)}`);
  const port = Number(text);
  if (port < 1 || port > 65535)
    throw new TargetError("port", input, `port ${port} is out of range`);
  return port;
}

function parseHostName(text: string, input: string): string {
  const host = text.toLowerCase().replace(/\.$/, "");
  const labels = host.split(".");
  const valid =
    host.length > 0 &&
    host.length <= 253 &&
    labels.every((label) => LABEL.test(label)) &&
    !/^[0-9]+$/.test(labels[labels.length - 1] ?? "");
  if (!valid) throw new TargetError("host", input, `bad host name ${JSON.stringify(text)}`);
  return host;
}

/**
 * "::1:9450" reads as the address ::1:9450 and as ::1 port 9450: a bare IPv6 literal whose last
 * group is a decimal number after a complete address is ambiguous, so it is refused.
 */
function unbracketedPort(text: string): { address: string; port: string } | null {
  const colon = text.lastIndexOf(":");
  const address = text.slice(0, colon);
  const port = text.slice(colon + 1);
  if (!/^[0-9]{1,5}$/.test(port) || parseIpv6(address) === null) return null;
  return { address: address.toLowerCase(), port };
}

/** "host", "host:port", "v4", "v4:port", "[v6]", "[v6]:port", bare "v6". */
function splitHostPort(
  text: string,
  input: string,
): { host: string; port: string | null; ip: boolean } {
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    const inner = text.slice(1, close);
    if (close < 0 || parseIpv6(inner) === null) {
      throw new TargetError("address", input, `bad IPv6 literal ${JSON.stringify(text)}`);
    }
    const rest = text.slice(close + 1);
    if (rest !== "" && !rest.startsWith(":"))
      throw new TargetError("port", input, `unexpected ${JSON.stringify(rest)}`);
    return { host: inner.toLowerCase(), port: rest === "" ? null : rest.slice(1), ip: true };
  }
  if ((text.match(/:/g) ?? []).length > 1) {
    const withPort = unbracketedPort(text);
    if (withPort !== null) {
      throw new TargetError(
        "address",
        input,
        `an IPv6 address with a port needs brackets: write [${withPort.address}]:${withPort.port} (or [${text}] for the address ${text} on port ${DEFAULT_PORT})`,
      );
    }
    if (parseIpv6(text) === null)
      throw new TargetError("address", input, `bad IPv6 literal ${JSON.stringify(text)}`);
    return { host: text.toLowerCase(), port: null, ip: true };
  }
  const colon = text.indexOf(":");
  const host = colon < 0 ? text : text.slice(0, colon);
  const port = colon < 0 ? null : text.slice(colon + 1);
  return { host, port, ip: parseIpv4(host) !== null };
}

/**
 * Parses a target: `host`, `host:port`, `https://host[:port][/path]`, an IPv4 literal, `[v6]:port`,
 * a bare IPv6 literal, and `host@ip[:port]` (connect to ip; SNI and hostname checks use host).
 * The port defaults to 443. Throws TargetError naming the input.
 */
export function parseTarget(input: string, options: ParseTargetOptions = {}): Target {
  let rest = input.trim();
  if (rest === "") throw new TargetError("empty", input, "empty target");
  let https = false;
  let service: { port: number; starttls: ServiceProtocol | null } | null = null;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  if (scheme !== null) {
    const name = scheme[1]?.toLowerCase() ?? "";
    service = Object.hasOwn(SERVICE_SCHEMES, name) ? (SERVICE_SCHEMES[name] ?? null) : null;
    if (name !== "https" && service === null) {
      throw new TargetError(
        "scheme",
        input,
        `${scheme[1]}:// is not a target scheme (https, ${Object.keys(SERVICE_SCHEMES).join(", ")})`,
      );
    }
    https = name === "https";
    rest = rest.slice(scheme[0].length);
    if (service?.starttls === "postgres") service = postgresNegotiation(rest, service, input);
    rest = rest.replace(/[/?#].*$/s, "");
  } else if (/[/?#\s]/.test(rest)) {
    throw new TargetError("host", input, "a path needs a URL");
  }
  if (options.starttls !== undefined) {
    if (!isServiceProtocol(options.starttls)) {
      throw new TargetError(
        "starttls",
        input,
        `unknown STARTTLS protocol ${JSON.stringify(options.starttls)}`,
      );
    }
    if (scheme !== null) {
      throw new TargetError("starttls", input, "--starttls is for a bare host[:port], not a URL");
    }
  }
  const starttls = service?.starttls ?? options.starttls ?? null;
  const defaultPort = service?.port ?? DEFAULT_PORT;
  if (rest === "") throw new TargetError("host", input, "no host");

  const at = rest.lastIndexOf("@");
  let host: string;
  let connectAddress: string;
  let portText: string | null;
  if (at >= 0) {
    const name = rest.slice(0, at);
    const address = splitHostPort(rest.slice(at + 1), input);
    if (!address.ip) {
      throw new TargetError(
        "address",
        input,
        `after "@" comes an IP address, not ${JSON.stringify(address.host)}`,
      );
    }
    host = isIpLiteral(name) ? name.toLowerCase() : parseHostName(name, input);
    connectAddress = address.host;
    portText = address.port;
  } else {
    const split = splitHostPort(rest, input);
    host = split.ip ? split.host : parseHostName(split.host, input);
    connectAddress = host;
    portText = split.port;
  }
  const port = portText === null ? defaultPort : parsePort(portText, input);
  return {
    input,
    host,
    port,
    sni: isIpLiteral(host) ? null : host,
    connectAddress,
    isWeb: https || (service === null && starttls === null && port === DEFAULT_PORT),
    starttls,
    ...(starttls !== null && isDirectTlsProtocol(starttls)
      ? { alpn: DIRECT_TLS_ALPN[starttls] }
      : service !== null || starttls !== null
        ? { alpn: [] }
        : {}),
  };
}

/**
 * libpq's `sslnegotiation` URI parameter: "direct" is PostgreSQL 17 direct TLS, "postgres" (the
 * default) the SSLRequest. Other parameters are not the scanner's business and are ignored.
 */
function postgresNegotiation(
  rest: string,
  service: { port: number; starttls: ServiceProtocol | null },
  input: string,
): { port: number; starttls: ServiceProtocol | null } {
  const query = /\?([^#]*)/.exec(rest)?.[1];
  if (query === undefined) return service;
  const values = new URLSearchParams(query).getAll("sslnegotiation");
  if (values.length === 0) return service;
  const value = values[values.length - 1];
  if (value === "direct") return { ...service, starttls: "postgres-direct" };
  if (value === "postgres") return service;
  throw new TargetError(
    "scheme",
    input,
    `sslnegotiation must be "postgres" or "direct", not ${JSON.stringify(value)}`,
  );
}

/**
 * The target scanned at one of its addresses, named in the `host@ip:port` form (`--all-addresses`):
 * SNI and the hostname check keep the name, connections go to the address.
 */
export function targetAtAddress(target: Target, address: string): Target {
  const ip = address.includes(":") ? `[${address}]` : address;
  return { ...target, input: `${target.host}@${ip}:${target.port}`, connectAddress: address };
}
