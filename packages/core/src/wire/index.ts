// The TLS probe codec: pure and sans-IO. Bytes in, bytes or typed values out; every export is named.
export { ByteReader, ByteWriter, concatBytes, fromHex, toHex } from "./bytes.js";
export { DECODE_ERROR_CODES, DecodeError, ENCODE_ERROR_CODES, EncodeError } from "./errors.js";
export type { DecodeErrorCode, DecodeErrorOptions, EncodeErrorCode } from "./errors.js";
export {
  ALERT_DESCRIPTION,
  ALERT_LEVEL,
  CERTIFICATE_STATUS_TYPE,
  CONTENT_TYPE,
  DOWNGRADE_SENTINEL,
  EC_CURVE_TYPE,
  EC_POINT_FORMAT,
  EXTENSION_TYPE,
  HANDSHAKE_TYPE,
  HEARTBEAT_MODE,
  HELLO_RETRY_REQUEST_RANDOM,
  MAX_PLAINTEXT_LENGTH,
  MAX_RECORD_LENGTH,
  PSK_KEY_EXCHANGE_MODE,
  SCSV,
  SSLV2_ERROR,
  SSLV2_MESSAGE_TYPE,
  TLS_VERSION,
  alertName,
} from "./constants.js";
export type { AlertName, ContentType } from "./constants.js";
export {
  alpn,
  ecPointFormats,
  encryptThenMac,
  extendedMasterSecret,
  heartbeat,
  keyShare,
  padding,
  pskKeyExchangeModes,
  rawExtension,
  readExtensions,
  renegotiationInfo,
  serverName,
  sessionTicket,
  signatureAlgorithms,
  signatureAlgorithmsCert,
  statusRequest,
  supportedGroups,
  supportedVersions,
  writeExtensions,
} from "./extensions.js";
export type { Extension, KeyShareEntry } from "./extensions.js";
export {
  decodeClientHello,
  encodeClientHello,
  encodeClientHelloMessage,
  encodeHandshakeRecords,
} from "./client-hello.js";
export type { ClientHello, ClientHelloSpec } from "./client-hello.js";
export { decodeSslv2ClientHello, encodeSslv2ClientHello } from "./sslv2-client-hello.js";
export type { Sslv2ClientHello, Sslv2ClientHelloSpec } from "./sslv2-client-hello.js";
export { RecordDecoder, encodeRecord } from "./record.js";
export type { RecordDecoderOptions, Sslv2Record, TlsPlaintextRecord, TlsRecord } from "./record.js";
export {
  DEFAULT_MAX_HANDSHAKE_LENGTH,
  HandshakeDecoder,
  encodeHandshake,
  handshakeStreamOffset,
} from "./handshake.js";
export type { HandshakeDecoderOptions, HandshakeMessage, HandshakePiece } from "./handshake.js";
export { decodeServerHello, encodeServerHello } from "./server-hello.js";
export type { HeartbeatMode, ServerHello, ServerHelloSpec } from "./server-hello.js";
export { decodeAlert, encodeAlert } from "./alert.js";
export type { Alert } from "./alert.js";
export { decodeCertificate, encodeCertificate } from "./certificate.js";
export type {
  DecodeCertificateOptions,
  Tls13Certificate,
  Tls13CertificateEntry,
} from "./certificate.js";
export { decodeCertificateStatus } from "./certificate-status.js";
export type { CertificateStatus } from "./certificate-status.js";
export {
  bitLength,
  decodeServerKeyExchange,
  encodeServerKeyExchange,
} from "./server-key-exchange.js";
export type {
  DecodeServerKeyExchangeOptions,
  DheServerKeyExchange,
  EcdheServerKeyExchange,
  KeyExchangeKind,
  ServerKeyExchange,
  ServerKeyExchangeSpec,
  SkeSignature,
} from "./server-key-exchange.js";
export { decodeServerHelloDone } from "./server-hello-done.js";
export {
  decodeSslv2Error,
  decodeSslv2ServerHello,
  encodeSslv2Error,
  encodeSslv2ServerHello,
} from "./sslv2-server-hello.js";
export type { Sslv2ServerHello } from "./sslv2-server-hello.js";
export { FLIGHT_ENDS, ServerFlightDecoder } from "./server-flight.js";
export {
  decodeTlsInnerPlaintext,
  encodeTlsInnerPlaintext,
  tls13AdditionalData,
  tls13Nonce,
} from "./tls-ciphertext.js";
export type { TlsInnerPlaintext } from "./tls-ciphertext.js";
export { encodeHkdfLabel } from "./hkdf-label.js";
export { decodeSctList } from "./sct-list.js";
export { decodeNewSessionTicket, encodeNewSessionTicket } from "./new-session-ticket.js";
export type { NewSessionTicket } from "./new-session-ticket.js";
export type { FlightEnd, FlightState, ServerFlightDecoderOptions } from "./server-flight.js";
