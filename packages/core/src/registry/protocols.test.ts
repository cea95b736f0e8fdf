import { describe, expect, it } from "vitest";
import {
  PROTOCOLS,
  PROTOCOL_VERSIONS,
  isProtocol,
  protocolByVersion,
  protocolVersion,
} from "./protocols.js";

describe("protocols", () => {
  it("lists the versions oldest first", () => {
    expect(PROTOCOLS).toEqual(["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"]);
  });

  it("maps protocols to wire versions and back", () => {
    const expected: [string, number][] = [
      ["SSLv2", 0x0002],
      ["SSLv3", 0x0300],
      ["TLSv1.0", 0x0301],
      ["TLSv1.1", 0x0302],
      ["TLSv1.2", 0x0303],
      ["TLSv1.3", 0x0304],
    ];
    expect(Object.entries(PROTOCOL_VERSIONS)).toEqual(expected);
    for (const [protocol, version] of expected) {
      if (!isProtocol(protocol)) throw new Error(`${protocol} should be a protocol`);
      expect(protocolVersion(protocol)).toBe(version);
      expect(protocolByVersion(version)).toBe(protocol);
    }
  });

  it("returns undefined for versions it does not know", () => {
    expect(protocolByVersion(0x0305)).toBeUndefined();
    expect(protocolByVersion(0x7f1c)).toBeUndefined(); // a TLS 1.3 draft version
    expect(protocolByVersion(0)).toBeUndefined();
  });

  it("recognises only the exact protocol names", () => {
    expect(isProtocol("TLSv1.2")).toBe(true);
    expect(isProtocol("TLS1.2")).toBe(false);
    expect(isProtocol("tlsv1.2")).toBe(false);
  });
});
