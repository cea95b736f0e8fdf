/** Where the CLI writes: injectable so tests capture output without a subprocess. */
export interface Io {
  stdout: (text: string) => void;
  /**
   * Resolves when stdout can take more: at once while it keeps up, else when what was written
   * has drained (or stdout closed or failed). Streamed output waits for it, so a slow reader
   * slows the run instead of lines piling up in memory. Absent: stdout always keeps up.
   */
  stdoutReady?: () => Promise<void>;
  stderr: (text: string) => void;
  stdoutIsTty: boolean;
  stderrIsTty: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): Io {
  // A reader that goes away (`tlsgate … | head`) is not an error: stop writing to it and let
  // the run end with its own exit code, without a stack trace.
  let stdoutClosed = false;
  let drained: Promise<void> | null = null;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    stdoutClosed = true;
  });
  return {
    stdout: (text) => {
      if (!stdoutClosed) process.stdout.write(text);
    },
    stdoutReady: () => {
      const stream = process.stdout;
      if (stdoutClosed || !stream.writableNeedDrain) return Promise.resolve();
      // One wait shared by every caller (a run has many targets in flight), so the stream
      // carries three listeners, not three per target.
      drained ??= new Promise<void>((resolve) => {
        const ready = (): void => {
          stream.off("drain", ready);
          stream.off("close", ready);
          stream.off("error", ready);
          drained = null;
          resolve();
        };
        stream.on("drain", ready);
        stream.on("close", ready);
        stream.on("error", ready);
      });
      return drained;
    },
    stderr: (text) => process.stderr.write(text),
    stdoutIsTty: process.stdout.isTTY === true,
    stderrIsTty: process.stderr.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
  };
}
