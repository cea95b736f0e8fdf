/**
 * The line protocols' scripts. Each follows its RFC's STARTTLS exchange, as testssl.sh and
 * openssl s_client -starttls do: greeting, (capabilities,) the STARTTLS command, its go-ahead.
 */
import { LinePreamble, quoted, type LineStep, type LineVerdict } from "./line-preamble.js";
import type { PreambleSettings } from "./preamble.js";

const next: LineVerdict = { kind: "next" };
const more: LineVerdict = { kind: "more" };
const refused = (line: string): LineVerdict => ({
  kind: "failed",
  code: "refused",
  reason: quoted(line),
});
const outside = (line: string): LineVerdict => ({
  kind: "failed",
  code: "protocol",
  reason: `not a reply of the protocol: ${JSON.stringify(quoted(line))}`,
});

/** SMTP-style replies (RFC 5321 4.2): "250-more", "250 last"; `ok` is the expected code. */
function smtpReply(ok: (code: number) => boolean, refusedCodes: (code: number) => boolean) {
  return (line: string): LineVerdict => {
    const match = /^([0-9]{3})([ -]|$)/.exec(line);
    if (match === null) return outside(line);
    const code = Number(match[1]);
    if (match[2] === "-") return ok(code) || refusedCodes(code) ? more : outside(line);
    if (ok(code)) return next;
    return refusedCodes(code) ? refused(line) : outside(line);
  };
}
const anyError = (code: number): boolean => code >= 400 && code < 600;
/** A greeting that says "not now": SMTP/LMTP/FTP 421, NNTP 400. */
function greeting(ok: (code: number) => boolean, busyCode: number) {
  const judge = smtpReply(ok, anyError);
  return (line: string): LineVerdict => {
    if (line.startsWith(`${busyCode} `)) {
      return { kind: "failed", code: "busy", reason: quoted(line) };
    }
    return judge(line);
  };
}

export const DEFAULT_EHLO_NAME = "tlsgate.invalid";

/** SMTP (RFC 3207) and LMTP (RFC 2033, LHLO instead of EHLO). */
function smtpSteps(hello: "EHLO" | "LHLO", settings: PreambleSettings): LineStep[] {
  const name = settings.ehloName ?? DEFAULT_EHLO_NAME;
  const ehloReply = smtpReply((c) => c === 250, anyError);
  return [
    { name: "greeting", command: null, judge: greeting((c) => c === 220, 421) },
    {
      name: hello,
      command: `${hello} ${name}`,
      judge(line, lines) {
        const verdict = ehloReply(line);
        if (verdict.kind !== "next") return verdict;
        const offered = [...lines, line].some((l) => /^250[ -]STARTTLS\s*$/i.test(l));
        return offered
          ? next
          : {
              kind: "failed",
              code: "refused",
              reason: `STARTTLS not offered in the ${hello} reply`,
            };
      },
    },
    { name: "STARTTLS", command: "STARTTLS", judge: smtpReply((c) => c === 220, anyError) },
  ];
}

export function smtpPreamble(settings: PreambleSettings = {}): LinePreamble {
  return new LinePreamble("smtp", smtpSteps("EHLO", settings));
}

export function lmtpPreamble(settings: PreambleSettings = {}): LinePreamble {
  return new LinePreamble("lmtp", smtpSteps("LHLO", settings));
}

/** FTP (RFC 4217): AUTH TLS, go-ahead 234. Replies are SMTP-style; 120 means "wait". */
export function ftpPreamble(): LinePreamble {
  return new LinePreamble("ftp", [
    {
      name: "greeting",
      command: null,
      judge: (line) => (/^120[ -]/.test(line) ? more : greeting((c) => c === 220, 421)(line)),
    },
    { name: "AUTH TLS", command: "AUTH TLS", judge: smtpReply((c) => c === 234, anyError) },
  ]);
}

/** IMAP (RFC 3501 6.2.1): an untagged greeting, then a tagged STARTTLS. */
export function imapPreamble(): LinePreamble {
  return new LinePreamble("imap", [
    {
      name: "greeting",
      command: null,
      judge: (line) =>
        /^\* OK\b/i.test(line)
          ? next
          : /^\* (BYE|PREAUTH)\b/i.test(line)
            ? refused(line)
            : outside(line),
    },
    {
      name: "STARTTLS",
      command: "T1 STARTTLS",
      judge: (line) => {
        if (line.startsWith("* ")) return more;
        if (/^T1 OK\b/i.test(line)) return next;
        return /^T1 (NO|BAD)\b/i.test(line) ? refused(line) : outside(line);
      },
    },
  ]);
}

/** POP3 (RFC 2595 4): STLS, +OK. */
export function pop3Preamble(): LinePreamble {
  const status = (line: string): LineVerdict =>
    /^\+OK\b/.test(line) ? next : /^-ERR\b/.test(line) ? refused(line) : outside(line);
  return new LinePreamble("pop3", [
    { name: "greeting", command: null, judge: status },
    { name: "STLS", command: "STLS", judge: status },
  ]);
}

/**
 * ManageSieve (RFC 5804 1.7, 2.2): the greeting is a capability list closed by an OK response;
 * STARTTLS is answered by OK.
 */
export function sievePreamble(): LinePreamble {
  const response =
    (offeredCheck: boolean) =>
    (line: string, lines: readonly string[]): LineVerdict => {
      if (/^OK\b/i.test(line)) {
        if (offeredCheck && !lines.some((l) => /^"STARTTLS"/i.test(l))) {
          return { kind: "failed", code: "refused", reason: "STARTTLS not among the capabilities" };
        }
        return next;
      }
      if (/^(NO|BYE)\b/i.test(line)) return refused(line);
      return line.startsWith('"') ? more : outside(line);
    };
  return new LinePreamble("sieve", [
    { name: "greeting", command: null, judge: response(true) },
    { name: "STARTTLS", command: "STARTTLS", judge: response(false) },
  ]);
}

/** NNTP (RFC 4642): greeting 200/201, STARTTLS answered 382; 580 or 502 refuse. */
export function nntpPreamble(): LinePreamble {
  return new LinePreamble("nntp", [
    {
      name: "greeting",
      command: null,
      judge: greeting((c) => c === 200 || c === 201, 400),
    },
    { name: "STARTTLS", command: "STARTTLS", judge: smtpReply((c) => c === 382, anyError) },
  ]);
}

/**
 * IRC (the IRCv3 tls extension): STARTTLS answered by numeric 670 RPL_STARTTLS, 691
 * ERR_STARTTLS refuses; NOTICEs and other messages before it are skipped.
 */
export function ircPreamble(): LinePreamble {
  return new LinePreamble("irc", [
    {
      name: "STARTTLS",
      command: "STARTTLS",
      judge: (line) => {
        const numeric = /^(?::\S+ )?([0-9]{3}|[A-Za-z]+)\b/.exec(line)?.[1];
        if (numeric === undefined) return outside(line);
        if (numeric === "670") return next;
        if (numeric === "691" || numeric === "421" || /^ERROR$/i.test(numeric))
          return refused(line);
        return more;
      },
    },
  ]);
}
