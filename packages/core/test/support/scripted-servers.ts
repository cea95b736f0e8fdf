/**
 * Scripts for `startRawServer`: servers no local stack can be, built from the wire encoders —
 * SSLv2-only, SSLv3-only, a post-quantum TLS 1.3 server, a resetting proxy and hostile replies.
 * Test-only (never built).
 */
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import {
  ALERT_DESCRIPTION,
  ALERT_LEVEL,
  CONTENT_TYPE,
  EXTENSION_TYPE,
  HANDSHAKE_TYPE,
  HELLO_RETRY_REQUEST_RANDOM,
  TLS_VERSION,
  decodeClientHello,
  decodeSslv2ClientHello,
  encodeAlert,
  encodeCertificate,
  encodeHandshake,
  encodeRecord,
  encodeServerHello,
  encodeSslv2ServerHello,
  rawExtension,
} from "../../src/wire/index.js";
import type { ClientHello, Extension, Sslv2ClientHello } from "../../src/wire/index.js";
import type { RawHandler } from "@tlsgate/testing";

export type ReceivedHello =
  | { kind: "sslv2"; hello: Sslv2ClientHello }
  | {
      kind: "tls";
      hello: ClientHello;
      /** supported_versions, or null without the extension. */
      versions: number[] | null;
      groups: number[];
      /** Groups of the key_share entries, or null without the extension. */
      keyShares: number[] | null;
    };

/** Collects the client's first record(s) until one whole hello is in, then decodes it. */
export function receiveHello(socket: Socket, firstChunk: Buffer): Promise<ReceivedHello | null> {
  return new Promise((resolve) => {
    let buffer = firstChunk;
    const attempt = (): boolean => {
      const parsed = parseHello(buffer);
      if (parsed === "more") return false;
      socket.off("data", onData);
      resolve(parsed);
      return true;
    };
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk]);
      attempt();
    };
    if (!attempt()) socket.on("data", onData);
  });
}

function parseHello(buffer: Buffer): ReceivedHello | null | "more" {
  if (buffer.length < 5) return "more";
  const first = buffer[0] ?? 0;
  if ((first & 0x80) !== 0) {
    const length = ((first & 0x7f) << 8) | (buffer[1] ?? 0);
    if (buffer.length < 2 + length) return "more";
    try {
      return { kind: "sslv2", hello: decodeSslv2ClientHello(buffer.subarray(2, 2 + length)) };
    } catch {
      return null;
    }
  }
  if (first !== CONTENT_TYPE.handshake) return null;
  // Handshake records until the message is complete (a hello may span records).
  const message: Buffer[] = [];
  let at = 0;
  let total = 0;
  while (at + 5 <= buffer.length) {
    const length = buffer.readUInt16BE(at + 3);
    if (at + 5 + length > buffer.length) return "more";
    message.push(buffer.subarray(at + 5, at + 5 + length));
    total += length;
    at += 5 + length;
    const joined = Buffer.concat(message);
    if (total >= 4 && total >= 4 + joined.readUIntBE(1, 3)) {
      try {
        return tlsHello(decodeClientHello(joined.subarray(4, 4 + joined.readUIntBE(1, 3))));
      } catch {
        return null;
      }
    }
  }
  return "more";
}

function tlsHello(hello: ClientHello): ReceivedHello {
  const extension = (type: number): Uint8Array | undefined =>
    hello.extensions?.find((e) => e.type === type)?.data;
  const u16s = (bytes: Uint8Array, from: number): number[] => {
    const values: number[] = [];
    for (let i = from; i + 1 < bytes.length; i += 2)
      values.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
    return values;
  };
  const versionsData = extension(EXTENSION_TYPE.supported_versions);
  const groupsData = extension(EXTENSION_TYPE.supported_groups);
  const shareData = extension(EXTENSION_TYPE.key_share);
  let keyShares: number[] | null = null;
  if (shareData !== undefined) {
    keyShares = [];
    for (let i = 2; i + 4 <= shareData.length;) {
      keyShares.push(((shareData[i] ?? 0) << 8) | (shareData[i + 1] ?? 0));
      i += 4 + (((shareData[i + 2] ?? 0) << 8) | (shareData[i + 3] ?? 0));
    }
  }
  return {
    kind: "tls",
    hello,
    versions: versionsData === undefined ? null : u16s(versionsData, 1),
    groups: groupsData === undefined ? [] : u16s(groupsData, 2),
    keyShares,
  };
}

