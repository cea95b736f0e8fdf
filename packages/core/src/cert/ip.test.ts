import { describe, expect, it } from "vitest";
import { formatIp, isIpLiteral, parseIp, parseIpv4, parseIpv6 } from "./ip.js";

describe("IP literals", () => {
  it.each([
    ["127.0.0.1", "127.0.0.1"],
    ["::1", "::1"],
    ["0:0:0:0:0:0:0:1", "::1"],
    ["2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:db8:0:0:0:0:2:1", "2001:db8::2:1"],
    ["2001:db8::", "2001:db8::"],
    ["::", "::"],
    ["::ffff:192.0.2.1", "::ffff:c000:201"],
    ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
    ["1:0:3:4:5:6:7:8", "1:0:3:4:5:6:7:8"],
  ])("%s → %s", (text, canonical) => {
    const bytes = parseIp(text);
    expect(bytes).not.toBeNull();
    expect(formatIp(bytes ?? new Uint8Array())).toBe(canonical);
  });

  it.each([
    "",
    "1.2.3",
    "1.2.3.4.5",
    "256.1.1.1",
    "01.2.3.4",
    "1.2.3.-4",
    "a.b.c.d",
    "1::2::3",
    ":::",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7",
    "12345::",
    "1.2.3.4::",
    "fe80::1%eth0",
    "example.com",
  ])("%j is not an IP literal", (text) => {
    expect(isIpLiteral(text)).toBe(false);
  });

  it("keeps families apart", () => {
    expect(parseIpv4("::1")).toBeNull();
    expect(parseIpv6("127.0.0.1")).toBeNull();
    expect(parseIpv6("::1")?.length).toBe(16);
  });
});
