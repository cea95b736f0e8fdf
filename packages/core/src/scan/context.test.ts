/**
 * The half-close of ScanContext.probe against a scripted server (raw bytes): no real TLS stack
 * drops a hello because the client ended its side, but a middlebox or a proxy that does not keep
 * half-open connections does, and the answer must then be the one a plain hello gets.
 */
import { connect as tlsConnect } from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { startNodeTlsServer, startRawServer, type RawServer } from "@tlsgate/testing";
import { cipherSuiteByName } from "../registry/index.js";
import { buildClientHello } from "../probe/client-hellos.js";
import {
  ALERT_DESCRIPTION,
  ALERT_LEVEL,
  CONTENT_TYPE,
  encodeAlert,
  encodeRecord,
} from "../wire/index.js";
import { HalfCloseState } from "../probe/hello-probe.js";
import { ScanContext } from "./context.js";
import { startRelayStoppingOnFin, type FinRelay } from "../../test/support/fin-relay.js";

const servers: RawServer[] = [];
const cleanups: (() => Promise<void>)[] = [];
const relayStoppingOnFin = async (upstreamPort: number): Promise<FinRelay> => {
  const relay = await startRelayStoppingOnFin(upstreamPort);
  cleanups.push(() => relay.stop());
  return relay;
};
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
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

  it("asks a timed-out half-closed hello again plainly behind a relay that stops on the FIN", async () => {
    const suite = "ECDHE-RSA-AES128-GCM-SHA256";
    const server = await startNodeTlsServer({ maxVersion: "TLSv1.2", ciphers: suite });
    cleanups.push(() => server.stop());
    const relay = await relayStoppingOnFin(server.port);
    // Ground truth from a second client: node:tls through the relay gets the configured suite.
    const truth = await new Promise<string>((resolve, reject) => {
      const socket = tlsConnect({ port: relay.port, host: "127.0.0.1", rejectUnauthorized: false });
      socket.once("secureConnect", () => {
        resolve(socket.getCipher().standardName);
        socket.destroy();
      });
      socket.once("error", reject);
    });
    expect(truth).toBe("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    const state = new HalfCloseState(true);
    const ctx = new ScanContext({
      endpoint: { address: "127.0.0.1", port: relay.port },
      sni: null,
      targetLabel: "relay",
      timeoutMs: 1000,
      concurrency: 1,
      retries: 0,
      halfClose: state,
    });
    const code = cipherSuiteByName(truth)?.code;
    const ask = (): Uint8Array =>
      buildClientHello({ protocol: "TLSv1.2", cipherSuites: [0xc02f, 0xc030], sni: null });
    const first = await ctx.probe(ask);
    expect(
      first.kind === "accepted" && first.choice.kind === "tls"
        ? first.choice.cipherSuite
        : first.kind,
    ).toBe(code);
    // The half-closed hello timed out, its plain repeat was answered: half-close is off.
    expect(state.on).toBe(false);
    const second = await ctx.probe(ask);
    expect(second.kind).toBe("accepted");
    // The second client's connection, then one half-closed attempt, its plain repeat, and the
    // next probe plain from the start.
    expect(relay.halfClosed).toEqual([false, true, false, false]);
    expect(ctx.probes).toBe(3);
  });
});
