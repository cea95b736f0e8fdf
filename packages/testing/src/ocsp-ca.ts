/**
 * A test CA that answers for its own leaf: the chain (root → intermediate → leaf) and stapled
 * OCSP responses about the leaf in the states a scanner must tell apart — good, revoked, expired
 * (nextUpdate passed) and a bad responder signature. Responses come from `openssl ocsp` acting
 * as the intermediate's responder over an index file, as a CA runs it; GnuTLS refuses pkijs's
 * responses (fractional-second times), so only "expired", which openssl cannot backdate, is
 * made with pkijs (`createOcspResponse`). Validity is around `now` (the real time by default), so
 * that real servers and clients take the files as current.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { harnessTempDir } from "./credentials.js";
import {
  createChain,
  createOcspResponse,
  type ChainOptions,
  type KeyType,
  type TestChain,
} from "./pki.js";
import { harnessEnv } from "./process.js";

export const OCSP_STAPLES = ["good", "revoked", "expired", "bad-signature"] as const;
export type OcspStaple = (typeof OCSP_STAPLES)[number];

const DAY_MS = 86_400_000;

export interface OcspCa {
  chain: TestChain;
  /** The time the chain and the current responses are valid at. */
  now: Date;
  /** A DER OCSPResponse about the leaf in this state. */
  staple(kind: OcspStaple): Promise<Uint8Array>;
}

export interface OcspCaOptions {
  /** Prefix of the subjects; "tlsgate ocsp" by default. */
  name?: string;
  /** The leaf's key type; P-256 by default. */
  leafKey?: KeyType;
  /** Default: the current time. */
  now?: Date;
}

/** openssl's index.txt time: YYMMDDHHMMSSZ. */
const indexTime = (date: Date): string =>
  `${date.toISOString().slice(2, 19).replace(/[-T:]/g, "")}Z`;

export async function createOcspCa(options: OcspCaOptions = {}): Promise<OcspCa> {
  const now = options.now ?? new Date();
  const validity = {
    notBefore: new Date(now.getTime() - 30 * DAY_MS),
    notAfter: new Date(now.getTime() + 60 * DAY_MS),
  };
  const chainOptions: ChainOptions = {
    name: options.name ?? "tlsgate ocsp",
    root: { notBefore: validity.notBefore, notAfter: new Date(now.getTime() + 3650 * DAY_MS) },
    intermediate: validity,
    leaf: {
      ...validity,
      dns: ["localhost", "leaf.test"],
      ips: ["127.0.0.1", "::1"],
      ...(options.leafKey === undefined ? {} : { key: options.leafKey }),
    },
  };
  const chain = await createChain(chainOptions);
  const prefix = join(harnessTempDir(), `ocsp-ca-${randomUUID()}`);
  const file = (name: string, content?: string | Uint8Array): string => {
    const path = `${prefix}-${name}`;
    if (content !== undefined) writeFileSync(path, content);
    return path;
  };
  const openssl = (...args: string[]): void => {
    // stderr kept: a failed command then says why in the test failure.
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"], env: harnessEnv() });
  };
  const leaf = file("leaf.pem", chain.leaf.pem);
  const issuer = file("issuer.pem", chain.intermediate.pem);
  const issuerKey = file("issuer-key.pem", chain.intermediate.keyPem);
  const request = file("request.der");
  openssl("ocsp", "-issuer", issuer, "-cert", leaf, "-reqout", request, "-no_nonce");
  const serial = chain.leaf.certificate.serialNumber.toUpperCase();
  const subject = "/CN=localhost";

  /** The responder's answer, from an index that lists the leaf as valid or revoked. */
  const respond = (status: "good" | "revoked"): Uint8Array => {
    const expiry = indexTime(validity.notAfter);
    const line =
      status === "good"
        ? `V\t${expiry}\t\t${serial}\tunknown\t${subject}\n`
        : `R\t${expiry}\t${indexTime(new Date(now.getTime() - DAY_MS))}\t${serial}\tunknown\t${subject}\n`;
    const index = file(`index-${status}.txt`, line);
    const out = file(`response-${status}.der`);
    openssl(
      "ocsp",
      ...["-index", index, "-rsigner", issuer, "-rkey", issuerKey, "-CA", issuer],
      ...["-reqin", request, "-respout", out, "-ndays", "7"],
    );
    return new Uint8Array(readFileSync(out));
  };

  return {
    chain,
    now,
    async staple(kind) {
      switch (kind) {
        case "good":
        case "revoked":
          return respond(kind);
        case "expired":
          // thisUpdate 8 days ago: nextUpdate (a week later) passed a day ago.
          return createOcspResponse({
            certificate: chain.leaf,
            issuer: chain.intermediate,
            status: "good",
            now: new Date(now.getTime() - 8 * DAY_MS),
          });
        case "bad-signature": {
          const tampered = respond("good");
          // openssl puts the responder's certificate after the signature: flip a byte inside
          // the signature BIT STRING, found from its DER header.
          const at = signatureOffset(tampered);
          tampered[at] = (tampered[at] ?? 0) ^ 0x01;
          return tampered;
        }
      }
    },
  };
}

/** Offset of the last byte of the BasicOCSPResponse signature in a DER OCSPResponse. */
function signatureOffset(der: Uint8Array): number {
  // Walk: OCSPResponse SEQ → [0] responseBytes → SEQ → OCTET STRING → BasicOCSPResponse SEQ →
  // tbsResponseData, signatureAlgorithm, signature BIT STRING.
  const header = (at: number): { content: number; length: number } => {
    let offset = at + 1;
    const first = der[offset] ?? 0;
    offset += 1;
    if (first < 0x80) return { content: offset, length: first };
    let length = 0;
    for (let i = 0; i < (first & 0x7f); i += 1) length = length * 256 + (der[offset + i] ?? 0);
    return { content: offset + (first & 0x7f), length };
  };
  const skip = (at: number): number => {
    const h = header(at);
    return h.content + h.length;
  };
  const response = header(0).content;
  const status = skip(response); // responseStatus ENUMERATED
  const bytes = header(status).content; // [0] EXPLICIT
  const sequence = header(bytes).content; // ResponseBytes SEQUENCE
  const octets = header(skip(sequence)).content; // after responseType OID: OCTET STRING
  const basic = header(octets).content; // BasicOCSPResponse SEQUENCE
  const signature = skip(skip(basic)); // after tbsResponseData and signatureAlgorithm
  const bits = header(signature);
  return bits.content + bits.length - 1;
}
