import { ldapPreamble } from "./ldap.js";
import {
  ftpPreamble,
  imapPreamble,
  ircPreamble,
  lmtpPreamble,
  nntpPreamble,
  pop3Preamble,
  sievePreamble,
  smtpPreamble,
} from "./line-protocols.js";
import { mysqlPreamble } from "./mysql.js";
import { postgresPreamble } from "./postgres.js";
import type { Preamble, PreambleSettings, StarttlsProtocol } from "./preamble.js";
import { xmppPreamble } from "./xmpp.js";

export {
  STARTTLS_PROTOCOLS,
  isStarttlsProtocol,
  type Preamble,
  type PreambleSettings,
  type PreambleStep,
  type StarttlsProtocol,
} from "./preamble.js";

/** A fresh preamble machine for one connection. `host` is the target's name (XMPP's default domain). */
export function createPreamble(
  protocol: StarttlsProtocol,
  host: string,
  settings: PreambleSettings = {},
): Preamble {
  switch (protocol) {
    case "smtp":
      return smtpPreamble(settings);
    case "lmtp":
      return lmtpPreamble(settings);
    case "imap":
      return imapPreamble();
    case "pop3":
      return pop3Preamble();
    case "ftp":
      return ftpPreamble();
    case "sieve":
      return sievePreamble();
    case "nntp":
      return nntpPreamble();
    case "irc":
      return ircPreamble();
    case "xmpp":
      return xmppPreamble("client", settings.xmppDomain ?? host);
    case "xmpp-server":
      return xmppPreamble("server", settings.xmppDomain ?? host);
    case "ldap":
      return ldapPreamble();
    case "postgres":
      return postgresPreamble();
    case "mysql":
      return mysqlPreamble();
  }
}
