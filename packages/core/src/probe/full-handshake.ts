/**
 * Full handshakes through node:tls: what only a completed handshake tells (the served chain of a
 * TLS 1.3 server, the stapled OCSP response, ALPN, session tickets and resumption).
 *
 * The served chain, exactly as sent: Node's `getPeerCertificate(true)` gives the chain Node
 * rebuilt (reordered, extra certificates dropped, a root from its own store added), which says
 * nothing of what the server sent. So the socket under the TLS layer is a tap that records the
 * server's bytes. For TLS ≤ 1.2 the Certificate message is in clear in those bytes. For TLS 1.3 it
 * is encrypted under the server handshake traffic secret, which Node hands out through its
 * 'keylog' event (the NSS key log line SERVER_HANDSHAKE_TRAFFIC_SECRET): the recorded records are
 * decrypted with it (RFC 8446 7.3) and the Certificate message read from them. Node's rebuilt
 * chain remains as a fallback, flagged as not being the served order.
 *
 * Every outcome is data: a failed handshake is `{ ok: false, code, message }`, never an exception.
 */
import { constants, createDecipheriv, createHmac, type CipherGCMTypes } from "node:crypto";
import { connect as netConnect, type Socket } from "node:net";
import { Duplex } from "node:stream";
import {
  DEFAULT_CIPHERS,
  connect as tlsConnect,
  type ConnectionOptions,
  type PeerCertificate,
  type SecureVersion,
  type TLSSocket,
} from "node:tls";
import * as asn1js from "asn1js";
import type { ScanErrorCode } from "../scan-report/types.js";

/** Where to connect and which name to present. */
export interface HandshakeEndpoint {
  address: string;
  port: number;
  /** SNI; null sends none (IP targets). */
  sni: string | null;
}

/** ALPN protocols offered by every handshake. */
export const OFFERED_ALPN = ["h2", "http/1.1"] as const;

export interface HandshakeOptions {
  /** Deadline for the whole connection, connect included. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** A session (from an earlier Handshake) to resume. */
  session?: Buffer;
  /** Do not offer session tickets (SSL_OP_NO_TICKET): TLS 1.2 can then only resume by session ID. */
  noTicket?: boolean;
  maxVersion?: SecureVersion;
  /**
   * How long to wait after a TLS 1.3 handshake for a NewSessionTicket (it comes after the
   * handshake). 0 does not wait. Bounded by the deadline.
   */
  ticketWaitMs?: number;
  /** Test seam: how to open the TCP connection. */
  connect?: (address: string, port: number) => Socket;
}

export interface Handshake {
  /** "TLSv1.3", "TLSv1.2", … */
  protocol: string | null;
  /** IANA name of the negotiated suite. */
  cipher: string | null;
  alpn: string | null;
  /** The Certificate message as served, leaf first; null when it could not be read (see servedChainError). */
  servedChain: Uint8Array[] | null;
  servedChainError: string | null;
  /** Node's rebuilt chain (leaf first, possibly reordered and completed from Node's store). */
  nodeChain: Uint8Array[];
  /** The stapled OCSP response; null when the server stapled none. */
  ocspResponse: Uint8Array | null;
  /** The last session Node received (a TLS 1.2 session or a TLS 1.3 ticket), for resumption. */
  session: Buffer | null;
  /** The server issued a session ticket (TLS 1.2 SessionTicket, TLS 1.3 NewSessionTicket). */
  ticketIssued: boolean;
  /** This handshake resumed the session passed in the options. */
  reused: boolean;
  /** max_early_data of the TLS 1.3 ticket received (0 when the ticket allows no early data); null without ticket. */
  maxEarlyData: number | null;
}

export type HandshakeOutcome =
  { ok: true; handshake: Handshake } | { ok: false; code: ScanErrorCode; message: string };

const SOCKET_ERROR_CODES: Readonly<Record<string, ScanErrorCode>> = {
  ECONNREFUSED: "refused",
  EHOSTUNREACH: "refused",
  ENETUNREACH: "refused",
  EADDRNOTAVAIL: "refused",
  ECONNRESET: "reset",
  EPIPE: "reset",
  ETIMEDOUT: "timeout",
  ENOTFOUND: "dns",
  EAI_AGAIN: "dns",
};

