/** Protocol numbers of TLS and SSL as the wire codec needs them. Names follow the RFCs. */

/** Record content types (RFC 8446 5.1, RFC 6520). */
export const CONTENT_TYPE = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
  heartbeat: 24,
} as const;
export type ContentType = (typeof CONTENT_TYPE)[keyof typeof CONTENT_TYPE];

/** Handshake message types (RFC 8446 4, RFC 5246 7.4, RFC 6066 8). */
export const HANDSHAKE_TYPE = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  hello_verify_request: 3,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
  certificate_url: 21,
  certificate_status: 22,
  supplemental_data: 23,
  key_update: 24,
  message_hash: 254,
} as const;

/** Extension type numbers (IANA "TLS ExtensionType Values"). */
export const EXTENSION_TYPE = {
  server_name: 0,
  max_fragment_length: 1,
  status_request: 5,
  supported_groups: 10,
  ec_point_formats: 11,
  signature_algorithms: 13,
  use_srtp: 14,
  heartbeat: 15,
  application_layer_protocol_negotiation: 16,
  signed_certificate_timestamp: 18,
  padding: 21,
  encrypt_then_mac: 22,
  extended_master_secret: 23,
  compress_certificate: 27,
  record_size_limit: 28,
  session_ticket: 35,
  pre_shared_key: 41,
  early_data: 42,
  supported_versions: 43,
  cookie: 44,
  psk_key_exchange_modes: 45,
  certificate_authorities: 47,
  post_handshake_auth: 49,
  signature_algorithms_cert: 50,
  key_share: 51,
  encrypted_client_hello: 0xfe0d,
  renegotiation_info: 0xff01,
} as const;

export const ALERT_LEVEL = { warning: 1, fatal: 2 } as const;

/** Alert descriptions (RFC 8446 6, RFC 5246 7.2, RFC 6066, RFC 7301, RFC 7507). */
export const ALERT_DESCRIPTION = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  decryption_failed: 21,
  record_overflow: 22,
  decompression_failure: 30,
  handshake_failure: 40,
  no_certificate: 41,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  export_restriction: 60,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  inappropriate_fallback: 86,
  user_canceled: 90,
  no_renegotiation: 100,
  missing_extension: 109,
  unsupported_extension: 110,
  certificate_unobtainable: 111,
  unrecognized_name: 112,
  bad_certificate_status_response: 113,
  bad_certificate_hash_value: 114,
  unknown_psk_identity: 115,
  certificate_required: 116,
  no_application_protocol: 120,
  ech_required: 121,
} as const;
export type AlertName = keyof typeof ALERT_DESCRIPTION;

const ALERT_NAMES = new Map<number, AlertName>(
  Object.entries(ALERT_DESCRIPTION).map(([name, code]) => [code, name as AlertName]),
);

/** The RFC name of an alert description, or "unknown(N)". */
export function alertName(description: number): AlertName | `unknown(${number})` {
  return ALERT_NAMES.get(description) ?? `unknown(${description})`;
}

/** Protocol version numbers as they appear on the wire. Keys match the registry's protocol names. */
export const TLS_VERSION = {
  SSLv2: 0x0002,
  SSLv3: 0x0300,
  "TLSv1.0": 0x0301,
  "TLSv1.1": 0x0302,
  "TLSv1.2": 0x0303,
  "TLSv1.3": 0x0304,
} as const;

/** Signalling cipher suite values (RFC 5746 3.3, RFC 7507). */
export const SCSV = {
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV: 0x00ff,
  TLS_FALLBACK_SCSV: 0x5600,
} as const;

/** ServerHello.random of a HelloRetryRequest: SHA-256("HelloRetryRequest") (RFC 8446 4.1.3). */
export const HELLO_RETRY_REQUEST_RANDOM: Uint8Array = Uint8Array.of(
  0xcf,
  0x21,
  0xad,
  0x74,
  0xe5,
  0x9a,
  0x61,
  0x11,
  0xbe,
  0x1d,
  0x8c,
  0x02,
  0x1e,
  0x65,
  0xb8,
  0x91,
  0xc2,
  0xa2,
  0x11,
  0x16,
  0x7a,
  0xbb,
  0x8c,
  0x5e,
  0x07,
  0x9e,
  0x09,
  0xe2,
  0xc8,
  0xa8,
  0x33,
  0x9c,
);

/**
 * The last 8 bytes of ServerHello.random of a TLS 1.3 server negotiating an older version
 * (RFC 8446 4.1.3): "DOWNGRD" followed by 01 for TLS 1.2 and 00 for TLS 1.1 or below.
 */
export const DOWNGRADE_SENTINEL = {
  tls12: Uint8Array.of(0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01),
  tls11: Uint8Array.of(0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00),
} as const;

export const EC_POINT_FORMAT = {
  uncompressed: 0,
  ansiX962_compressed_prime: 1,
  ansiX962_compressed_char2: 2,
} as const;

/** ECParameters.curve_type of a ServerKeyExchange (RFC 8422 5.4). */
export const EC_CURVE_TYPE = {
  explicit_prime: 1,
  explicit_char2: 2,
  named_curve: 3,
} as const;

export const HEARTBEAT_MODE = { peer_allowed_to_send: 1, peer_not_allowed_to_send: 2 } as const;

export const PSK_KEY_EXCHANGE_MODE = { psk_ke: 0, psk_dhe_ke: 1 } as const;

export const CERTIFICATE_STATUS_TYPE = { ocsp: 1 } as const;

/** SSLv2 message types (draft-hickman-netscape-ssl-00). */
export const SSLV2_MESSAGE_TYPE = {
  error: 0,
  client_hello: 1,
  client_master_key: 2,
  client_finished: 3,
  server_hello: 4,
  server_verify: 5,
  server_finished: 6,
  request_certificate: 7,
  client_certificate: 8,
} as const;

export const SSLV2_ERROR = {
  no_cipher: 0x0001,
  no_certificate: 0x0002,
  bad_certificate: 0x0004,
  unsupported_certificate_type: 0x0006,
} as const;

/** Largest TLSPlaintext fragment (RFC 8446 5.1). */
export const MAX_PLAINTEXT_LENGTH = 1 << 14;
/** Largest TLSCiphertext fragment of TLS 1.2 and below (RFC 5246 6.2.3): the decoder's bound. */
export const MAX_RECORD_LENGTH = (1 << 14) + 2048;
