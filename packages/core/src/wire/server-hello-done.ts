/** ServerHelloDone (RFC 5246 7.4.5): the end of a TLS ≤ 1.2 server's first flight. Empty. */
import { ByteReader } from "./bytes.js";

export function decodeServerHelloDone(body: Uint8Array): void {
  new ByteReader(body).expectEnd("ServerHelloDone");
}
