import { describe, expect, it } from "vitest";
import { TargetError, parseTarget } from "./target.js";

describe("parseTarget", () => {
  it.each([
    ["example.com", "example.com", 443, "example.com", "example.com", true],
    ["Example.COM.", "example.com", 443, "example.com", "example.com", true],
    ["example.com:8443", "example.com", 8443, "example.com", "example.com", false],
    ["https://example.com", "example.com", 443, "example.com", "example.com", true],
    ["https://example.com:8443/path?q#f", "example.com", 8443, "example.com", "example.com", true],
    ["HTTPS://example.com/", "example.com", 443, "example.com", "example.com", true],
    ["192.0.2.1", "192.0.2.1", 443, null, "192.0.2.1", true],
    ["192.0.2.1:8443", "192.0.2.1", 8443, null, "192.0.2.1", false],
    ["[2001:db8::1]:8443", "2001:db8::1", 8443, null, "2001:db8::1", false],
    ["[::1]", "::1", 443, null, "::1", true],
    ["2001:DB8::1", "2001:db8::1", 443, null, "2001:db8::1", true],
    ["example.com@192.0.2.1", "example.com", 443, "example.com", "192.0.2.1", true],
    ["example.com@192.0.2.1:8443", "example.com", 8443, "example.com", "192.0.2.1", false],
    ["example.com@[::1]:8443", "example.com", 8443, "example.com", "::1", false],
    ["example.com@::1", "example.com", 443, "example.com", "::1", true],
    ["https://example.com@127.0.0.1:8443/", "example.com", 8443, "example.com", "127.0.0.1", true],
    ["localhost", "localhost", 443, "localhost", "localhost", true],
    [
      "_dmarc.example.com",
      "_dmarc.example.com",
      443,
      "_dmarc.example.com",
      "_dmarc.example.com",
      true,
    ],
  ])("%s", (input, host, port, sni, connectAddress, isWeb) => {
    expect(parseTarget(input)).toEqual({
      input,
      host,
      port,
      sni,
      connectAddress,
      isWeb,
      starttls: null,
    });
  });

  it.each([
    ["", "empty"],
    ["   ", "empty"],
    ["http://example.com", "scheme"],
    ["gopher://example.com", "scheme"],
    ["https://", "host"],
    ["example.com/path", "host"],
    ["exa mple.com", "host"],
    ["-bad.example.com", "host"],
    ["bad-.example.com", "host"],
    ["a..b", "host"],
    ["1.2.3", "host"],
    ["999.1.1.1", "host"],
    [`${"a".repeat(64)}.com`, "host"],
    ["example.com:0", "port"],
    ["example.com:65536", "port"],
    ["example.com:", "port"],
    ["example.com:https", "port"],
    ["[::1", "address"],
    ["[::1]x", "port"],
    ["[example.com]:443", "address"],
    ["1::2::3", "address"],
    ["example.com@other.example", "address"],
    ["example.com@1.2.3", "address"],
    ["bad name@127.0.0.1", "host"],
  ])("refuses %j (%s)", (input, code) => {
    try {
      parseTarget(input);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TargetError);
      expect(error).toMatchObject({ name: "TargetError", code, input });
      expect((error as Error).message).toContain(JSON.stringify(input));
    }
  });
});

describe("parseTarget: an IPv6 address with a port but no brackets", () => {
  it.each([
    ["::1:9450", "[::1]:9450", "[::1:9450]"],
    ["2001:db8::8:800", "[2001:db8::8]:800", "[2001:db8::8:800]"],
    ["example.com@fe80::1:8443", "[fe80::1]:8443", "[fe80::1:8443]"],
  ])("refuses %j and shows %s", (input, bracketed, asAddress) => {
    expect(() => parseTarget(input)).toThrow(
      `invalid target ${JSON.stringify(input)}: an IPv6 address with a port needs brackets: write ${bracketed}`,
    );
    expect(() => parseTarget(input)).toThrow(`(or ${asAddress} for the address`);
  });

  it.each(["::1", "2001:db8::1", "2001:db8::8:800:200c:417a", "fe80::abcd"])(
    "still reads the unambiguous %j as an address on port 443",
    (input) => {
      expect(parseTarget(input)).toMatchObject({ host: input, port: 443 });
    },
  );
});

