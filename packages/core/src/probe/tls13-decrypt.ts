/**
 * TLS 1.3 handshake decryption with key-log secrets: the server's encrypted handshake messages
 * (EncryptedExtensions, Certificate, CertificateVerify, Finished) from the bytes it sent, using the
 * SERVER_HANDSHAKE_TRAFFIC_SECRET that node:tls hands out through its 'keylog' event (NSS key log
 * format). Only the AEAD and the HMAC are here; every byte is read through wire/.
 */
import { createDecipheriv, createHmac, type CipherGCMTypes } from "node:crypto";
import {
  CONTENT_TYPE,
  HANDSHAKE_TYPE,
  HandshakeDecoder,
  RecordDecoder,
  decodeTlsInnerPlaintext,
  encodeHkdfLabel,
  tls13AdditionalData,
  tls13Nonce,
  type HandshakeMessage,
  type TlsPlaintextRecord,
} from "../wire/index.js";

interface Tls13Cipher {
  algorithm: string;
  keyLength: number;
  hash: "sha256" | "sha384";
  tagLength: number;
}

/** The TLS 1.3 suites by IANA name (as node:tls reports them). */
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

export type DecryptedHandshake =
  | {
      ok: true;
      /** The encrypted handshake, up to and including the server's Finished. */
      messages: HandshakeMessage[];
      /**
       * Handshake messages after it (NewSessionTicket, KeyUpdate), under the server's first
       * application traffic secret; as many as could be read.
       */
      postHandshake: HandshakeMessage[];
    }
  | { ok: false; error: string };

/** HKDF-Expand-Label(secret, label, "", length); the outputs needed fit in one hash block. */
function expandLabel(secret: Uint8Array, label: string, length: number, hash: string): Buffer {
  return createHmac(hash, secret)
    .update(encodeHkdfLabel(length, label))
    .update(Uint8Array.of(1))
    .digest()
    .subarray(0, length);
}

/** The secret of a key log line with this label (NSS key log format); null when none. */
function keylogSecret(keylog: readonly string[], wanted: string): Uint8Array | null {
  for (const line of keylog) {
    const [label, , secret] = line.trim().split(" ");
    if (label === wanted && secret !== undefined && /^(?:[0-9a-f]{2})+$/i.test(secret)) {
      return new Uint8Array(Buffer.from(secret, "hex"));
    }
  }
  return null;
}

/** The server handshake traffic secret of the key log; null when the log has none. */
export function serverHandshakeSecret(keylog: readonly string[]): Uint8Array | null {
  return keylogSecret(keylog, "SERVER_HANDSHAKE_TRAFFIC_SECRET");
}

interface RecordKeys {
  key: Buffer;
  iv: Uint8Array;
}

function recordKeys(secret: Uint8Array, cipher: Tls13Cipher): RecordKeys {
  return {
    key: expandLabel(secret, "key", cipher.keyLength, cipher.hash),
    iv: expandLabel(secret, "iv", 12, cipher.hash),
  };
}

function open(
  record: TlsPlaintextRecord,
  key: Buffer,
  iv: Uint8Array,
  sequence: number,
  cipher: Tls13Cipher,
): Uint8Array {
  const fragment = record.fragment;
  const ciphertextLength = fragment.length - cipher.tagLength;
  if (ciphertextLength < 1) {
    throw new Error(`record at offset ${record.offset} is shorter than its tag`);
  }
  const decipher = createDecipheriv(
    cipher.algorithm as CipherGCMTypes,
    key,
    tls13Nonce(iv, sequence),
    { authTagLength: cipher.tagLength },
  );
  decipher.setAAD(tls13AdditionalData(record), { plaintextLength: ciphertextLength });
  decipher.setAuthTag(fragment.subarray(ciphertextLength));
  return new Uint8Array(
    Buffer.concat([decipher.update(fragment.subarray(0, ciphertextLength)), decipher.final()]),
  );
}

/**
 * The server's encrypted handshake messages, up to and including its Finished, from the bytes it
 * sent, and the handshake messages after it that the key log's SERVER_TRAFFIC_SECRET_0 opens
 * (records cut off at the end are left out: they came later). Never throws: a missing secret, an
 * unknown suite, a handshake record that does not authenticate or a malformed message is
 * `{ ok: false, error }`; after the Finished, what cannot be read ends `postHandshake`.
 */
export function decryptServerHandshake(
  serverBytes: Uint8Array,
  cipherName: string,
  keylog: readonly string[],
): DecryptedHandshake {
  const cipher = TLS13_CIPHERS[cipherName];
  if (cipher === undefined) return { ok: false, error: `cannot decrypt ${cipherName} records` };
  const secret = serverHandshakeSecret(keylog);
  if (secret === null) return { ok: false, error: "no server handshake secret in the key log" };
  const applicationSecret = keylogSecret(keylog, "SERVER_TRAFFIC_SECRET_0");
  let keys = recordKeys(secret, cipher);
  let handshake = new HandshakeDecoder();
  let finished = false;
  const messages: HandshakeMessage[] = [];
  const postHandshake: HandshakeMessage[] = [];
  let sequence = 0;
  let records: ReturnType<RecordDecoder["push"]>;
  try {
    records = new RecordDecoder().push(serverBytes);
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  for (const record of records) {
    // The clear ServerHello (and a HelloRetryRequest) and the compatibility CCS are not protected.
    if (record.kind !== "tls" || record.contentType !== CONTENT_TYPE.application_data) continue;
    try {
      const inner = decodeTlsInnerPlaintext(open(record, keys.key, keys.iv, sequence, cipher));
      sequence += 1;
      if (finished) {
        // Application data or an alert under the application keys: not the scanner's to read.
        if (inner.contentType === CONTENT_TYPE.handshake) {
          postHandshake.push(...handshake.push(inner.content));
        }
        continue;
      }
      if (inner.contentType !== CONTENT_TYPE.handshake) {
        return {
          ok: false,
          error: `content type ${inner.contentType} before the server's Finished`,
        };
      }
      for (const message of handshake.push(inner.content)) {
        messages.push(message);
        if (message.type !== HANDSHAKE_TYPE.finished) continue;
        // The Finished is the last message under the handshake keys (RFC 8446 5.1).
        if (applicationSecret === null) return { ok: true, messages, postHandshake };
        finished = true;
        keys = recordKeys(applicationSecret, cipher);
        handshake = new HandshakeDecoder();
        sequence = 0;
      }
    } catch (error) {
      if (finished) break;
      return { ok: false, error: (error as Error).message };
    }
  }
  return { ok: true, messages, postHandshake };
}