export function alertRecord(version: number, description: number): Uint8Array {
  return encodeRecord(CONTENT_TYPE.alert, version, encodeAlert(ALERT_LEVEL.fatal, description));
}

function handshakeRecord(version: number, ...messages: Uint8Array[]): Uint8Array {
  return encodeRecord(CONTENT_TYPE.handshake, version, Buffer.concat(messages));
}

/** A throwaway "certificate": the probes keep the DER but never parse it. */
const FAKE_CERTIFICATE = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01);

/** A TLS ≤ 1.2 flight choosing `suite` at `version`: ServerHello, Certificate, ServerHelloDone. */
export function legacyFlight(version: number, suite: number, extensions?: Extension[]): Uint8Array {
  const hello = encodeServerHello({
    legacyVersion: version,
    random: new Uint8Array(randomBytes(32)),
    cipherSuite: suite,
    ...(extensions === undefined ? {} : { extensions }),
  });
  return handshakeRecord(
    version,
    encodeHandshake(HANDSHAKE_TYPE.server_hello, hello),
    encodeHandshake(HANDSHAKE_TYPE.certificate, encodeCertificate([FAKE_CERTIFICATE])),
    encodeHandshake(HANDSHAKE_TYPE.server_hello_done, new Uint8Array(0)),
  );
}

/** An SSLv2-only server: SERVER-HELLO with the specs it shares; closes on anything else. */
export function sslv2Server(specs: readonly number[]): RawHandler {
  return async (socket, firstChunk) => {
    const received = await receiveHello(socket, firstChunk);
    if (received?.kind !== "sslv2") {
      socket.end();
      return;
    }
    socket.end(
      encodeSslv2ServerHello({
        sessionIdHit: false,
        certificateType: 1,
        version: 0x0002,
        certificate: FAKE_CERTIFICATE,
        cipherSpecs: specs.filter((spec) => received.hello.cipherSpecs.includes(spec)),
        connectionId: new Uint8Array(randomBytes(16)),
      }),
    );
  };
}

/**
 * An SSLv3-only server: a ServerHello at 0x0300 to an SSLv3 hello (first offered suite it has,
 * the client's order), protocol_version (70) to any TLS hello, handshake_failure without a
 * shared suite, and a close for SSLv2.
 */
export function sslv3Server(suites: readonly number[]): RawHandler {
  return async (socket, firstChunk) => {
    const received = await receiveHello(socket, firstChunk);
    if (received?.kind !== "tls") {
      socket.end();
      return;
    }
    const ssl3 = TLS_VERSION.SSLv3;
    if (received.hello.legacyVersion !== ssl3) {
      socket.end(alertRecord(ssl3, ALERT_DESCRIPTION.protocol_version));
      return;
    }
    const suite = received.hello.cipherSuites.find((code) => suites.includes(code));
    socket.end(
      suite === undefined
        ? alertRecord(ssl3, ALERT_DESCRIPTION.handshake_failure)
        : legacyFlight(ssl3, suite),
    );
  };
}

/**
 * A TLS 1.2-only server with RSA key transport suites that ranks only its first suite: it picks
 * `suites[0]` whenever offered, otherwise the client's first suite it has (a partial preference,
 * like OpenSSL's ChaCha20 prioritisation). protocol_version for any other version.
 */
export function topSuiteServer(suites: readonly number[]): RawHandler {
  const tls12 = TLS_VERSION["TLSv1.2"];
  return async (socket, firstChunk) => {
    const received = await receiveHello(socket, firstChunk);
    if (received?.kind !== "tls") {
      socket.end();
      return;
    }
    if (received.hello.legacyVersion !== tls12 || received.versions !== null) {
      socket.end(alertRecord(tls12, ALERT_DESCRIPTION.protocol_version));
      return;
    }
    const offered = received.hello.cipherSuites;
    const top = suites[0];
    const suite =
      top !== undefined && offered.includes(top)
        ? top
        : offered.find((code) => suites.includes(code));
    socket.end(
      suite === undefined
        ? alertRecord(tls12, ALERT_DESCRIPTION.handshake_failure)
        : legacyFlight(tls12, suite, [
            rawExtension(EXTENSION_TYPE.renegotiation_info, Uint8Array.of(0)),
          ]),
    );
  };
}