describe("service schemes and --starttls", () => {
  it.each([
    ["smtp://mail.example.com", 25, "smtp"],
    ["submission://mail.example.com", 587, "smtp"],
    ["smtps://mail.example.com", 465, null],
    ["imap://mail.example.com", 143, "imap"],
    ["imaps://mail.example.com", 993, null],
    ["pop3://mail.example.com", 110, "pop3"],
    ["ftp://ftp.example.com", 21, "ftp"],
    ["ldap://dir.example.com", 389, "ldap"],
    ["ldaps://dir.example.com", 636, null],
    ["xmpp://chat.example.com", 5222, "xmpp"],
    ["xmpp-server://chat.example.com", 5269, "xmpp-server"],
    ["postgres://db.example.com", 5432, "postgres"],
    ["mysql://db.example.com", 3306, "mysql"],
    ["lmtp://mail.example.com", 24, "lmtp"],
    ["sieve://mail.example.com", 4190, "sieve"],
    ["nntp://news.example.com", 119, "nntp"],
    ["irc://irc.example.com", 6667, "irc"],
  ])("%s: port %d, preamble %s, not a web target, no ALPN", (input, port, starttls) => {
    const target = parseTarget(input);
    expect({ port: target.port, starttls: target.starttls, isWeb: target.isWeb }).toEqual({
      port,
      starttls,
      isWeb: false,
    });
    expect(target.alpn).toEqual([]);
  });

  it("host@ip and an explicit port work with every scheme", () => {
    expect(parseTarget("smtp://mail.example.com@192.0.2.1:2525")).toMatchObject({
      host: "mail.example.com",
      connectAddress: "192.0.2.1",
      port: 2525,
      sni: "mail.example.com",
      starttls: "smtp",
    });
  });

  it("--starttls applies to a bare host:port, not to a URL, and only names a protocol", () => {
    expect(parseTarget("db.example.com:5433", { starttls: "postgres" })).toMatchObject({
      port: 5433,
      starttls: "postgres",
      isWeb: false,
    });
    expect(() => parseTarget("https://example.com", { starttls: "smtp" })).toThrow(/bare host/);
    expect(() => parseTarget("example.com", { starttls: "gopher" as never })).toThrow(
      /unknown STARTTLS protocol/,
    );
    expect(parseTarget("example.com").starttls).toBeNull();
  });
});

describe("PostgreSQL direct TLS (postgres-direct)", () => {
  it.each([
    ["postgres://db.example.com?sslnegotiation=direct", 5432],
    ["postgresql://db.example.com:6432/app?sslmode=require&sslnegotiation=direct", 6432],
    ["postgres://db.example.com@192.0.2.7/app?sslnegotiation=direct#x", 5432],
  ])("%s: no preamble, ALPN postgresql, port %d", (input, port) => {
    expect(parseTarget(input)).toMatchObject({
      port,
      starttls: "postgres-direct",
      isWeb: false,
      alpn: ["postgresql"],
    });
  });

  it("sslnegotiation=postgres (libpq's default) or none keeps the SSLRequest", () => {
    for (const input of [
      "postgres://db.example.com?sslnegotiation=postgres",
      "postgres://db.example.com/app?sslmode=require",
    ]) {
      expect(parseTarget(input)).toMatchObject({ starttls: "postgres", alpn: [] });
    }
  });

  it("--starttls postgres-direct on a bare host:port", () => {
    expect(parseTarget("db.example.com:5433", { starttls: "postgres-direct" })).toMatchObject({
      port: 5433,
      starttls: "postgres-direct",
      alpn: ["postgresql"],
      sni: "db.example.com",
    });
    expect(parseTarget("db.example.com", { starttls: "postgres-direct" }).port).toBe(443);
  });

  it("another sslnegotiation value is an error; other schemes ignore the parameter", () => {
    expect(() => parseTarget("postgres://db.example.com?sslnegotiation=requiredirect")).toThrow(
      /sslnegotiation must be "postgres" or "direct", not "requiredirect"/,
    );
    expect(parseTarget("mysql://db.example.com?sslnegotiation=direct").starttls).toBe("mysql");
  });
});
