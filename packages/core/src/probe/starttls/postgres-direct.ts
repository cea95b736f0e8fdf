/**
 * PostgreSQL 17 direct TLS negotiation (libpq `sslnegotiation=direct`): no SSLRequest, TLS from the
 * first byte, and ALPN "postgresql" in the ClientHello. The server refuses another ALPN (alert
 * no_application_protocol) and drops a direct connection without one, so every hello of the scan
 * offers it; a server before 17 reads the ClientHello as a startup packet and closes.
 */
import type { HandshakeOutcome } from "../full-handshake.js";
import type { ScanErrorCode } from "../../scan-report/types.js";
import { STARTTLS_PROTOCOLS, printable, type StarttlsProtocol } from "./preamble.js";

/** Services that start TLS at once and name themselves by ALPN, with the ALPN they offer. */
export const DIRECT_TLS_ALPN = { "postgres-direct": ["postgresql"] } as const;
export type DirectTlsProtocol = keyof typeof DIRECT_TLS_ALPN;

/** What `--starttls` and `target.starttls` name: a preamble, or a direct-TLS service. */
export type ServiceProtocol = StarttlsProtocol | DirectTlsProtocol;
export const SERVICE_PROTOCOLS: readonly ServiceProtocol[] = [
  ...STARTTLS_PROTOCOLS,
  ...(Object.keys(DIRECT_TLS_ALPN) as DirectTlsProtocol[]),
];

export function isServiceProtocol(text: string): text is ServiceProtocol {
  return (SERVICE_PROTOCOLS as readonly string[]).includes(text);
}

export function isDirectTlsProtocol(protocol: ServiceProtocol): protocol is DirectTlsProtocol {
  return Object.hasOwn(DIRECT_TLS_ALPN, protocol);
}

export type DirectTlsCheck =
  | { ok: true; warning: { code: ScanErrorCode; message: string } | null }
  | { ok: false; connected: boolean; code: ScanErrorCode; message: string };

/**
 * Judges the first full handshake (offering only the service's ALPN). Only a refusal of the ALPN
 * or a close without TLS stops the scan; any other handshake failure may be Node's OpenSSL
 * refusing what the server speaks, so the raw probes still run.
 */
export function judgeDirectTls(
  protocol: DirectTlsProtocol,
  outcome: HandshakeOutcome,
): DirectTlsCheck {
  const alpn = DIRECT_TLS_ALPN[protocol][0];
  const at = (reason: string, step: string): string =>
    `starttls/${protocol}: ${reason} (at ${step})`;
  if (outcome.ok) {
    const selected = outcome.handshake.alpn;
    if (selected === alpn) return { ok: true, warning: null };
    return {
      ok: true,
      warning: {
        code: "protocol",
        message: at(
          `the server completed TLS but selected ALPN ${selected === null ? "none" : JSON.stringify(printable(selected))}, not "${alpn}": a client using direct negotiation refuses it`,
          "ALPN",
        ),
      },
    };
  }
  if (/no.application.protocol/i.test(outcome.message)) {
    return {
      ok: false,
      connected: true,
      code: "protocol",
      message: at(`the server refused ALPN "${alpn}" (alert no_application_protocol)`, "ALPN"),
    };
  }
  // A close before any reply is PostgreSQL before 17 answering; a reset may be the network, and a
  // close after a TLS reply began is a broken handshake, so neither gets this diagnosis.
  if (outcome.code === "closed" && outcome.received === 0) {
    return {
      ok: false,
      connected: true,
      code: outcome.code,
      message: at(
        `the server closed the connection without a TLS reply: it does not speak direct TLS (PostgreSQL before 17 reads the ClientHello as a startup packet); scan postgres:// to negotiate with SSLRequest`,
        "ClientHello",
      ),
    };
  }
  if (outcome.code === "refused" || outcome.code === "dns") {
    return {
      ok: false,
      connected: false,
      code: outcome.code,
      message: at(printable(outcome.message), "connect"),
    };
  }
  return { ok: true, warning: null };
}
