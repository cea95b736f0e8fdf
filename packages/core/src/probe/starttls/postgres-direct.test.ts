import { describe, expect, it } from "vitest";
import { CLIENT_PROFILES } from "../../registry/client-profiles.js";
import { EXTENSION_TYPE, alpn, decodeClientHello } from "../../wire/index.js";
import { buildClientHello, helloTarget } from "../client-hellos.js";
import type { HandshakeOutcome } from "../full-handshake.js";
import { buildProfileHello } from "../profile-hello.js";
import { isServiceProtocol, judgeDirectTls } from "./postgres-direct.js";

/** The ALPN extension of a hello record (5-byte record header, 4-byte message header). */
function alpnOf(record: Uint8Array): Uint8Array[] {
  const hello = decodeClientHello(record.subarray(9));
  return (hello.extensions ?? [])
    .filter((e) => e.type === EXTENSION_TYPE.application_layer_protocol_negotiation)
    .map((e) => e.data);
}

const POSTGRESQL = alpn(["postgresql"]).data;

describe("ALPN in the hellos of a postgres-direct target", () => {
  it("buildClientHello carries the target's ALPN, and none for an empty list", () => {
    const base = { protocol: "TLSv1.3", cipherSuites: [0x1301] } as const;
    const direct = helloTarget({ sni: "db.example.com", alpn: ["postgresql"] });
    expect(alpnOf(buildClientHello({ ...base, ...direct }))).toEqual([POSTGRESQL]);
    const smtp = helloTarget({ sni: "mail.example.com", alpn: [] });
    expect(smtp).toEqual({ sni: "mail.example.com" });
    expect(alpnOf(buildClientHello({ ...base, ...smtp }))).toEqual([]);
  });

  it("a client profile offers postgresql instead of its own ALPN, or in addition to none", () => {
    const withAlpn = CLIENT_PROFILES.find((p) => p.format !== "sslv2" && p.alpn !== null);
    const withoutAlpn = CLIENT_PROFILES.find(
      (p) => p.format !== "sslv2" && p.alpn === null && p.protocols.includes("TLSv1.2"),
    );
    for (const profile of [withAlpn, withoutAlpn]) {
      expect(profile).toBeDefined();
      const record = buildProfileHello(profile!, { sni: "db.example.com", alpn: ["postgresql"] });
      expect({ name: profile!.name, alpn: alpnOf(record) }).toEqual({
        name: profile!.name,
        alpn: [POSTGRESQL],
      });
    }
  });
});

describe("judgeDirectTls", () => {
  const failed = (
    code: "tls" | "closed" | "refused",
    message: string,
    received = 0,
  ): HandshakeOutcome => ({ ok: false, code, message, received });

  it("names the ALPN refusal and a close without TLS; lets other TLS failures scan on", () => {
    expect(
      judgeDirectTls(
        "postgres-direct",
        failed("tls", "C0:error:0A000460:SSL routines::tlsv1 alert no application protocol"),
      ),
    ).toEqual({
      ok: false,
      connected: true,
      code: "protocol",
      message:
        'starttls/postgres-direct: the server refused ALPN "postgresql" (alert no_application_protocol) (at ALPN)',
    });
    expect(
      judgeDirectTls("postgres-direct", failed("closed", "socket disconnected")),
    ).toMatchObject({ ok: false, connected: true, code: "closed" });
    // A close after the server began a TLS reply is no pre-17 server: the raw probes decide.
    expect(judgeDirectTls("postgres-direct", failed("closed", "cut off", 90))).toEqual({
      ok: true,
      warning: null,
    });
    expect(
      judgeDirectTls("postgres-direct", failed("refused", "connect ECONNREFUSED")),
    ).toMatchObject({ ok: false, connected: false, code: "refused" });
    // Node's OpenSSL refusing what the server speaks says nothing of ALPN: the raw probes decide.
    expect(judgeDirectTls("postgres-direct", failed("tls", "alert handshake failure"))).toEqual({
      ok: true,
      warning: null,
    });
  });

  it("--starttls accepts postgres-direct beside the preamble protocols", () => {
    expect(isServiceProtocol("postgres-direct")).toBe(true);
    expect(isServiceProtocol("postgres")).toBe(true);
    expect(isServiceProtocol("direct")).toBe(false);
  });
});
