import { afterEach, describe, expect, it, vi } from "vitest";
import { startRawServer, type RawHandler, type RawServer } from "@tlsgate/testing";
import {
  ALERT_DESCRIPTION,
  ALERT_LEVEL,
  CONTENT_TYPE,
  HANDSHAKE_TYPE,
  encodeAlert,
  encodeHandshake,
  encodeRecord,
  encodeServerHello,
} from "../wire/index.js";
import { legacyFlight } from "../../test/support/scripted-servers.js";
import {
  HalfCloseState,
  probeHello,
  probeMaybeHalfClosed,
  probeWithRetry,
  type ProbeOutcome,
} from "./hello-probe.js";

const servers: RawServer[] = [];
async function serve(handler: RawHandler, waitForData = true): Promise<RawServer> {
  const server = await startRawServer(handler, { waitForData });
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

const TLS12 = 0x0303;
const HELLO = Uint8Array.of(0x16, 3, 1, 0, 0);

function probe(server: RawServer, stopAtServerHello = false): Promise<ProbeOutcome> {
  return probeHello({ address: "127.0.0.1", port: server.port }, HELLO, {
    timeoutMs: 1000,
    stopAtServerHello,
  });
}

describe("probeHello", { timeout: 10_000 }, () => {
  it("accepts a whole flight", async () => {
    const server = await serve((socket) => {
      socket.write(legacyFlight(TLS12, 0xc02f));
    });
    const outcome = await probe(server);
    expect(outcome.kind).toBe("accepted");
    const choice = outcome.kind === "accepted" ? outcome.choice : null;
    expect(choice).toMatchObject({ kind: "tls", version: TLS12, cipherSuite: 0xc02f });
    expect(choice?.kind === "tls" && choice.certificates).toHaveLength(1);
  });

  it("stops at the ServerHello when asked, and otherwise waits for the rest of the flight", async () => {
    // The ServerHello record alone; the rest of the flight never comes.
    const hello = encodeRecord(
      CONTENT_TYPE.handshake,
      TLS12,
      encodeHandshake(
        HANDSHAKE_TYPE.server_hello,
        encodeServerHello({
          legacyVersion: TLS12,
          random: new Uint8Array(32),
          cipherSuite: 0xc02f,
        }),
      ),
    );
    const server = await serve((socket) => {
      socket.write(hello);
    });
    // Fake clocks never fire on their own: the probe's deadline timer cannot end it, so an answer
    // here came from the ServerHello, and the probe must clear the timer it set.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const pending = probe(server, true);
      expect(vi.getTimerCount()).toBe(1);
      const early = await pending;
      expect(early).toMatchObject({
        kind: "accepted",
        choice: { kind: "tls", cipherSuite: 0xc02f },
        flightComplete: false,
      });
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
    // The whole flight was asked for: the choice stands although the flight never ended.
    expect(await probe(server, false)).toMatchObject({
      kind: "accepted",
      choice: { cipherSuite: 0xc02f, certificates: null },
    });
  });

  it("keeps the server's choice when a later message of its flight is malformed", async () => {
    const hello = encodeHandshake(
      HANDSHAKE_TYPE.server_hello,
      encodeServerHello({ legacyVersion: TLS12, random: new Uint8Array(32), cipherSuite: 0x002f }),
    );
    // A Certificate whose list claims 9 bytes of a 3-byte body.
    const certificate = Uint8Array.of(HANDSHAKE_TYPE.certificate, 0, 0, 3, 0, 0, 9);
    const server = await serve((socket) => {
      socket.write(
        Buffer.concat([
          encodeRecord(CONTENT_TYPE.handshake, TLS12, hello),
          encodeRecord(CONTENT_TYPE.handshake, TLS12, certificate),
        ]),
      );
    });
    const outcome = await probe(server);
    expect(outcome.kind).toBe("accepted");
    expect(outcome.kind === "accepted" && outcome.choice).toMatchObject({
      kind: "tls",
      cipherSuite: 0x002f,
      certificates: null,
    });
  });

  it("reads an alert and a silent close as rejections", async () => {
    const alert = await serve((socket) => {
      socket.end(
        encodeRecord(
          CONTENT_TYPE.alert,
          TLS12,
          encodeAlert(ALERT_LEVEL.fatal, ALERT_DESCRIPTION.handshake_failure),
        ),
      );
    });
    expect(await probe(alert)).toMatchObject({
      kind: "rejected",
      alert: { description: ALERT_DESCRIPTION.handshake_failure },
    });
    const close = await serve((socket) => {
      socket.end();
    });
    expect(await probe(close)).toEqual({ kind: "rejected", alert: null });
  });

  it("fails on a close in the middle of a reply, on plain HTTP, SSH or other garbage, and on a flood of warnings", async () => {
    const partial = await serve((socket) => {
      socket.end(legacyFlight(TLS12, 0x002f).subarray(0, 20));
    });
    expect(await probe(partial)).toMatchObject({ kind: "failed", code: "closed" });
    const garbage = await serve((socket) => {
      socket.end("HTTP/1.1 400 Bad Request\r\n\r\n");
    });
    expect(await probe(garbage)).toMatchObject({ kind: "failed", code: "plain-http" });
    const ssh = await serve((socket) => {
      socket.end("SSH-2.0-OpenSSH_9.6\r\n");
    });
    expect(await probe(ssh)).toMatchObject({ kind: "failed", code: "ssh-banner" });
    const other = await serve((socket) => {
      socket.end("220 mail.example ESMTP\r\n");
    });
    expect(await probe(other)).toMatchObject({ kind: "failed", code: "unparseable" });
    const warnings = await serve((socket) => {
      const warning = encodeAlert(ALERT_LEVEL.warning, ALERT_DESCRIPTION.unrecognized_name);
      socket.write(
        encodeRecord(CONTENT_TYPE.alert, TLS12, Buffer.concat(Array(100).fill(warning))),
      );
    });
    expect(await probe(warnings)).toMatchObject({ kind: "failed", code: "protocol" });
  });
});

describe("probeWithRetry", () => {
  const failed = (code: "timeout" | "unparseable"): ProbeOutcome => ({
    kind: "failed",
    code,
    message: code,
  });

  it("retries transient failures with backoff until one succeeds", async () => {
    const outcomes = [failed("timeout"), failed("timeout"), { kind: "rejected", alert: null }];
    let calls = 0;
    const outcome = await probeWithRetry(async () => outcomes[calls++] as ProbeOutcome, {
      retries: 2,
      backoffMs: 1,
    });
    expect(outcome).toEqual({ kind: "rejected", alert: null });
    expect(calls).toBe(3);
  });

  it("does not retry an unparseable reply: the server would send it again", async () => {
    let calls = 0;
    const outcome = await probeWithRetry(
      async () => {
        calls += 1;
        return failed("unparseable");
      },
      { retries: 2, backoffMs: 1 },
    );
    expect(outcome).toMatchObject({ kind: "failed", code: "unparseable" });
    expect(calls).toBe(1);
  });
});

describe("probeMaybeHalfClosed", () => {
  const timeout: ProbeOutcome = { kind: "failed", code: "timeout", message: "timed out" };
  const refusal: ProbeOutcome = { kind: "rejected", alert: null };
  /** Answers from a script, one per send, and records which sends were half-closed. */
  const scripted = (answers: Record<"half" | "plain", ProbeOutcome>) => {
    const sent: boolean[] = [];
    const send = (halfClose: boolean): Promise<ProbeOutcome> => {
      sent.push(halfClose);
      return Promise.resolve(halfClose ? answers.half : answers.plain);
    };
    return { send, sent };
  };
  const alert: ProbeOutcome = {
    kind: "rejected",
    alert: { level: 2, description: 40, name: "handshake_failure" },
  };

  it("does not ask a timeout again once a half-closed hello was answered on the target", async () => {
    const state = new HalfCloseState(true);
    const answered = scripted({ half: alert, plain: alert });
    expect(await probeMaybeHalfClosed(answered.send, state, true)).toBe(alert);
    expect(state.answered).toBe(true);
    const late = scripted({ half: timeout, plain: refusal });
    expect(await probeMaybeHalfClosed(late.send, state, true)).toBe(timeout);
    expect(late.sent).toEqual([true]);
    expect(state.on).toBe(true);
  });

  it("keeps half-closing when the plain repeat of a timeout times out too", async () => {
    const state = new HalfCloseState(true);
    const silent = scripted({ half: timeout, plain: timeout });
    expect(await probeMaybeHalfClosed(silent.send, state, true)).toBe(timeout);
    expect(silent.sent).toEqual([true, false]);
    expect(state.on).toBe(true);
  });
});
