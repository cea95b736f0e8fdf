/**
 * The server's first flight, as a probe needs it: feed the bytes the server sends, read what it
 * chose. The flight ends (`done`) at ServerHelloDone, at an alert, at a HelloRetryRequest, at a
 * TLS 1.3 ServerHello (the rest is encrypted), at a change_cipher_spec or application_data record
 * after a ServerHello (an abbreviated handshake), or at an SSLv2 SERVER-HELLO or ERROR. Bytes after
 * the end are ignored. Malformed input throws a `DecodeError` whose offset is in the byte stream.
 */
import {
  ALERT_DESCRIPTION,
  ALERT_LEVEL,
  CONTENT_TYPE,
  HANDSHAKE_TYPE,
  SSLV2_MESSAGE_TYPE,
  TLS_VERSION,
} from "./constants.js";
import { decodeAlert } from "./alert.js";
import type { Alert } from "./alert.js";
import { decodeCertificate } from "./certificate.js";
import { decodeCertificateStatus } from "./certificate-status.js";
import type { CertificateStatus } from "./certificate-status.js";
import { DecodeError, relocateDecodeError } from "./errors.js";
import { HandshakeDecoder, handshakeStreamOffset } from "./handshake.js";
import type { HandshakeMessage } from "./handshake.js";
import { RecordDecoder } from "./record.js";
import type { TlsPlaintextRecord, Sslv2Record, TlsRecord } from "./record.js";
import { decodeServerHello } from "./server-hello.js";
import type { ServerHello } from "./server-hello.js";
import { decodeServerHelloDone } from "./server-hello-done.js";
import { decodeServerKeyExchange } from "./server-key-exchange.js";
import type { KeyExchangeKind, ServerKeyExchange } from "./server-key-exchange.js";
import { decodeSslv2Error, decodeSslv2ServerHello } from "./sslv2-server-hello.js";
import type { Sslv2ServerHello } from "./sslv2-server-hello.js";

export const FLIGHT_ENDS = [
  "server-hello-done",
  "alert",
  "hello-retry-request",
  "tls13-server-hello",
  "change-cipher-spec",
  "application-data",
  "sslv2-server-hello",
  "sslv2-error",
] as const;
export type FlightEnd = (typeof FLIGHT_ENDS)[number];

export interface FlightState {
  /** The flight is complete: nothing more is needed to know the server's answer. */
  readonly done: boolean;
  /** What ended it, null while not done. */
  readonly end: FlightEnd | null;
  /** The ServerHello (never a HelloRetryRequest). */
  readonly serverHello: ServerHello | null;
  readonly helloRetryRequest: ServerHello | null;
  /** The DER chain of a TLS ≤ 1.2 Certificate message, leaf first. */
  readonly certificates: Uint8Array[] | null;
  /** The stapled OCSP response (CertificateStatus), TLS ≤ 1.2. */
  readonly certificateStatus: CertificateStatus | null;
  /** The raw ServerKeyExchange body: decode it with `decodeServerKeyExchange` and the suite's kind. */
  readonly serverKeyExchange: Uint8Array | null;
  /** The decoded ServerKeyExchange, when the `keyExchangeOf` option names the suite's kind. */
  readonly serverKeyExchangeParams: ServerKeyExchange | null;
  readonly certificateRequested: boolean;
  readonly serverHelloDone: boolean;
  /** The alert that ended the flight. */
  readonly alert: Alert | null;
  /** Warning alerts that did not end it (unrecognized_name). */
  readonly warnings: Alert[];
  /** HelloRequests received so far: legal and empty, so only their count can tell a flood. */
  readonly helloRequests: number;
  readonly sslv2ServerHello: Sslv2ServerHello | null;
  /** The SSLv2 ERROR code (1 NO-CIPHER-ERROR…) that ended the flight. */
  readonly sslv2Error: number | null;
}

export interface ServerFlightDecoderOptions {
  /** Largest record fragment; default 2^14 + 2048. */
  readonly maxRecordLength?: number;
  /** Largest handshake message body; default 256 KiB. */
  readonly maxMessageLength?: number;
  /** The key exchange of a cipher suite, to decode ServerKeyExchange during the flight. */
  readonly keyExchangeOf?: (cipherSuite: number) => KeyExchangeKind | null;
}

/** Order of the TLS ≤ 1.2 server flight (RFC 5246 7.3); each message at most once, in this order. */
const STAGE: Partial<Record<number, number>> = {
  [HANDSHAKE_TYPE.server_hello]: 1,
  [HANDSHAKE_TYPE.certificate]: 2,
  [HANDSHAKE_TYPE.certificate_status]: 3,
  [HANDSHAKE_TYPE.server_key_exchange]: 4,
  [HANDSHAKE_TYPE.certificate_request]: 5,
  [HANDSHAKE_TYPE.server_hello_done]: 6,
};

