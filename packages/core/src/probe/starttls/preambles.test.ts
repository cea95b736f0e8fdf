/**
 * The preamble machines without sockets: scripted server bytes in, the client's bytes and the
 * verdict out; every reply also delivered split at every offset (chunked arrival).
 */
import { describe, expect, it } from "vitest";
import { createPreamble } from "./index.js";
import { encodeStartTlsRequest } from "./ldap.js";
import { encodeSslRequest } from "./mysql.js";
import { SSL_REQUEST } from "./postgres.js";
import type { Preamble, PreambleStep, StarttlsProtocol } from "./preamble.js";

const text = (bytes: Uint8Array | null): string | null =>
  bytes === null ? null : new TextDecoder().decode(bytes);

/** Feeds `replies` (one per server turn), returning what the client sent and the last step. */
function run(
  preamble: Preamble,
  replies: readonly (string | Uint8Array)[],
  split?: number,
): { sent: (string | null)[]; last: PreambleStep | null } {
  const sent: (string | null)[] = [text(preamble.start())];
  let last: PreambleStep | null = null;
  for (const reply of replies) {
    const bytes = typeof reply === "string" ? Buffer.from(reply, "latin1") : reply;
    const cut = split === undefined ? bytes.length : Math.min(split, bytes.length);
    for (const part of [bytes.subarray(0, cut), bytes.subarray(cut)]) {
      if (part.length === 0) continue;
      last = preamble.push(part);
      if (last.kind === "failed") return { sent, last };
      if (last.send !== null) sent.push(text(last.send));
    }
  }
  return { sent, last };
}

const CASES: readonly {
  protocol: StarttlsProtocol;
  replies: string[];
  sent: (string | null)[];
}[] = [
  {
    protocol: "smtp",
    replies: [
      "220-mail.test ESMTP\r\n220 ready\r\n",
      "250-mail.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n",
      "220 2.0.0 go ahead\r\n",
    ],
    sent: [null, "EHLO tlsgate.invalid\r\n", "STARTTLS\r\n"],
  },
  {
    protocol: "lmtp",
    replies: ["220 lmtp.test LMTP\r\n", "250-lmtp.test\r\n250 STARTTLS\r\n", "220 go\r\n"],
    sent: [null, "LHLO tlsgate.invalid\r\n", "STARTTLS\r\n"],
  },
  {
    protocol: "imap",
    replies: [
      "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n",
      "* CAPABILITY IMAP4rev1\r\nT1 OK Begin TLS\r\n",
    ],
    sent: [null, "T1 STARTTLS\r\n"],
  },
  { protocol: "pop3", replies: ["+OK ready\r\n", "+OK Begin TLS\r\n"], sent: [null, "STLS\r\n"] },
  {
    protocol: "ftp",
    replies: ["220-Welcome\r\n220 FTP\r\n", "234 AUTH TLS OK.\r\n"],
    sent: [null, "AUTH TLS\r\n"],
  },
  {
    protocol: "sieve",
    replies: ['"IMPLEMENTATION" "Test"\r\n"STARTTLS"\r\nOK "ready"\r\n', 'OK "Begin TLS"\r\n'],
    sent: [null, "STARTTLS\r\n"],
  },
  {
    protocol: "nntp",
    replies: ["200 news ready\r\n", "382 Continue\r\n"],
    sent: [null, "STARTTLS\r\n"],
  },
  {
    protocol: "irc",
    replies: [":irc.test NOTICE * :hello\r\n:irc.test 670 * :STARTTLS successful\r\n"],
    sent: ["STARTTLS\r\n"],
  },
];

describe("line preambles", () => {
  for (const { protocol, replies, sent } of CASES) {
    it(`${protocol}: the RFC exchange reaches the go-ahead at every split`, () => {
      const longest = Math.max(...replies.map((r) => r.length));
      for (let split = 1; split <= longest; split++) {
        const result = run(createPreamble(protocol, "mail.test"), replies, split);
        expect({ split, sent: result.sent, last: result.last?.kind }).toEqual({
          split,
          sent,
          last: "ready",
        });
      }
    });
  }

  it("smtp: the EHLO name is settable, a 454 is a refusal naming the step", () => {
    const result = run(createPreamble("smtp", "x", { ehloName: "scanner.test" }), [
      "220 hi\r\n",
      "250-x\r\n250 STARTTLS\r\n",
      "454 4.7.0 TLS not available due to local problem\r\n",
    ]);
    expect(result.sent[1]).toBe("EHLO scanner.test\r\n");
    expect(result.last).toEqual({
      kind: "failed",
      code: "refused",
      message: "starttls/smtp: 454 4.7.0 TLS not available due to local problem (at STARTTLS)",
    });
  });

  it("bytes after the go-ahead are refused (injection guard)", () => {
    const result = run(createPreamble("smtp", "x"), [
      "220 hi\r\n",
      "250 STARTTLS\r\n",
      "220 go\r\n250 injected\r\n",
    ]);
    expect(result.last?.kind).toBe("failed");
    expect(result.last?.kind === "failed" && result.last.message).toMatch(/injection guard/);
  });

  it("a line over 4 KiB and an exchange over 64 KiB are refused", () => {
    const long = run(createPreamble("pop3", "x"), ["+".repeat(5000)]);
    expect(long.last?.kind === "failed" && long.last.message).toMatch(/longer than 4096/);
    const endless = run(createPreamble("smtp", "x"), ["220-banner\r\n".repeat(7000)]);
    expect(endless.last?.kind === "failed" && endless.last.message).toMatch(
      /more than 65536 bytes/,
    );
  });

  it("smtp 421 at the greeting is 'busy' (the runner connects again)", () => {
    const result = run(createPreamble("smtp", "x"), [
      "421 Too many concurrent SMTP connections\r\n",
    ]);
    expect(result.last).toMatchObject({ kind: "failed", code: "busy" });
  });
});

