// Measures what the TLS 1.3 session-ticket wait of a full handshake (probe/full-handshake.ts,
// TICKET_WAIT_FLOOR_MS) rests on, against real servers on 127.0.0.1 (openssl s_server and
// gnutls-serv, each its own process):
//  1. the delay from node:tls's secureConnect to the ticket's 'session' event, with 1 and with
//     --concurrency handshakes in flight (the server then queues them), and how many would have
//     come after the wait (max(floor, 3 x handshake time));
//  2. probeHandshake with the scanner's ticket wait against the same servers while the client's
//     event loop is busy (--busy ms of synchronous work every --busy-every ms, as a scan of many
//     targets does): how many handshakes saw their ticket;
//     and with the event loop blocked once for --block ms just after the client's Finished (a
//     CPU-starved process or a long synchronous task): the ticket is in the socket's buffer
//     before the wait ends, but the wait's timer runs first;
//  3. the cost for a server that sends no ticket (openssl s_server -num_tickets 0): the median
//     duration of probeHandshake with and without the ticket wait.
// Runs from the TypeScript sources, so nothing needs building first.
//
// Usage: npx tsx scripts/bench-tickets.ts [--runs 60] [--concurrency 32] [--busy 40] [--busy-every 50] [--block 400]
import { connect as netConnect } from "node:net";
import { performance } from "node:perf_hooks";
import { connect } from "node:tls";
import { probeHandshake, TICKET_WAIT_FLOOR_MS } from "../packages/core/src/probe/full-handshake.js";
import { startGnutlsServer, startOpenSslServer, type TestServer } from "@tlsgate/testing";

const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const RUNS = argument("runs", 60);
const CONCURRENCY = argument("concurrency", 32);
const BUSY_MS = argument("busy", 40);
const BUSY_EVERY_MS = argument("busy-every", 50);
const BLOCK_MS = argument("block", 400);
/** The scanner's ticket wait bound (check-certificates.ts). */
const TICKET_WAIT_MS = 1000;

const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};
const ms = (value: number): string => `${value.toFixed(1)} ms`;

interface TicketDelay {
  handshakeMs: number;
  /** secureConnect → first 'session'; null when none came within TICKET_WAIT_MS. */
  ticketMs: number | null;
}

/** One plain node:tls handshake (TLS 1.3, no verification), timing the ticket after it. */
function ticketDelay(port: number): Promise<TicketDelay> {
  return new Promise((resolve) => {
    const started = performance.now();
    let secured = 0;
    const socket = connect({
      host: "127.0.0.1",
      port,
      minVersion: "TLSv1.3",
      rejectUnauthorized: false,
    });
    const done = (ticketMs: number | null): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ handshakeMs: secured - started, ticketMs });
    };
    let timer = setTimeout(() => done(null), 10_000);
    socket.once("secureConnect", () => {
      secured = performance.now();
      clearTimeout(timer);
      timer = setTimeout(() => done(null), TICKET_WAIT_MS);
    });
    socket.once("session", () => done(performance.now() - secured));
    socket.on("error", () => done(null));
  });
}

async function inFlight<T>(count: number, runs: number, task: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: count }, async () => {
      while (next < runs) {
        next += 1;
        results.push(await task());
      }
    }),
  );
  return results;
}

function describeDelays(label: string, delays: readonly TicketDelay[]): void {
  const seen = delays.filter((d) => d.ticketMs !== null) as {
    handshakeMs: number;
    ticketMs: number;
  }[];
  const late = seen.filter((d) => d.ticketMs > Math.max(TICKET_WAIT_FLOOR_MS, 3 * d.handshakeMs));
  const tickets = seen.map((d) => d.ticketMs);
  console.log(
    `${label}: ${seen.length}/${delays.length} tickets; handshake p50 ${ms(
      quantile(
        delays.map((d) => d.handshakeMs),
        0.5,
      ),
    )}; ` +
      `ticket after handshake p50 ${ms(quantile(tickets, 0.5))}, p99 ${ms(quantile(tickets, 0.99))}, max ${ms(Math.max(...tickets))}; ` +
      `after the wait: ${late.length}`,
  );
}

async function withBusyLoop<T>(task: () => Promise<T>): Promise<T> {
  const busy = setInterval(() => {
    const end = performance.now() + BUSY_MS;
    while (performance.now() < end);
  }, BUSY_EVERY_MS);
  try {
    return await task();
  } finally {
    clearInterval(busy);
  }
}

