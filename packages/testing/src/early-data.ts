import { spawn } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { harnessTempDir } from "./credentials.js";
import { HarnessError } from "./errors.js";
import type { Endpoint } from "./ground-truth.js";
import { harnessEnv, runCommand } from "./process.js";
import { hostPort } from "./tls-versions.js";

/** What a second client (openssl s_client) sees of a server's TLS 1.3 early data. */
export interface EarlyDataTruth {
  /** max_early_data_size of the ticket s_client saved (`-sess_out`): 0 when it allows none. */
  readonly maxEarlyData: number;
  /** The server accepted the early data s_client sent when resuming that ticket. */
  readonly accepted: boolean;
  readonly output: string;
}

/** How often the saved session file is looked for while s_client waits. */
const POLL_MS = 50;
let counter = 0;

/**
 * The early-data truth of a TLS 1.3 server by openssl s_client: one handshake saves the ticket
 * (`-sess_out`, its "Max Early Data"), a second resumes it sending early data (`-sess_in
 * -early_data`) and reports whether the server accepted it. Throws when no ticket arrives.
 */
export async function confirmEarlyDataWithOpenSsl(
  server: Endpoint,
  options: { readonly timeoutMs?: number } = {},
): Promise<EarlyDataTruth> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  counter += 1;
  const base = join(harnessTempDir(), `early-data-${counter}`);
  const sessionPath = `${base}.session.pem`;
  const dataPath = `${base}.data.txt`;
  writeFileSync(dataPath, "GET / HTTP/1.0\r\n\r\n");
  const connect = ["s_client", "-connect", hostPort(server.host, server.port), "-tls1_3"];
  try {
    const output = await saveTicket([...connect, "-sess_out", sessionPath], sessionPath, timeoutMs);
    const text = await runCommand("openssl", ["sess_id", "-in", sessionPath, "-noout", "-text"], {
      timeoutMs,
    });
    const max = /^\s*Max Early Data: (\d+)$/m.exec(text.stdout)?.[1];
    if (text.exitCode !== 0 || max === undefined) {
      throw new HarnessError("command-failed", "openssl s_client saved no ticket", { output });
    }
    const second = await runCommand(
      "openssl",
      [...connect, "-sess_in", sessionPath, "-early_data", dataPath],
      { timeoutMs },
    );
    const resumed = second.stdout + second.stderr;
    return {
      maxEarlyData: Number(max),
      accepted: /^Early data was accepted$/m.test(resumed),
      output: `${output}\n--- resumed ---\n${resumed}`,
    };
  } finally {
    rmSync(sessionPath, { force: true });
    rmSync(dataPath, { force: true });
  }
}

/**
 * Runs s_client with stdin open until it has written the ticket to `sessionPath` (its
 * new-session callback writes it on arrival) or `timeoutMs` passes: closing stdin at once can end
 * the connection before the server's ticket arrives. Resolves with what s_client printed.
 */
function saveTicket(
  args: readonly string[],
  sessionPath: string,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("openssl", args, { stdio: ["pipe", "pipe", "pipe"], env: harnessEnv() });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
    const started = Date.now();
    const poll = setInterval(() => {
      if (existsSync(sessionPath) || Date.now() - started > timeoutMs) {
        clearInterval(poll);
        child.stdin.end();
      }
    }, POLL_MS);
    const kill = setTimeout(() => child.kill("SIGKILL"), timeoutMs + 5000);
    child.once("error", (error) => {
      clearInterval(poll);
      clearTimeout(kill);
      reject(
        new HarnessError("spawn-failed", `cannot run openssl: ${error.message}`, { cause: error }),
      );
    });
    child.once("close", () => {
      clearInterval(poll);
      clearTimeout(kill);
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
  });
}