describe("binary and XML preambles", () => {
  it("postgres: SSLRequest, 'S' is the go-ahead, 'N' a refusal, 'S' plus bytes an injection", () => {
    expect(createPreamble("postgres", "x").start()).toEqual(SSL_REQUEST);
    expect(createPreamble("postgres", "x").push(Uint8Array.of(0x53))).toEqual({
      kind: "ready",
      send: null,
    });
    expect(createPreamble("postgres", "x").push(Uint8Array.of(0x4e))).toMatchObject({
      kind: "failed",
      code: "refused",
    });
    expect(createPreamble("postgres", "x").push(Uint8Array.of(0x53, 0x16))).toMatchObject({
      kind: "failed",
      code: "protocol",
    });
  });

  it("ldap: the StartTLS ExtendedRequest, resultCode 0 goes ahead, 2 refuses", () => {
    const request = encodeStartTlsRequest();
    expect(Buffer.from(request).toString("hex")).toBe(
      "301d02010177188016" + Buffer.from("1.3.6.1.4.1.1466.20037").toString("hex"),
    );
    const ok = Uint8Array.of(
      0x30,
      0x0c,
      0x02,
      0x01,
      0x01,
      0x78,
      0x07,
      0x0a,
      0x01,
      0x00,
      0x04,
      0x00,
      0x04,
      0x00,
    );
    for (let split = 1; split < ok.length; split++) {
      const preamble = createPreamble("ldap", "x");
      expect(preamble.push(ok.subarray(0, split)).kind).toBe("continue");
      expect(preamble.push(ok.subarray(split)).kind).toBe("ready");
    }
    const refused = Uint8Array.of(
      0x30,
      0x0f,
      0x02,
      0x01,
      0x01,
      0x78,
      0x0a,
      0x0a,
      0x01,
      0x02,
      0x04,
      0x00,
      0x04,
      0x03,
      0x6e,
      0x6f,
      0x21,
    );
    expect(createPreamble("ldap", "x").push(refused)).toEqual({
      kind: "failed",
      code: "refused",
      message: "starttls/ldap: resultCode 2 (protocolError): no! (at StartTLS)",
    }); // A success for another message (here a Notice of Disconnection, messageID 0) is no go-ahead.
    const notOurs = Uint8Array.from(ok);
    notOurs[4] = 0x00;
    expect(createPreamble("ldap", "x").push(notOurs)).toMatchObject({
      kind: "failed",
      code: "protocol",
    });
  });

  it("mysql: the greeting's CLIENT_SSL leads to an SSLRequest with the next sequence number", () => {
    const version = Buffer.from("10.11.6-MariaDB\0", "latin1");
    const payload = Buffer.concat([
      Buffer.from([0x0a]),
      version,
      Buffer.alloc(4 + 8 + 1),
      Buffer.from([0x00, 0x08 | 0x80]), // lower capability flags with CLIENT_SSL
      Buffer.alloc(20),
    ]);
    const packet = Buffer.concat([Buffer.from([payload.length, 0, 0, 0]), payload]);
    const preamble = createPreamble("mysql", "x");
    expect(preamble.start()).toBeNull();
    expect(preamble.push(packet)).toEqual({ kind: "ready", send: encodeSslRequest(1) });
    expect(preamble.banner).toBe("10.11.6-MariaDB");
  });

  it("xmpp: stream to the domain, <starttls/> in the features, <proceed/> goes ahead", () => {
    const preamble = createPreamble("xmpp", "host.test", { xmppDomain: "chat.test" });
    expect(text(preamble.start())).toContain("to='chat.test'");
    const features =
      "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='chat.test' id='1' version='1.0'>" +
      "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>";
    const step = preamble.push(Buffer.from(features));
    expect(step.kind === "continue" && text(step.send)).toBe(
      "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
    );
    expect(
      preamble.push(Buffer.from("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")),
    ).toEqual({ kind: "ready", send: null });
    expect(preamble.banner).toBe("chat.test");
  });
});