async function probeTickets(server: TestServer, label: string): Promise<void> {
  const outcomes = await withBusyLoop(() =>
    inFlight(CONCURRENCY, RUNS, () =>
      probeHandshake(
        { address: "127.0.0.1", port: server.port, sni: null },
        { timeoutMs: 10_000, ticketWaitMs: TICKET_WAIT_MS, minVersion: "TLSv1.3" },
      ),
    ),
  );
  const completed = outcomes.filter((o) => o.ok);
  const tickets = completed.filter((o) => o.ok && o.handshake.ticketIssued).length;
  console.log(
    `${label}, probeHandshake, ${CONCURRENCY} in flight, event loop busy ${BUSY_MS} of every ${BUSY_EVERY_MS} ms: ` +
      `${tickets}/${completed.length} completed handshakes saw their ticket (${outcomes.length - completed.length} failed)`,
  );
}

/** probeHandshake whose event loop is blocked once, as soon as the client has sent its Finished. */
async function probeBlocked(server: TestServer, label: string): Promise<void> {
  let tickets = 0;
  let completed = 0;
  for (let run = 0; run < Math.min(RUNS, 20); run++) {
    const outcome = await probeHandshake(
      { address: "127.0.0.1", port: server.port, sni: null },
      {
        timeoutMs: 10_000,
        ticketWaitMs: TICKET_WAIT_MS,
        minVersion: "TLSv1.3",
        connect: (to) => {
          const socket = netConnect({ host: to.address, port: to.port });
          const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
          let writes = 0;
          // The second write is the client's Finished: block once the handshake is judged done.
          socket.write = ((...args: unknown[]) => {
            writes += 1;
            if (writes === 2) {
              setImmediate(() => {
                const end = performance.now() + BLOCK_MS;
                while (performance.now() < end);
              });
            }
            return write(...args);
          }) as typeof socket.write;
          return socket;
        },
      },
    );
    if (!outcome.ok) continue;
    completed += 1;
    if (outcome.handshake.ticketIssued) tickets += 1;
  }
  console.log(
    `${label}, probeHandshake, event loop blocked ${BLOCK_MS} ms after the Finished: ${tickets}/${completed} completed handshakes saw their ticket`,
  );
}

const servers: { label: string; server: TestServer }[] = [
  { label: "openssl s_server", server: await startOpenSslServer({ protocol: "TLSv1.3" }) },
  {
    label: "gnutls-serv",
    server: await startGnutlsServer({ priority: "NORMAL:-VERS-ALL:+VERS-TLS1.3" }),
  },
];
const noTickets = await startOpenSslServer({
  protocol: "TLSv1.3",
  extraArgs: ["-num_tickets", "0"],
});
try {
  console.log(
    `TICKET_WAIT_FLOOR_MS = ${TICKET_WAIT_FLOOR_MS}, ticket wait bound ${TICKET_WAIT_MS} ms, ${RUNS} handshakes per row`,
  );
  for (const { label, server } of servers) {
    await ticketDelay(server.port); // warm-up
    describeDelays(
      `${label}, 1 in flight`,
      await inFlight(1, RUNS, () => ticketDelay(server.port)),
    );
    describeDelays(
      `${label}, ${CONCURRENCY} in flight`,
      await inFlight(CONCURRENCY, RUNS, () => ticketDelay(server.port)),
    );
    await probeTickets(server, label);
    await probeBlocked(server, label);
  }
  const durations = async (ticketWaitMs: number): Promise<number> => {
    const times: number[] = [];
    for (let run = 0; run < Math.min(RUNS, 20); run++) {
      const started = performance.now();
      await probeHandshake(
        { address: "127.0.0.1", port: noTickets.port, sni: null },
        { timeoutMs: 10_000, ticketWaitMs, minVersion: "TLSv1.3" },
      );
      times.push(performance.now() - started);
    }
    return quantile(times, 0.5);
  };
  const without = await durations(0);
  const withWait = await durations(TICKET_WAIT_MS);
  console.log(
    `server without tickets: probeHandshake median ${ms(without)} without the wait, ${ms(withWait)} with it (+${ms(withWait - without)})`,
  );
} finally {
  await Promise.all([...servers.map(({ server }) => server.stop()), noTickets.stop()]);
}