/** Public value lengths of the groups the post-quantum server speaks. */
const SERVER_SHARE_LENGTH: Readonly<Record<number, number>> = {
  0x001d: 32, // X25519
  0x11ec: 1088 + 32, // X25519MLKEM768: ML-KEM-768 ciphertext, then X25519
};

/**
 * A TLS 1.3-only server with post-quantum key exchange: groups X25519MLKEM768 (preferred) and
 * X25519, suites 0x1301–0x1303 in the client's order. A key share it can use gets a ServerHello;
 * none (an empty key_share) a HelloRetryRequest naming its preferred group the client lists.
 * Anything but TLS 1.3 gets protocol_version.
 */
export function postQuantumServer(): RawHandler {
  const groups = [0x11ec, 0x001d];
  const suites = [0x1301, 0x1302, 0x1303];
  const tls12 = TLS_VERSION["TLSv1.2"];
  return async (socket, firstChunk) => {
    const received = await receiveHello(socket, firstChunk);
    if (received?.kind !== "tls") {
      socket.end();
      return;
    }
    if (!(received.versions ?? []).includes(TLS_VERSION["TLSv1.3"])) {
      socket.end(alertRecord(tls12, ALERT_DESCRIPTION.protocol_version));
      return;
    }
    const suite = received.hello.cipherSuites.find((code) => suites.includes(code));
    const group = groups.find((g) => received.groups.includes(g));
    if (suite === undefined || group === undefined) {
      socket.end(alertRecord(tls12, ALERT_DESCRIPTION.handshake_failure));
      return;
    }
    const share = groups.find((g) => received.keyShares?.includes(g));
    const selectedVersion = rawExtension(EXTENSION_TYPE.supported_versions, Uint8Array.of(3, 4));
    const body =
      share === undefined
        ? encodeServerHello({
            legacyVersion: tls12,
            random: HELLO_RETRY_REQUEST_RANDOM,
            sessionId: received.hello.sessionId,
            cipherSuite: suite,
            extensions: [
              selectedVersion,
              rawExtension(EXTENSION_TYPE.key_share, Uint8Array.of(group >> 8, group & 0xff)),
            ],
          })
        : encodeServerHello({
            legacyVersion: tls12,
            random: new Uint8Array(randomBytes(32)),
            sessionId: received.hello.sessionId,
            cipherSuite: suite,
            extensions: [selectedVersion, keyShareEntry(share)],
          });
    socket.end(handshakeRecord(tls12, encodeHandshake(HANDSHAKE_TYPE.server_hello, body)));
  };
}

function keyShareEntry(group: number): Extension {
  const length = SERVER_SHARE_LENGTH[group] ?? 32;
  const data = Buffer.alloc(4 + length);
  data.writeUInt16BE(group, 0);
  data.writeUInt16BE(length, 2);
  randomBytes(length).copy(data, 4);
  return rawExtension(EXTENSION_TYPE.key_share, data);
}

/**
 * A TCP proxy to `backendPort` that resets every `every`-th connection: `"before"` resets as
 * soon as the client's hello arrives, `"during"` forwards the hello and resets after relaying the
 * first 20 bytes of the reply.
 */
export function resettingProxy(
  backendPort: number,
  every: number,
  when: "before" | "during",
): RawHandler & { resets: () => number } {
  let connections = 0;
  let resets = 0;
  const handler: RawHandler = (socket, firstChunk) => {
    connections += 1;
    const reset = connections % every === 0;
    if (reset && when === "before") {
      resets += 1;
      socket.resetAndDestroy();
      return;
    }
    const backend = connect({ host: "127.0.0.1", port: backendPort });
    backend.on("error", () => socket.destroy());
    socket.on("error", () => backend.destroy());
    socket.on("close", () => backend.destroy());
    backend.write(firstChunk);
    socket.on("data", (chunk: Buffer) => backend.write(chunk));
    let relayed = 0;
    backend.on("data", (chunk: Buffer) => {
      if (reset) {
        socket.write(chunk.subarray(0, Math.max(0, 20 - relayed)));
        relayed += chunk.length;
        if (relayed >= 20) {
          resets += 1;
          socket.resetAndDestroy();
          backend.destroy();
        }
        return;
      }
      socket.write(chunk);
    });
    backend.on("end", () => socket.end());
  };
  return Object.assign(handler, { resets: () => resets });
}
