/**
 * The contract of a STARTTLS preamble: a pure state machine over bytes (no sockets, no timers),
 * run on every connection before the first TLS byte. The runner (runner.ts) feeds it what the
 * server sends and writes what it asks to send, until the server's go-ahead or a failure.
 */

export const STARTTLS_PROTOCOLS = [
  "smtp",
  "lmtp",
  "imap",
  "pop3",
  "ftp",
  "sieve",
  "nntp",
  "irc",
  "xmpp",
  "xmpp-server",
  "ldap",
  "postgres",
  "mysql",
] as const;
export type StarttlsProtocol = (typeof STARTTLS_PROTOCOLS)[number];

export function isStarttlsProtocol(text: string): text is StarttlsProtocol {
  return (STARTTLS_PROTOCOLS as readonly string[]).includes(text);
}

/** Settings a user may give a preamble. */
export interface PreambleSettings {
  /** SMTP/LMTP: the name sent in EHLO/LHLO. Default "tlsgate.invalid". */
  ehloName?: string;
  /** XMPP: the `to` domain of the stream; default the target's host name. */
  xmppDomain?: string;
}

/** The most a single protocol line may hold before the server counts as hostile. */
export const MAX_LINE_BYTES = 4 * 1024;
/** The most the whole preamble may receive before the server counts as hostile. */
export const MAX_PREAMBLE_BYTES = 64 * 1024;

/**
 * What the machine wants after a chunk: bytes to send, and whether it goes on, may start TLS, or
 * failed (`message` names the step and the server's words: "454 TLS not available").
 */
export type PreambleStep =
  | { kind: "continue"; send: Uint8Array | null }
  | { kind: "ready"; send: Uint8Array | null }
  | { kind: "failed"; code: PreambleFailureCode; message: string };

export type PreambleFailureCode =
  /** The server answered within the protocol but would not start TLS. */
  | "refused"
  /**
   * The server is busy for now (SMTP "421 Too many concurrent SMTP connections" at the greeting):
   * the runner waits and connects again, a few times.
   */
  | "busy"
  /** The server answered outside the protocol, or too much. */
  | "protocol";

export interface Preamble {
  readonly protocol: StarttlsProtocol;
  /** Bytes to send once connected (null: the server speaks first). */
  start(): Uint8Array | null;
  /** Feeds the server's bytes. After "ready" or "failed" it must not be called again. */
  push(chunk: Uint8Array): PreambleStep;
  /** The step the machine is in, for messages ("greeting", "EHLO", "STARTTLS"). */
  readonly step: string;
  /** The service's banner (greeting, server version) once seen; null when it has none. */
  readonly banner: string | null;
}

export const encodeAscii = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Server text made safe for a message: printable ASCII only, bounded. */
export function printable(text: string, max = 200): string {
  const clean = text.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