function classifyError(error: Error & { code?: string }, serverClosed: boolean): ScanErrorCode {
  const code = error.code ?? "";
  if (code.startsWith("ERR_SSL_") || /SSL routines|alert/i.test(error.message)) return "tls";
  if (serverClosed) return "closed";
  return SOCKET_ERROR_CODES[code] ?? "internal";
}

/** Node's rebuilt peer chain as DER, leaf first. */
function nodePeerChain(socket: TLSSocket): Uint8Array[] {
  const chain: Uint8Array[] = [];
  const seen = new Set<string>();
  let current: PeerCertificate | undefined = socket.getPeerCertificate(true);
  while (current?.raw !== undefined && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    chain.push(new Uint8Array(current.raw));
    const next: PeerCertificate | undefined = (current as { issuerCertificate?: PeerCertificate })
      .issuerCertificate;
    current = next === current ? undefined : next;
  }
  return chain;
}

/** max_early_data ([15] in OpenSSL's SSL_SESSION_ASN1) of a serialized session; 0 when absent. */
export function sessionMaxEarlyData(session: Uint8Array): number | null {
  const decoded = asn1js.fromBER(session);
  if (decoded.offset === -1 || !(decoded.result instanceof asn1js.Sequence)) return null;
  for (const field of decoded.result.valueBlock.value) {
    if (field.idBlock.tagClass !== 3 || field.idBlock.tagNumber !== 15) continue;
    const [value] = (field.valueBlock as { value?: asn1js.BaseBlock[] }).value ?? [];
    return value instanceof asn1js.Integer ? value.valueBlock.valueDec : null;
  }
  return 0;
}

/**
 * One full handshake: connect to `endpoint.address` only, verification judged afterwards (never
 * enforced), OCSP requested, ALPN offered, then a graceful close (an abrupt one makes OpenSSL
 * servers forget the session). Resolves with the handshake's facts or a failure; never rejects.
 */
