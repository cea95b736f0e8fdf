/**
 * Runs the built action (dist/index.js) the way a runner does: inputs as INPUT_* variables
 * (the name upper-cased, hyphens kept), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, the event
 * name and payload, and the workspace as working directory. Nothing of the test's own
 * environment leaks in but PATH.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const DIST = resolve(import.meta.dirname, "../../dist/index.js");

export interface DistRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** GITHUB_OUTPUT, parsed. */
  outputs: Record<string, string>;
  /** GITHUB_STEP_SUMMARY's content. */
  summary: string;
}

export interface DistOptions {
  /** Inputs by their action.yml name. */
  inputs: Record<string, string>;
  workspace: string;
  event?: { name: string; payload?: object };
  env?: Record<string, string>;
  /** Another copy of the bundle to run. */
  dist?: string;
}

/** The defaults action.yml gives inputs the workflow does not set. */
const DEFAULTS = { comment: "false", "github-token": "" };

/** Parses the `name<<DELIMITER\nvalue\nDELIMITER` blocks @actions/core writes. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const block = /^([^<\n]+)<<(ghadelimiter_[0-9a-f-]+)\n([\s\S]*?)\n\2$/gm;
  for (const match of text.matchAll(block)) outputs[match[1]!] = match[3]!;
  return outputs;
}

export async function runDist(options: DistOptions): Promise<DistRun> {
  const dir = mkdtempSync(join(tmpdir(), "tlsgate-action-runner-"));
  const outputFile = join(dir, "output");
  const summaryFile = join(dir, "summary");
  writeFileSync(outputFile, "");
  writeFileSync(summaryFile, "");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_REPOSITORY: "acme/web",
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_RUN_ID: "42",
    GITHUB_EVENT_NAME: options.event?.name ?? "push",
    RUNNER_TEMP: dir,
    NO_PROXY: "127.0.0.1",
  };
  if (options.event?.payload !== undefined) {
    const eventFile = join(dir, "event.json");
    writeFileSync(eventFile, JSON.stringify(options.event.payload));
    env.GITHUB_EVENT_PATH = eventFile;
  }
  for (const [name, value] of Object.entries({ ...DEFAULTS, ...options.inputs })) {
    env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
  }
  Object.assign(env, options.env);
  const { code, stdout, stderr } = await new Promise<{
    code: number | null;
    stdout: string;
    stderr: string;
  }>((done) => {
    execFile(
      process.execPath,
      [options.dist ?? DIST],
      { cwd: options.workspace, env, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        done({ code, stdout, stderr });
      },
    );
  });
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(outputFile, "utf8")),
    summary: readFileSync(summaryFile, "utf8"),
  };
}
