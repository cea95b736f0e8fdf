import { describe, expect, it } from "vitest";
import {
  EXTENSION_TYPE,
  alpn,
  decodeClientHello,
  serverName,
  signatureAlgorithms,
  supportedGroups,
  type ClientHello,
} from "../wire/index.js";
import {
  ALL_CURVES,
  TLS13_GROUPS,
  buildClientHello,
  buildSslv2ClientHello,
} from "./client-hellos.js";

/** The ClientHello of one record: after the 5-byte record and 4-byte handshake headers. */
const decode = (record: Uint8Array): ClientHello => decodeClientHello(record.subarray(9));
const extension = (hello: ClientHello, type: number): Uint8Array | undefined =>
  hello.extensions?.find((e) => e.type === type)?.data;
const hex = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString("hex");

// The extension bytes are cached across hellos: these check that the cache is keyed by every
// argument and that each hello still gets its own randomness.
describe("buildClientHello with cached extensions", () => {
  it("sends each target's own SNI and ALPN, and the groups and schemes asked for", () => {
    const a = decode(
      buildClientHello({ protocol: "TLSv1.2", cipherSuites: [0xc02f], sni: "a.test" }),
    );
    const b = decode(
      buildClientHello({
        protocol: "TLSv1.2",
        cipherSuites: [0xc02f],
        sni: "b.test",
        alpn: ["x,y"],
        groups: [23],
        signatureSchemes: [0x0804],
      }),
    );
    const c = decode(
      buildClientHello({
        protocol: "TLSv1.2",
        cipherSuites: [0xc02f],
        sni: "b.test",
        alpn: ["x", "y"],
      }),
    );
    expect(hex(extension(a, EXTENSION_TYPE.server_name))).toBe(hex(serverName("a.test").data));
    expect(hex(extension(b, EXTENSION_TYPE.server_name))).toBe(hex(serverName("b.test").data));
    expect(extension(a, EXTENSION_TYPE.application_layer_protocol_negotiation)).toBeUndefined();
    expect(hex(extension(b, EXTENSION_TYPE.application_layer_protocol_negotiation))).toBe(
      hex(alpn(["x,y"]).data),
    );
    expect(hex(extension(c, EXTENSION_TYPE.application_layer_protocol_negotiation))).toBe(
      hex(alpn(["x", "y"]).data),
    );
    expect(hex(extension(a, EXTENSION_TYPE.supported_groups))).toBe(
      hex(supportedGroups(ALL_CURVES).data),
    );
    expect(hex(extension(b, EXTENSION_TYPE.supported_groups))).toBe(
      hex(supportedGroups([23]).data),
    );
    expect(hex(extension(b, EXTENSION_TYPE.signature_algorithms))).toBe(
      hex(signatureAlgorithms([0x0804]).data),
    );
    const tls13 = decode(
      buildClientHello({ protocol: "TLSv1.3", cipherSuites: [0x1301], sni: null }),
    );
    expect(extension(tls13, EXTENSION_TYPE.server_name)).toBeUndefined();
    expect(hex(extension(tls13, EXTENSION_TYPE.supported_groups))).toBe(
      hex(supportedGroups(TLS13_GROUPS).data),
    );
  });

  it("gives every hello its own random (and TLS 1.3 session id) across pool refills", () => {
    const randoms = new Set<string>();
    const sessionIds = new Set<string>();
    for (let i = 0; i < 300; i += 1) {
      const hello = decode(
        buildClientHello({ protocol: "TLSv1.3", cipherSuites: [0x1301], sni: "a.test" }),
      );
      expect(hello.random.length).toBe(32);
      expect(hello.sessionId.length).toBe(32);
      randoms.add(hex(hello.random));
      sessionIds.add(hex(hello.sessionId));
    }
    expect(randoms.size).toBe(300);
    expect(sessionIds.size).toBe(300);
    const challenges = new Set(
      Array.from({ length: 50 }, () => hex(buildSslv2ClientHello([0x010080]).subarray(-16))),
    );
    expect(challenges.size).toBe(50);
  });
});