export function probeHandshake(
  endpoint: HandshakeEndpoint,
  options: HandshakeOptions,
): Promise<HandshakeOutcome> {
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    const keylog: string[] = [];
    let serverClosed = false;
    let settled = false;
    let ocspResponse: Uint8Array | null = null;
    let session: Buffer | null = null;
    let sessionWaiter: (() => void) | null = null;
    let ticketTimer: ReturnType<typeof setTimeout> | undefined;
    const started = Date.now();

    const raw = (options.connect ?? ((address, port) => netConnect({ host: address, port })))(
      endpoint.address,
      endpoint.port,
    );
    // The tap: TLS reads and writes through it, and every byte from the server is recorded.
    const tap = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        raw.write(chunk, callback);
      },
      final(callback) {
        raw.end();
        callback();
      },
      destroy(error, callback) {
        raw.destroy();
        callback(error);
      },
    });
    raw.on("data", (chunk: Buffer) => {
      received.push(chunk);
      tap.push(chunk);
    });
    raw.on("end", () => {
      serverClosed = true;
      tap.push(null);
    });
    raw.on("error", (error) =>
      finish({ ok: false, code: classifyError(error, serverClosed), message: error.message }),
    );

    // requestOCSP is a TLSSocket option that tls.connect passes on (missing from ConnectionOptions).
    const tlsOptions: ConnectionOptions & { requestOCSP: boolean } = {
      socket: tap,
      rejectUnauthorized: false,
      requestOCSP: true,
      ALPNProtocols: [...OFFERED_ALPN],
      minVersion: "TLSv1",
      // Security level 0: see legacy servers' certificates too; nothing here is trusted by Node anyway.
      ciphers: `${DEFAULT_CIPHERS}:@SECLEVEL=0`,
    };
    if (endpoint.sni !== null) tlsOptions.servername = endpoint.sni;
    if (options.session !== undefined) tlsOptions.session = options.session;
    if (options.noTicket === true) tlsOptions.secureOptions = constants.SSL_OP_NO_TICKET;
    if (options.maxVersion !== undefined) tlsOptions.maxVersion = options.maxVersion;
    const socket = tlsConnect(tlsOptions);

    const signals = [
      AbortSignal.timeout(options.timeoutMs),
      ...(options.signal ? [options.signal] : []),
    ];
    const signal = AbortSignal.any(signals);
    const onAbort = (): void => {
      const timedOut = options.signal?.aborted !== true;
      finish({
        ok: false,
        code: timedOut ? "timeout" : "internal",
        message: timedOut
          ? `no completed handshake within ${options.timeoutMs} ms`
          : "scan aborted",
      });
    };
    signal.addEventListener("abort", onAbort, { once: true });
    if (signal.aborted) queueMicrotask(onAbort);

    function finish(outcome: HandshakeOutcome, graceful = false): void {
      if (settled) return;
      settled = true;
      clearTimeout(ticketTimer);
      signal.removeEventListener("abort", onAbort);
      // Later events find `settled` set and do nothing; a late error must not crash the process.
      socket.on("error", () => {});
      raw.on("error", () => {});
      if (graceful) {
        socket.end();
        setTimeout(() => socket.destroy(), 1000).unref();
      } else socket.destroy();
      resolve(outcome);
    }

    socket.on("keylog", (line: Buffer) => keylog.push(line.toString("latin1").trim()));
    socket.on("OCSPResponse", (response: Buffer | null) => {
      ocspResponse = response === null || response.length === 0 ? null : new Uint8Array(response);
    });
    socket.on("session", (value: Buffer) => {
      session = value;
      sessionWaiter?.();
    });
    // After the handshake, an error or a close while waiting for a ticket ends the wait, not the probe.
    let afterHandshake: (() => void) | null = null;
    socket.on("error", (error: Error & { code?: string }) => {
      if (afterHandshake !== null) afterHandshake();
      else finish({ ok: false, code: classifyError(error, serverClosed), message: error.message });
    });
    socket.on("close", () => {
      if (afterHandshake !== null) afterHandshake();
      else
        finish({
          ok: false,
          code: "closed",
          message: "the server closed the connection during the handshake",
        });
    });
    socket.once("secureConnect", () => {
      const protocol = socket.getProtocol();
      const cipher = socket.getCipher() as { standardName?: string; name: string } | undefined;
      const cipherName = cipher?.standardName ?? cipher?.name ?? null;
      const alpn = typeof socket.alpnProtocol === "string" ? socket.alpnProtocol : null;
      const reused = socket.isSessionReused();
      const tls12Ticket = socket.getTLSTicket() !== undefined;
      const nodeChain = nodePeerChain(socket);
      const complete = (): void => {
        if (settled) return;
        const serverBytes = Buffer.concat(received);
        const recovered = reused
          ? { chain: null, error: "a resumed handshake carries no Certificate message" }
          : recoverServedChain(serverBytes, protocol ?? "", cipherName ?? "", keylog);
        const isTls13 = protocol === "TLSv1.3";
        const ticketIssued = isTls13 ? session !== null : tls12Ticket;
        finish(
          {
            ok: true,
            handshake: {
              protocol,
              cipher: cipherName,
              alpn,
              servedChain: recovered.chain,
              servedChainError: recovered.error,
              nodeChain,
              ocspResponse,
              session: session ?? socket.getSession() ?? null,
              ticketIssued,
              reused,
              maxEarlyData: isTls13 && session !== null ? sessionMaxEarlyData(session) : null,
            },
          },
          true,
        );
      };
      afterHandshake = complete;
      // A server that issues tickets sends them about one round trip after our Finished: wait
      // a few handshake times for one (at least 100 ms), never more than ticketWaitMs.
      const handshakeMs = Date.now() - started;
      const wait = Math.min(options.ticketWaitMs ?? 0, Math.max(150, 3 * handshakeMs));
      if (protocol === "TLSv1.3" && session === null && wait > 0) {
        sessionWaiter = complete;
        ticketTimer = setTimeout(complete, wait);
      } else complete();
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Reading the served Certificate message from the recorded server bytes.

const CONTENT_CHANGE_CIPHER_SPEC = 20;
const CONTENT_ALERT = 21;
const CONTENT_HANDSHAKE = 22;
const CONTENT_APPLICATION_DATA = 23;
const HANDSHAKE_CERTIFICATE = 11;
const HANDSHAKE_FINISHED = 20;
/** TLSCiphertext.length may reach 2^14 + 256; TLS ≤ 1.2 allows 2^14 + 2048. */
const MAX_RECORD_LENGTH = 16384 + 2048;

interface TlsRecord {
  type: number;
  header: Uint8Array;
  fragment: Uint8Array;
}

class ReadError extends Error {
  override readonly name = "ReadError" as const;
}

function readRecords(bytes: Uint8Array): TlsRecord[] {
  const records: TlsRecord[] = [];
  let offset = 0;
  while (offset + 5 <= bytes.length) {
    const length = ((bytes[offset + 3] ?? 0) << 8) | (bytes[offset + 4] ?? 0);
    if (length > MAX_RECORD_LENGTH) throw new ReadError(`record of ${length} bytes`);
    if (offset + 5 + length > bytes.length) break; // the rest arrived after the handshake
    records.push({
      type: bytes[offset] ?? 0,
      header: bytes.subarray(offset, offset + 5),
      fragment: bytes.subarray(offset + 5, offset + 5 + length),
    });
    offset += 5 + length;
  }
  return records;
}

/** Handshake messages (type, body) of a handshake byte stream; a truncated last one is left out. */
function readHandshakeMessages(stream: Uint8Array): { type: number; body: Uint8Array }[] {
  const messages: { type: number; body: Uint8Array }[] = [];
  let offset = 0;
  while (offset + 4 <= stream.length) {
    const length =
      ((stream[offset + 1] ?? 0) << 16) |
      ((stream[offset + 2] ?? 0) << 8) |
      (stream[offset + 3] ?? 0);
    if (offset + 4 + length > stream.length) break;
    messages.push({
      type: stream[offset] ?? 0,
      body: stream.subarray(offset + 4, offset + 4 + length),
    });
    offset += 4 + length;
  }
  return messages;
}

/** A bounded reader over a handshake message body. */
class BodyReader {
  #offset = 0;
  constructor(readonly bytes: Uint8Array) {}
  get done(): boolean {
    return this.#offset === this.bytes.length;
  }
  uint(size: 1 | 2 | 3): number {
    if (this.#offset + size > this.bytes.length)
      throw new ReadError("Certificate message truncated");
    let value = 0;
    for (let index = 0; index < size; index += 1)
      value = value * 256 + (this.bytes[this.#offset + index] ?? 0);
    this.#offset += size;
    return value;
  }
  vector(lengthSize: 1 | 2 | 3): Uint8Array {
    const length = this.uint(lengthSize);
    if (this.#offset + length > this.bytes.length)
      throw new ReadError("Certificate vector overruns its message");
    const value = this.bytes.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return value;
  }
}

/** TLS ≤ 1.2: `ASN.1Cert certificate_list<0..2^24-1>`. TLS 1.3 adds a request context and per-entry extensions. */
function decodeCertificateMessage(body: Uint8Array, tls13: boolean): Uint8Array[] {
  const reader = new BodyReader(body);
  if (tls13) reader.vector(1);
  const list = new BodyReader(reader.vector(3));
  if (!reader.done) throw new ReadError("bytes after the certificate list");
  const chain: Uint8Array[] = [];
  while (!list.done) {
    chain.push(new Uint8Array(list.vector(3)));
    if (tls13) list.vector(2);
  }
  return chain;
}

interface Tls13Cipher {
  algorithm: string;
  keyLength: number;
  hash: "sha256" | "sha384";
  tagLength: number;
}

const TLS13_CIPHERS: Readonly<Record<string, Tls13Cipher>> = {
  TLS_AES_128_GCM_SHA256: {
    algorithm: "aes-128-gcm",
    keyLength: 16,
    hash: "sha256",
    tagLength: 16,
  },
  TLS_AES_256_GCM_SHA384: {
    algorithm: "aes-256-gcm",
    keyLength: 32,
    hash: "sha384",
    tagLength: 16,
  },
  TLS_CHACHA20_POLY1305_SHA256: {
    algorithm: "chacha20-poly1305",
    keyLength: 32,
    hash: "sha256",
    tagLength: 16,
  },
  TLS_AES_128_CCM_SHA256: {
    algorithm: "aes-128-ccm",
    keyLength: 16,
    hash: "sha256",
    tagLength: 16,
  },
  TLS_AES_128_CCM_8_SHA256: {
    algorithm: "aes-128-ccm",
    keyLength: 16,
    hash: "sha256",
    tagLength: 8,
  },
};

/** HKDF-Expand-Label(secret, label, "", length) for outputs no longer than one hash block. */
function expandLabel(secret: Buffer, label: string, length: number, hash: string): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`, "latin1");
  const info = Buffer.concat([
    Buffer.from([length >> 8, length & 0xff, fullLabel.length]),
    fullLabel,
    Buffer.from([0]),
  ]);
  return createHmac(hash, secret)
    .update(Buffer.concat([info, Buffer.from([1])]))
    .digest()
    .subarray(0, length);
}

function decryptRecord(
  record: TlsRecord,
  key: Buffer,
  iv: Buffer,
  sequence: number,
  cipher: Tls13Cipher,
): Uint8Array {
  const nonce = Buffer.from(iv);
  for (let index = 0, value = sequence; index < 8; index += 1, value = Math.floor(value / 256)) {
    nonce[11 - index] = (nonce[11 - index] ?? 0) ^ (value & 0xff);
  }
  const ciphertextLength = record.fragment.length - cipher.tagLength;
  if (ciphertextLength < 1) throw new ReadError("encrypted record too short");
  const decipher = createDecipheriv(cipher.algorithm as CipherGCMTypes, key, nonce, {
    authTagLength: cipher.tagLength,
  });
  decipher.setAAD(record.header, { plaintextLength: ciphertextLength });
  decipher.setAuthTag(record.fragment.subarray(ciphertextLength));
  const plaintext = Buffer.concat([
    decipher.update(record.fragment.subarray(0, ciphertextLength)),
    decipher.final(),
  ]);
  // TLSInnerPlaintext: content || ContentType || zeros
  let end = plaintext.length - 1;
  while (end >= 0 && plaintext[end] === 0) end -= 1;
  if (end < 0) throw new ReadError("encrypted record without a content type");
  if (plaintext[end] !== CONTENT_HANDSHAKE) return new Uint8Array();
  return plaintext.subarray(0, end);
}

/**
 * The served chain from the server's recorded bytes: TLS ≤ 1.2 reads the clear Certificate
 * message; TLS 1.3 decrypts the server's handshake records with the key log's
 * SERVER_HANDSHAKE_TRAFFIC_SECRET. Never throws.
 */
export function recoverServedChain(
  serverBytes: Uint8Array,
  protocol: string,
  cipherName: string,
  keylog: readonly string[],
): { chain: Uint8Array[]; error: null } | { chain: null; error: string } {
  try {
    const records = readRecords(serverBytes);
    const tls13 = protocol === "TLSv1.3";
    const chunks: Uint8Array[] = [];
    if (!tls13) {
      for (const record of records) {
        if (record.type === CONTENT_CHANGE_CIPHER_SPEC || record.type === CONTENT_ALERT) break;
        if (record.type === CONTENT_HANDSHAKE) chunks.push(record.fragment);
      }
    } else {
      const cipher = TLS13_CIPHERS[cipherName];
      if (cipher === undefined)
        return { chain: null, error: `cannot decrypt ${cipherName} records` };
      const line = keylog.find((entry) => entry.startsWith("SERVER_HANDSHAKE_TRAFFIC_SECRET "));
      const secretHex = line?.split(" ")[2];
      if (secretHex === undefined)
        return { chain: null, error: "no server handshake secret in the key log" };
      const secret = Buffer.from(secretHex, "hex");
      const key = expandLabel(secret, "key", cipher.keyLength, cipher.hash);
      const iv = expandLabel(secret, "iv", 12, cipher.hash);
      let sequence = 0;
      for (const record of records) {
        if (record.type !== CONTENT_APPLICATION_DATA) continue;
        chunks.push(decryptRecord(record, key, iv, sequence, cipher));
        sequence += 1;
        const messages = readHandshakeMessages(Buffer.concat(chunks));
        if (messages.some((message) => message.type === HANDSHAKE_FINISHED)) break;
      }
    }
    const certificate = readHandshakeMessages(Buffer.concat(chunks)).find(
      (message) => message.type === HANDSHAKE_CERTIFICATE,
    );
    if (certificate === undefined)
      return { chain: null, error: "no Certificate message in the server's flight" };
    return { chain: decodeCertificateMessage(certificate.body, tls13), error: null };
  } catch (error) {
    return { chain: null, error: `served chain unreadable: ${(error as Error).message}` };
  }
}
