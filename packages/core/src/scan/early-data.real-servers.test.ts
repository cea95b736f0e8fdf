// Early data (TLS 1.3 0-RTT) read from the server's own NewSessionTicket, against openssl s_server
// with and without -early_data. Truth: the server's flag, confirmed by openssl s_client saving the
// ticket (-sess_out, "Max Early Data") and resuming it with early data (-sess_in -early_data).
import { describe, expect, it } from "vitest";
import { confirmEarlyDataWithOpenSsl, startOpenSslServer } from "@tlsgate/testing";
import { checkCertificatesAndFeatures } from "../probe/check-certificates.js";

const OPTIONS = { timeoutMs: 10_000, ticketWaitMs: 3000 } as const;

async function withServer<T>(
  extraArgs: readonly string[],
  run: (endpoint: { host: string; port: number }) => Promise<T>,
): Promise<T> {
  const server = await startOpenSslServer({ protocol: "TLSv1.3", extraArgs });
  try {
    return await run({ host: "127.0.0.1", port: server.port });
  } finally {
    await server.stop();
  }
}

describe("early data from the server's NewSessionTicket", () => {
  it("s_server -early_data: the ticket allows 0-RTT", async () => {
    await withServer(["-early_data"], async (endpoint) => {
      const truth = await confirmEarlyDataWithOpenSsl(endpoint);
      expect(truth.maxEarlyData).toBeGreaterThan(0);
      expect(truth.accepted).toBe(true);

      const result = await checkCertificatesAndFeatures(`127.0.0.1:${endpoint.port}`, OPTIONS);
      expect(result.negotiated?.protocol).toBe("TLSv1.3");
      expect(result.features.earlyData).toBe(true);
      expect(result.errors.filter((error) => error.probe === "earlyData")).toEqual([]);
    });
  });

  it("s_server without -early_data: tickets allow none", async () => {
    await withServer([], async (endpoint) => {
      const truth = await confirmEarlyDataWithOpenSsl(endpoint);
      expect(truth.maxEarlyData).toBe(0);
      expect(truth.accepted).toBe(false);

      const result = await checkCertificatesAndFeatures(`127.0.0.1:${endpoint.port}`, OPTIONS);
      expect(result.features.earlyData).toBe(false);
      expect(result.errors.filter((error) => error.probe === "earlyData")).toEqual([]);
    });
  });

  it("no ticket at all: unknown with the reason, never false", async () => {
    await withServer(["-no_ticket", "-num_tickets", "0"], async (endpoint) => {
      await expect(confirmEarlyDataWithOpenSsl(endpoint, { timeoutMs: 3000 })).rejects.toThrow(
        /saved no ticket/,
      );

      const result = await checkCertificatesAndFeatures(`127.0.0.1:${endpoint.port}`, {
        ...OPTIONS,
        ticketWaitMs: 500,
      });
      expect(result.negotiated?.protocol).toBe("TLSv1.3");
      expect(result.features.earlyData).toBeNull();
      expect(result.errors.filter((error) => error.probe === "earlyData")).toEqual([
        {
          probe: "earlyData",
          code: "timeout",
          message: "no TLS 1.3 session ticket arrived after the handshake (waited at most 500 ms)",
        },
      ]);
    });
  });
});
