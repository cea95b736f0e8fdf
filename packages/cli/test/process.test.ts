/**
 * How the CLI ends as a process: a reader that closes the pipe early, and an internal error
 * (a bug, not a verdict), which has its own exit code and one line unless --debug is given.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/main.js";

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
