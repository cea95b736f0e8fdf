import { HarnessError } from "./errors.js";

/**
 * The prime of a PEM "DH PARAMETERS" block (PKCS #3: SEQUENCE { INTEGER p, INTEGER g }), as
 * big-endian bytes without leading zeros: the truth a test compares a ServerKeyExchange with.
 * `openssl … -text` prints only the group name for named groups, so the DER is read.
 */
export function dhPrimeOfPem(pem: string): Uint8Array {
  const body = /-----BEGIN DH PARAMETERS-----([^-]+)-----END DH PARAMETERS-----/.exec(pem)?.[1];
  if (body === undefined) throw new HarnessError("bad-input", "no DH PARAMETERS block");
  const der = Buffer.from(body.replace(/\s/g, ""), "base64");
  let offset = 0;
  const expectByte = (value: number): void => {
    if (der[offset++] !== value) throw new HarnessError("bad-input", "malformed DH PARAMETERS");
  };
  const readLength = (): number => {
    const first = der[offset++] ?? 0;
    if (first < 0x80) return first;
    let length = 0;
    for (let i = 0; i < (first & 0x7f); i++) length = length * 256 + (der[offset++] ?? 0);
    return length;
  };
  expectByte(0x30);
  readLength();
  expectByte(0x02);
  const length = readLength();
  let prime = der.subarray(offset, offset + length);
  while (prime[0] === 0) prime = prime.subarray(1);
  if (prime.length === 0) throw new HarnessError("bad-input", "DH PARAMETERS without a prime");
  return new Uint8Array(prime);
}
