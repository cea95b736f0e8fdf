/**
 * The half-close of ScanContext.probe against a scripted server (raw bytes): no real TLS stack
 * drops a hello because the client ended its side, but a middlebox or a proxy that does not keep
 * half-open connections does, and the answer must then be the one a plain hello gets.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startRawServer, type RawServer } from "@tlsgate/testing";
import { buildClientHello } from "../probe/client-hellos.js";
import {
  ALERT_DESCRIPTION,
  ALERT_LEVEL,
  CONTENT_TYPE,
  encodeAlert,
  encodeRecord,
} from "../wire/index.js";
import { ScanContext } from "./context.js";

const servers: RawServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

/**
 * Refuses every hello with handshake_failure, but closes without a word on a connection whose
 * client ended its side first. `halfClosed` records, per connection, which of the two it was.
 */
async function dropsHalfClosed(): Promise<{ server: RawServer; halfClosed: boolean[] }> {
  const halfClosed: boolean[] = [];
  const server = await startRawServer(
    (socket) =>
      new Promise<void>((resolve) => {
        // A client that half-closed sends its end with the hello; a plain one sends nothing more
        // until it has the answer, so the script answers it once this wait is over.
        const answer = setTimeout(() => {
          socket.off("end", drop);
          halfClosed.push(false);
          const alert = encodeAlert(ALERT_LEVEL.fatal, ALERT_DESCRIPTION.handshake_failure);
          socket.end(encodeRecord(CONTENT_TYPE.alert, 0x0303, alert));
          resolve();
        }, 300);
        const drop = (): void => {
          clearTimeout(answer);
          halfClosed.push(true);
          socket.destroy();
          resolve();
        };
        socket.once("end", drop);
      }),
  );
  servers.push(server);
  return { server, halfClosed };
}

function contextFor(server: RawServer): ScanContext {
  return new ScanContext({
    endpoint: { address: "127.0.0.1", port: server.port },
    sni: null,
    targetLabel: "scripted",
    timeoutMs: 2000,
    concurrency: 1,
    retries: 0,
    halfClose: true,
  });
}

const hello = (): Uint8Array =>
  buildClientHello({ protocol: "TLSv1.2", cipherSuites: [0xc02f], sni: null });

describe("ScanContext.probe half-close", { timeout: 20_000 }, () => {
  it("asks again the usual way when the half-closed hello got no answer, then stops half-closing", async () => {
    const scripted = await dropsHalfClosed();
    const ctx = contextFor(scripted.server);
    const first = await ctx.probe(hello);
    // The plain hello's answer, not the silence the half-close got: a refusal with its alert.
    expect(first.kind === "rejected" ? first.alert?.name : first.kind).toBe("handshake_failure");
    const second = await ctx.probe(hello);
    expect(second.kind === "rejected" ? second.alert?.name : second.kind).toBe("handshake_failure");
    expect(ctx.probes).toBe(3);
    // One half-closed attempt, its plain repeat, and the next probe plain from the start.
    expect(scripted.halfClosed).toEqual([true, false, false]);
  });

  it("sends a plain hello when half-close is off (STARTTLS)", async () => {
    const scripted = await dropsHalfClosed();
    const ctx = new ScanContext({
      endpoint: { address: "127.0.0.1", port: scripted.server.port },
      sni: null,
      targetLabel: "scripted",
      timeoutMs: 2000,
      concurrency: 1,
      retries: 0,
    });
    const outcome = await ctx.probe(hello);
    expect(outcome.kind === "rejected" ? outcome.alert?.name : outcome.kind).toBe(
      "handshake_failure",
    );
    expect(scripted.halfClosed).toEqual([false]);
  });
});
