/**
 * Real Debian daemons (PostgreSQL, Dovecot, Exim, …) started by tests on loopback: a free port
 * found at runtime, a private directory, the server run in the foreground as `nobody` where it
 * refuses root, killed with the test process (setpriv --pdeathsig) and on stop().
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { getCredential, harnessTempDir } from "../../credentials.js";
import { HarnessError } from "../../errors.js";
import { atHarnessExit, harnessEnv } from "../../process.js";
import { pickFreePort } from "../test-server.js";

export interface Daemon {
  readonly host: "127.0.0.1";
  /** The ports it listens on, by role ("smtp", "imap", …). */
  readonly ports: Readonly<Record<string, number>>;
  /** The tail of what it printed. */
  output(): string;
  stop(): Promise<void>;
}

/** A port free right now on 127.0.0.1 (a daemon that loses a race for it fails to start). */
export const freePort = (): Promise<number> => pickFreePort("127.0.0.1");

export const NOBODY = { uid: 65534, gid: 65534 } as const;

/** A fresh directory for one daemon, owned by nobody, holding the RSA test certificate. */
export async function daemonDir(
  name: string,
): Promise<{ dir: string; certPath: string; keyPath: string }> {
  const dir = join(harnessTempDir(), `${name}-${process.hrtime.bigint()}`);
  mkdirSync(dir, { recursive: true });
  const credential = await getCredential("rsa2048");
  const certPath = join(dir, "cert.pem");
  const keyPath = join(dir, "key.pem");
  writeFileSync(certPath, credential.certPem);
  writeFileSync(keyPath, credential.keyPem, { mode: 0o600 });
  for (const path of [dir, certPath, keyPath]) chownSync(path, NOBODY.uid, NOBODY.gid);
  chmodSync(dir, 0o755);
  // The temp root must be traversable by nobody.
  chmodSync(harnessTempDir(), 0o755);
  return { dir, certPath, keyPath };
}

export function writeOwned(path: string, text: string, mode = 0o644): void {
  writeFileSync(path, text, { mode });
  chownSync(path, NOBODY.uid, NOBODY.gid);
}

/** Whether a command exists (the daemon is installed). */
export function installed(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/** Runs a setup command to completion as the given user; throws with its output on failure. */
export function runSetup(command: string, args: readonly string[], asNobody = false): string {
  const [cmd, argv] = asNobody ? nobodyCommand(command, args) : [command, [...args]];
  const result = spawnSync(cmd, argv, { encoding: "utf8", env: harnessEnv(), timeout: 120_000 });
  if (result.status !== 0) {
    throw new HarnessError("command-failed", `${command} ${args.join(" ")} failed`, {
      output: `${result.stdout}\n${result.stderr}`,
    });
  }
  return result.stdout;
}

function nobodyCommand(command: string, args: readonly string[]): [string, string[]] {
  return [
    "setpriv",
    [
      "--reuid",
      String(NOBODY.uid),
      "--regid",
      String(NOBODY.gid),
      "--clear-groups",
      command,
      ...args,
    ],
  ];
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const timer = setTimeout(() => socket.destroy(), 1000);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => {
      clearTimeout(timer);
      resolve(false);
    });
    socket.once("close", () => resolve(false));
  });
}

export interface DaemonSpec {
  command: string;
  args: readonly string[];
  asNobody?: boolean;
  ports: Readonly<Record<string, number>>;
  /** Default 100 s: a loaded machine starts a database (or Lua) slowly. */
  startTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Starts a foreground daemon and resolves once every port accepts connections. */
export async function startDaemon(spec: DaemonSpec): Promise<Daemon> {
  // One setpriv: the parent-death signal is set after the user change, which would clear it.
  const user =
    spec.asNobody === true
      ? ["--reuid", String(NOBODY.uid), "--regid", String(NOBODY.gid), "--clear-groups"]
      : [];
  const child = spawn(
    "setpriv",
    [...user, "--pdeathsig", "KILL", "--", spec.command, ...spec.args],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...harnessEnv(), ...spec.env },
      detached: false,
    },
  );
  let output = "";
  const append = (chunk: Buffer): void => {
    output = (output + chunk.toString("utf8")).slice(-32_768);
  };
  child.stdout.on("data", append);
  child.stderr.on("data", append);
  let exited = child.exitCode !== null;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  atHarnessExit(() => {
    if (!exited) child.kill("SIGKILL");
  });
  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exit;
    clearTimeout(timer);
  };
  const deadline = Date.now() + (spec.startTimeoutMs ?? 100_000);
  for (const port of Object.values(spec.ports)) {
    while (!(await portOpen(port))) {
      if (exited || Date.now() > deadline) {
        await stop();
        throw new HarnessError(
          exited ? "server-exited" : "start-timeout",
          `${spec.command} did not listen on ${port}`,
          { output },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { host: "127.0.0.1", ports: spec.ports, output: () => output, stop };
}
