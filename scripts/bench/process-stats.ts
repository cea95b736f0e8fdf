// Whole-process figures of a command: wall time, CPU (user + system) and peak RSS, read from
// GNU time's report (`/usr/bin/time -f`) when it is installed, else wall time only.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

export interface ProcessStats {
  wallMs: number;
  /** User + system CPU; null without GNU time. */
  cpuMs: number | null;
  /** Peak resident set size; null without GNU time. */
  peakRssMb: number | null;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

const GNU_TIME = "/usr/bin/time";

/** The first of these commands on PATH, or null. */
export function which(...names: string[]): string | null {
  for (const name of names) {
    const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
    if (found.status === 0 && found.stdout.trim() !== "") return found.stdout.trim();
  }
  return null;
}

export function runMeasured(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ProcessStats> {
  const dir = mkdtempSync(join(tmpdir(), "tlsgate-bench-"));
  const report = join(dir, "time.txt");
  const timed = existsSync(GNU_TIME);
  const [file, argv] = timed
    ? [GNU_TIME, ["-o", report, "-f", "%U %S %M", command, ...args]]
    : [command, [...args]];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, argv, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.once("error", reject);
    child.once("close", (code) => {
      const wallMs = performance.now() - started;
      let cpuMs: number | null = null;
      let peakRssMb: number | null = null;
      if (timed && existsSync(report)) {
        const last = readFileSync(report, "utf8").trim().split("\n").pop() ?? "";
        const [user, system, rssKb] = last.split(" ").map(Number);
        if (user !== undefined && system !== undefined && rssKb !== undefined) {
          cpuMs = (user + system) * 1000;
          peakRssMb = rssKb / 1024;
        }
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({
        wallMs,
        cpuMs,
        peakRssMb,
        exitCode: code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
  });
}

export const ms = (value: number | null): string =>
  value === null
    ? "-"
    : value >= 10_000
      ? `${(value / 1000).toFixed(1)} s`
      : `${Math.round(value)} ms`;
export const mb = (value: number | null): string =>
  value === null ? "-" : `${Math.round(value)} MB`;

/** The middle value (the mean of the two middle ones for an even count); 0 for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
