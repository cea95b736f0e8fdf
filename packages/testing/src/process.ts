import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { devNull } from "node:os";

import { HarnessError } from "./errors.js";

/** How much of a process's output is kept for diagnostics (per stream, the tail). */
const OUTPUT_TAIL_CHARS = 32_768;

/**
 * The environment of every command the harness runs: no system-wide openssl.cnf (a
 * `MinProtocol`/`CipherString` there would make s_server differ from its command line) and no
 * GnuTLS system priority overrides. Compile-time defaults (e.g. Debian's @SECLEVEL=2) remain.
 */
export function harnessEnv(): NodeJS.ProcessEnv {
  return { ...process.env, OPENSSL_CONF: devNull, GNUTLS_SYSTEM_PRIORITY_FILE: devNull };
}

export interface CommandResult {
  /** Exit code, or null when the process died of a signal (e.g. our timeout). */
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/**
 * Runs a command to completion with stdin closed (so `s_client`/`gnutls-cli` exit after the
 * handshake). Never rejects on a non-zero exit: the caller reads `exitCode`. Rejects with
 * `spawn-failed` when the command cannot be started at all.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { timeoutMs?: number } = {},
): Promise<CommandResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: harnessEnv() });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(
        new HarnessError("spawn-failed", `cannot run ${command}: ${error.message}`, {
          cause: error,
        }),
      );
    });
    child.once("close", (exitCode) => {
      clearTimeout(timer);
      resolve({
        exitCode,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
        timedOut,
      });
    });
  });
}

const exitHooks: (() => void)[] = [];
let exitHooksInstalled = false;

/**
 * Runs `hook` (synchronous) when this process exits normally or on SIGTERM, which is how vitest
 * ends its fork workers ('exit' handlers do not run when a signal kills a process). After the
 * hooks, SIGTERM is re-raised unless someone else listens for it, so it still terminates.
 */
export function atHarnessExit(hook: () => void): void {
  exitHooks.push(hook);
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  const runHooks = (): void => {
    for (const run of exitHooks.splice(0)) {
      try {
        run();
      } catch {
        // Best effort: the process is going away.
      }
    }
  };
  process.once("exit", runHooks);
  process.once("SIGTERM", () => {
    runHooks();
    if (process.listenerCount("SIGTERM") === 0) process.kill(process.pid, "SIGTERM");
  });
}

/** Every server process still running, killed when the test process exits. */
const liveChildren = new Set<ChildProcess>();
let trackingHookInstalled = false;

function trackChild(child: ChildProcess): void {
  if (!trackingHookInstalled) {
    trackingHookInstalled = true;
    atHarnessExit(() => {
      for (const live of liveChildren) live.kill("SIGKILL");
    });
  }
  liveChildren.add(child);
  child.once("exit", () => liveChildren.delete(child));
}

let setprivWorks: boolean | null = null;

/**
 * `[command, args]` wrapped in `setpriv --pdeathsig KILL` where util-linux has it (Linux): the
 * kernel then kills the server when the test process dies in any way, SIGKILL included, which no
 * handler in the test process can cover.
 */
function withParentDeathSignal(command: string, args: readonly string[]): [string, string[]] {
  setprivWorks ??=
    spawnSync("setpriv", ["--pdeathsig", "KILL", "--", "true"], { stdio: "ignore" }).status === 0;
  return setprivWorks
    ? ["setpriv", ["--pdeathsig", "KILL", "--", command, ...args]]
    : [command, [...args]];
}

/** What a readiness check makes of the output so far. */
export type Readiness =
  | { readonly state: "waiting" }
  | { readonly state: "ready"; readonly port: number }
  /** The server cannot listen where asked (e.g. EADDRINUSE): stop it and try another port. */
  | { readonly state: "retry"; readonly reason: string };

export interface ServerProcessSpec {
  readonly command: string;
  readonly args: readonly string[];
  /** Called with the whole output so far (stdout, stderr) after each chunk until not "waiting". */
  readonly readiness: (stdout: string, stderr: string) => Readiness;
  readonly startTimeoutMs: number;
}

export interface ServerProcess {
  readonly port: number;
  readonly pid: number;
  /** The tail of stdout and stderr so far, for diagnostics. */
  output(): string;
  /** SIGTERM, then SIGKILL after 2 s; resolves once the process has exited. Idempotent. */
  stop(): Promise<void>;
}

function appendTail(tail: string, chunk: string): string {
  const joined = tail + chunk;
  return joined.length > OUTPUT_TAIL_CHARS ? joined.slice(-OUTPUT_TAIL_CHARS) : joined;
}

/**
 * Spawns a long-running server and resolves once `readiness` says it listens. Stdin stays an open
 * pipe: `openssl s_server` treats end of stdin as "shut down". Rejects with `server-exited`,
 * `start-timeout` or `spawn-failed`, or with `port-in-use` when readiness asks to retry (the
 * caller picks another port).
 */
export function startServerProcess(spec: ServerProcessSpec): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const [command, args] = withParentDeathSignal(spec.command, spec.args);
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"], env: harnessEnv() });
    trackChild(child);
    let stdout = "";
    let stderr = "";
    let settled = false;
    const exited = new Promise<void>((resolveExit) => {
      if (child.exitCode !== null || child.signalCode !== null) resolveExit();
      else child.once("exit", () => resolveExit());
    });
    const output = (): string => `[stdout]\n${stdout}\n[stderr]\n${stderr}`;

    let stopping: Promise<void> | null = null;
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 2_000);
          await exited;
          clearTimeout(timer);
        }
        child.stdin?.destroy();
      })();
      return stopping;
    };

    const timer = setTimeout(() => {
      fail(
        new HarnessError(
          "start-timeout",
          `${spec.command} did not report listening within ${spec.startTimeoutMs} ms`,
          { output: output() },
        ),
      );
    }, spec.startTimeoutMs);

    const fail = (error: HarnessError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop().then(() => reject(error));
    };

    const check = (): void => {
      if (settled) return;
      const verdict = spec.readiness(stdout, stderr);
      if (verdict.state === "ready") {
        settled = true;
        clearTimeout(timer);
        resolve({ port: verdict.port, pid: child.pid ?? -1, output, stop });
      } else if (verdict.state === "retry") {
        fail(new HarnessError("port-in-use", verdict.reason, { output: output() }));
      }
    };

    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdout = appendTail(stdout, chunk);
      check();
    });
    child.stderr.on("data", (chunk: string) => {
      stderr = appendTail(stderr, chunk);
      check();
    });
    // Writing to a server that died must not crash the test process.
    child.stdin.on("error", () => undefined);
    child.once("error", (error) => {
      fail(
        new HarnessError("spawn-failed", `cannot run ${spec.command}: ${error.message}`, {
          cause: error,
        }),
      );
    });
    // 'close' comes after 'exit' once stdout and stderr are drained: judge on the whole output.
    child.once("close", (code, signal) => {
      check();
      fail(
        new HarnessError(
          "server-exited",
          `${spec.command} exited (${signal ?? `code ${code}`}) before it was ready: ${spec.command} ${spec.args.join(" ")}`,
          { output: output() },
        ),
      );
    });
  });
}
