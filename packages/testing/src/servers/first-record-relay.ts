import { connect } from "node:net";

import { startRawServer, type RawServer } from "./raw-server.js";

export interface FirstRecordRelay extends RawServer {
  /** The size in bytes of the one record passed back, per connection, in order. */
  readonly forwarded: readonly number[];
}

/**
 * A relay in front of a real TLS server on 127.0.0.1 that passes the client's bytes on but only
 * the server's first TLS record back, then closes (FIN): a server cut off in the middle of its
 * flight (a crash, a middlebox). No real stack closes there on demand, so a real server's flight
 * is cut instead of scripting its bytes.
 */
export async function startFirstRecordRelay(port: number): Promise<FirstRecordRelay> {
  const forwarded: number[] = [];
  const relay = await startRawServer((client, firstChunk) => {
    const upstream = connect({ host: "127.0.0.1", port });
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
    client.on("close", () => upstream.destroy());
    client.on("data", (chunk: Buffer) => upstream.write(chunk));
    upstream.write(firstChunk);
    let pending = Buffer.alloc(0);
    upstream.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      if (pending.length < 5) return;
      const length = 5 + pending.readUInt16BE(3);
      if (pending.length < length) return;
      forwarded.push(length);
      upstream.removeAllListeners("data");
      upstream.destroy();
      client.end(pending.subarray(0, length));
    });
  });
  return Object.defineProperty(relay, "forwarded", { value: forwarded }) as FirstRecordRelay;
}
