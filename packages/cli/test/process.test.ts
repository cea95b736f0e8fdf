/**
 * How the CLI behaves as a process: a reader that closes the pipe early, a reader that stops
 * reading a streamed scan (the scan waits for it), and an internal error (a bug, not a
 * verdict), which has its own exit code and one line unless --debug is given.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { untilQuiet } from "@tlsgate/testing";
import { describe, expect, it } from "vitest";
import { main } from "../src/main.js";
import { startOneServerFleet } from "./support/one-server-fleet.js";

const BIN = resolve(import.meta.dirname, "../bin.js");

describe("the tlsgate process", () => {
  it("ends quietly with its own exit code when stdout is closed (tlsgate … | head)", async () => {
    const child = spawn(process.execPath, [BIN, "registry", "suites"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Read one chunk, then close the pipe, as `head -1` does: the next writes fail with EPIPE.
    await new Promise<void>((done) => child.stdout.once("data", () => done()));
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.on("close", done));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});

describe("a reader that stops reading --format ndjson", () => {
  it.each(["1", "2"])(
    "holds the scan back: targets wait for the reader instead of lines piling up (--workers %s)",
    async (workers) => {
      // More lines than the pipe and the streams' buffers hold (a line is a few kB).
      const fleet = await startOneServerFleet(200, "paused-reader");
      const { targets } = fleet;
      try {
        // 32 targets in flight (2 × 64 connections / 4 per target), in this thread or over two
        // workers: more waiting for stdout at once than an emitter's default of 10 listeners.
        const child = spawn(
          process.execPath,
          [
            BIN,
            "scan",
            "--targets-file",
            fleet.targetsFile,
            "--policy",
            fleet.policy,
            "--format",
            "ndjson",
            "--max-connections",
            "64",
            "--concurrency",
            "4",
            "--workers",
            workers,
          ],
          { stdio: ["ignore", "pipe", "pipe"] },
        );
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        const exited = new Promise<number | null>((done) => child.on("close", done));
        // Nothing reads stdout yet: once the pipe is full, the server sees no new connection.
        const stalled = await untilQuiet(fleet.connections);
        expect(child.exitCode).toBeNull();
        let stdout = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        expect(await exited).toBe(0);
        expect(stderr).toBe("");
        const lines = stdout
          .trimEnd()
          .split("\n")
          .map((line) => JSON.parse(line) as { type: string; target?: string });
        expect(lines.filter((line) => line.type === "result").map((line) => line.target)).toEqual(
          expect.arrayContaining(targets),
        );
        expect(lines).toHaveLength(targets.length + 1);
        expect(lines.at(-1)).toMatchObject({ type: "gate", outcome: "pass" });
        // While stdout was full, most targets had not been started.
        expect(stalled).toBeGreaterThan(0);
        expect(stalled).toBeLessThan(fleet.connections() / 2);
      } finally {
        await fleet.close();
      }
    },
    120_000,
  );
});

describe("an internal error", () => {
  const brokenIo = (stderr: string[]) => ({
    stdout: () => {
      throw new TypeError("cannot read properties of undefined\n  (reading 'x')");
    },
    stderr: (text: string) => void stderr.push(text),
    stdoutIsTty: false,
    stderrIsTty: false,
    env: {},
    cwd: process.cwd(),
  });

  it("exits 4 (never a verdict's code) with one line and a hint", async () => {
    const stderr: string[] = [];
    expect(await main(["registry", "suites"], brokenIo(stderr))).toBe(4);
    expect(stderr).toEqual([
      "tlsgate: internal error: TypeError: cannot read properties of undefined (reading 'x')\n",
      "tlsgate: run again with --debug for the stack, and report it\n",
    ]);
  });

  it("prints the stack with --debug, wherever it stands", async () => {
    const stderr: string[] = [];
    expect(await main(["registry", "suites", "--debug"], brokenIo(stderr))).toBe(4);
    expect(stderr[0]).toMatch(/^tlsgate: internal error: TypeError: /);
    expect(stderr[1]).toMatch(/^TypeError: cannot read properties[\s\S]*\n\s+at /);
  });
});