function isTls13(version: number): boolean {
  // 0x7Fxx are the TLS 1.3 drafts.
  return version === TLS_VERSION["TLSv1.3"] || version >> 8 === 0x7f;
}

export class ServerFlightDecoder {
  readonly #records: RecordDecoder;
  readonly #handshake: HandshakeDecoder;
  readonly #keyExchangeOf: ((cipherSuite: number) => KeyExchangeKind | null) | undefined;
  #error: DecodeError | null = null;
  #stage = 0;
  #alertBytes: number[] = [];
  #alertOffset = 0;

  #done = false;
  #end: FlightEnd | null = null;
  #serverHello: ServerHello | null = null;
  #helloRetryRequest: ServerHello | null = null;
  #certificates: Uint8Array[] | null = null;
  #certificateStatus: CertificateStatus | null = null;
  #serverKeyExchange: Uint8Array | null = null;
  #serverKeyExchangeParams: ServerKeyExchange | null = null;
  #certificateRequested = false;
  #serverHelloDone = false;
  #alert: Alert | null = null;
  #warnings: Alert[] = [];
  #helloRequests = 0;
  #sslv2ServerHello: Sslv2ServerHello | null = null;
  #sslv2Error: number | null = null;

  constructor(options: ServerFlightDecoderOptions = {}) {
    this.#records = new RecordDecoder(
      options.maxRecordLength === undefined ? {} : { maxRecordLength: options.maxRecordLength },
    );
    this.#handshake = new HandshakeDecoder(
      options.maxMessageLength === undefined ? {} : { maxMessageLength: options.maxMessageLength },
    );
    this.#keyExchangeOf = options.keyExchangeOf;
  }

  get done(): boolean {
    return this.#done;
  }

  /** Feeds bytes from the server; returns the flight so far. */
  push(chunk: Uint8Array): FlightState {
    if (this.#error !== null) throw this.#error;
    if (this.#done) return this.state;
    this.#guard(() => {
      this.#records.write(chunk);
      while (!this.#done) {
        const record = this.#records.read();
        if (record === null) break;
        this.#record(record);
      }
    });
    return this.state;
  }

  /**
   * The server closed the connection: returns the flight, or throws a "truncated" DecodeError if
   * the stream stopped inside a record, a handshake message or an alert.
   */
  end(): FlightState {
    if (this.#error !== null) throw this.#error;
    if (this.#done) return this.state;
    this.#guard(() => {
      this.#records.end();
      this.#handshake.end();
      if (this.#alertBytes.length > 0) {
        throw new DecodeError("truncated", "stream ended inside an alert", {
          offset: this.#alertOffset + this.#alertBytes.length,
          field: "Alert",
        });
      }
    });
    return this.state;
  }

  get state(): FlightState {
    return {
      done: this.#done,
      end: this.#end,
      serverHello: this.#serverHello,
      helloRetryRequest: this.#helloRetryRequest,
      certificates: this.#certificates,
      certificateStatus: this.#certificateStatus,
      serverKeyExchange: this.#serverKeyExchange,
      serverKeyExchangeParams: this.#serverKeyExchangeParams,
      certificateRequested: this.#certificateRequested,
      serverHelloDone: this.#serverHelloDone,
      alert: this.#alert,
      warnings: [...this.#warnings],
      helloRequests: this.#helloRequests,
      sslv2ServerHello: this.#sslv2ServerHello,
      sslv2Error: this.#sslv2Error,
    };
  }

  #guard(run: () => void): void {
    try {
      run();
    } catch (error) {
      if (error instanceof DecodeError) this.#error = error;
      throw error;
    }
  }

  #finish(end: FlightEnd): void {
    this.#done = true;
    this.#end = end;
  }

  #record(record: TlsRecord): void {
    if (record.kind === "sslv2") {
      this.#sslv2(record);
      return;
    }
    const fail = (detail: string): never => {
      throw new DecodeError("invalid", detail, {
        offset: record.offset,
        field: "record.contentType",
      });
    };
    switch (record.contentType) {
      case CONTENT_TYPE.handshake:
        if (this.#alertBytes.length > 0) fail("handshake record inside an alert");
        this.#handshake.write(record.fragment, record.offset + 5);
        while (!this.#done) {
          const message = this.#handshake.read();
          if (message === null) break;
          this.#message(message);
        }
        return;
      case CONTENT_TYPE.alert:
        this.#alertRecord(record);
        return;
      case CONTENT_TYPE.change_cipher_spec:
        if (this.#serverHello === null) fail("change_cipher_spec before ServerHello");
        if (record.fragment.length !== 1 || record.fragment[0] !== 1) {
          throw new DecodeError("invalid", "change_cipher_spec is not the single byte 1", {
            offset: record.offset + 5,
            field: "ChangeCipherSpec",
          });
        }
        this.#finish("change-cipher-spec");
        return;
      case CONTENT_TYPE.application_data:
        if (this.#serverHello === null) fail("application_data before ServerHello");
        this.#finish("application-data");
        return;
      default:
        fail(`content type ${record.contentType} during the handshake`);
    }
  }

  #alertRecord(record: TlsPlaintextRecord): void {
    if (record.fragment.length === 0) {
      throw new DecodeError("invalid", "empty alert record", {
        offset: record.offset + 3,
        field: "record.length",
      });
    }
    if (this.#alertBytes.length === 0) this.#alertOffset = record.offset + 5;
    for (const [i, byte] of record.fragment.entries()) {
      this.#alertBytes.push(byte);
      if (this.#alertBytes.length < 2) continue;
      const alert = decodeAlert(Uint8Array.from(this.#alertBytes));
      this.#alertBytes = [];
      this.#alertOffset = record.offset + 5 + i + 1;
      if (
        alert.level === ALERT_LEVEL.warning &&
        alert.description === ALERT_DESCRIPTION.unrecognized_name
      ) {
        this.#warnings.push(alert);
        continue;
      }
      this.#alert = alert;
      this.#finish("alert");
      return;
    }
  }

  #sslv2(record: Sslv2Record): void {
    const decode = <T>(run: () => T): T => {
      try {
        return run();
      } catch (error) {
        if (error instanceof DecodeError)
          throw relocateDecodeError(error, record.offset + 2 + error.offset);
        throw error;
      }
    };
    if (record.body[0] === SSLV2_MESSAGE_TYPE.error) {
      this.#sslv2Error = decode(() => decodeSslv2Error(record.body));
      this.#finish("sslv2-error");
      return;
    }
    this.#sslv2ServerHello = decode(() => decodeSslv2ServerHello(record.body));
    this.#finish("sslv2-server-hello");
  }

  #message(message: HandshakeMessage): void {
    const decode = <T>(run: () => T): T => {
      try {
        return run();
      } catch (error) {
        if (error instanceof DecodeError) {
          throw relocateDecodeError(error, handshakeStreamOffset(message, 4 + error.offset));
        }
        throw error;
      }
    };
    const unexpected = (detail: string): never => {
      throw new DecodeError("invalid", detail, { offset: message.offset, field: "Handshake.type" });
    };
    const type = message.type;
    if (type === HANDSHAKE_TYPE.hello_request) {
      // Allowed at any time before TLS 1.3 and meaningless here; it is empty.
      if (message.body.length !== 0) {
        throw new DecodeError("invalid", `${message.body.length} trailing bytes`, {
          offset: handshakeStreamOffset(message, 4),
          field: "HelloRequest",
        });
      }
      this.#helloRequests += 1;
      return;
    }
    const stage = STAGE[type];
    if (stage === undefined) {
      if (
        this.#serverHello !== null &&
        (type === HANDSHAKE_TYPE.new_session_ticket || type === HANDSHAKE_TYPE.supplemental_data)
      ) {
        return;
      }
      unexpected(`unexpected handshake message ${type}`);
      return;
    }
    if (stage <= this.#stage) unexpected(`handshake message ${type} out of order or repeated`);
    if (stage > 1 && this.#serverHello === null)
      unexpected(`handshake message ${type} before ServerHello`);
    this.#stage = stage;
    const hello = this.#serverHello;
    switch (type) {
      case HANDSHAKE_TYPE.server_hello: {
        const decoded = decode(() => decodeServerHello(message.body));
        if (decoded.isHelloRetryRequest) {
          this.#helloRetryRequest = decoded;
          this.#finish("hello-retry-request");
        } else {
          this.#serverHello = decoded;
          if (isTls13(decoded.selectedVersion)) this.#finish("tls13-server-hello");
        }
        return;
      }
      case HANDSHAKE_TYPE.certificate:
        this.#certificates = decode(() => decodeCertificate(message.body));
        return;
      case HANDSHAKE_TYPE.certificate_status:
        this.#certificateStatus = decode(() => decodeCertificateStatus(message.body));
        return;
      case HANDSHAKE_TYPE.server_key_exchange: {
        this.#serverKeyExchange = message.body;
        const kind = hello === null ? null : (this.#keyExchangeOf?.(hello.cipherSuite) ?? null);
        if (kind !== null && hello !== null) {
          this.#serverKeyExchangeParams = decode(() =>
            decodeServerKeyExchange(message.body, kind, { version: hello.selectedVersion }),
          );
        }
        return;
      }
      case HANDSHAKE_TYPE.certificate_request:
        this.#certificateRequested = true;
        return;
      case HANDSHAKE_TYPE.server_hello_done:
        decode(() => decodeServerHelloDone(message.body));
        this.#serverHelloDone = true;
        this.#finish("server-hello-done");
        return;
      default:
        return;
    }
  }
}
