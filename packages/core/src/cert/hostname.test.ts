import { describe, expect, it } from "vitest";
import { matchesHostname } from "./hostname.js";

describe("matchesHostname (RFC 6125)", () => {
  const cases: [string[], string, boolean][] = [
    [["DNS:example.com"], "example.com", true],
    [["DNS:Example.COM"], "example.com", true],
    [["DNS:example.com"], "EXAMPLE.com.", true],
    [["DNS:example.com."], "example.com", true],
    [["DNS:example.com"], "www.example.com", false],
    [["DNS:*.example.com"], "a.example.com", true],
    [["DNS:*.example.com"], "A.Example.Com", true],
    [["DNS:*.example.com"], "a.b.example.com", false],
    [["DNS:*.example.com"], "example.com", false],
    [["DNS:*.example.com"], ".example.com", false],
    [["DNS:*.com"], "example.com", false],
    [["DNS:f*.example.com"], "foo.example.com", false],
    [["DNS:*oo.example.com"], "foo.example.com", false],
    [["DNS:a.*.example.com"], "a.b.example.com", false],
    [["DNS:*.*.example.com"], "a.b.example.com", false],
    [["DNS:xn--bcher-kva.example"], "xn--bcher-kva.example", true],
    [["DNS:xn--bcher-kva.example"], "bücher.example", false],
    [["IP:127.0.0.1"], "127.0.0.1", true],
    [["IP:127.0.0.1"], "127.0.0.2", false],
    [["DNS:127.0.0.1"], "127.0.0.1", false],
    [["IP:::1"], "::1", true],
    [["IP:::1"], "[::1]", true],
    [["IP:::1"], "0:0:0:0:0:0:0:1", true],
    [["IP:2001:db8::1"], "2001:DB8:0::1", true],
    [["IP:::ffff:127.0.0.1"], "127.0.0.1", false],
    [["DNS:*.example.com"], "127.0.0.1", false],
    [["email:a@example.com", "URI:https://example.com/"], "example.com", false],
    [[], "example.com", false],
  ];
  it.each(cases)("%j vs %s → %s", (san, host, expected) => {
    expect(matchesHostname(san, host)).toBe(expected);
  });
});
