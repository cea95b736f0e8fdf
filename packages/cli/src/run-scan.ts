/**
 * The CLI's shell around core's pipeline, shared by `scan`, `check` and `demo`: planRun (every
 * problem of the input before any connection), runPlan, then write the outputs and number the
 * outcome. Nothing here scans, evaluates or gates.
 */
import {
  escapeControlCharacters,
  expiringWaiverWarnings,
  planRun,
  runPlan,
  type RunInput,
  type RunPlan,
  type RunResult,
  type TlsgateError,
} from "@tlsgate/core";
import { EXIT, exitCodeFor, type ExitCode } from "./exit-codes.js";
import { onlyStreamed, openStreams, writeOutputs, type OutputSpec } from "./outputs.js";
import { ProgressLine } from "./progress.js";
import type { Io } from "./io.js";

export interface Presentation {
  outputs: readonly OutputSpec[];
  color: boolean;
  progress: boolean;
  io: Io;
  /** Per-target details in text and Markdown; default: only for a few targets. */
  details?: boolean;
  /** SARIF `automationDetails.id` category. */
  sarifCategory?: string;
}

export interface ShellResult {
  exitCode: ExitCode;
  /** Null when the plan had errors (they are on stderr). */
  result: RunResult | null;
}

export async function runScan(input: RunInput, presentation: Presentation): Promise<ShellResult> {
  const { io } = presentation;
  const plan = planOrReport(
    {
      ...input,
      outputFiles: presentation.outputs.flatMap((output) =>
        output.path === null ? [] : [output.path],
      ),
    },
    io,
  );
  if (plan === null) return { exitCode: EXIT.usage, result: null };

  const progress = presentation.progress ? new ProgressLine(io.stderr) : null;
  const streams = openStreams(presentation.outputs, io.stdout, io.stdoutReady);
  // Only streamed outputs: nothing needs the whole run at the end, so it is not kept.
  const retain = !onlyStreamed(presentation.outputs);
  const expiringStreamed = new Set<string>();
  let result: RunResult;
  try {
    result = await runPlan(plan, {
      onResult: (judged) => {
        const written = streams.onResult(judged);
        if (!retain) {
          for (const line of expiringWaiverWarnings([judged.evaluation])) {
            expiringStreamed.add(line);
          }
        }
        return written;
      },
      retain,
      ...(progress === null
        ? {}
        : {
            onProgress: (event) => progress.update(event),
            onReport: (report) => progress.done(report.target.input),
          }),
    });
  } catch (error) {
    // A failed run: its ndjson files are closed without a gate line (incomplete, never a pass).
    progress?.clear();
    streams.close();
    throw error;
  }
  progress?.clear();
  streams.finish(result.gate, plan.gate);
  const expiring = retain ? expiringWaiverWarnings(result.evaluations) : [...expiringStreamed];
  for (const warning of [...result.warnings, ...expiring]) {
    io.stderr(`tlsgate: warning: ${escapeControlCharacters(warning)}\n`);
  }
  writeOutputs(presentation.outputs, result.evaluations, result.reports, {
    gate: plan.gate,
    color: presentation.color,
    stdout: io.stdout,
    cwd: io.cwd,
    ...(presentation.details === undefined ? {} : { details: presentation.details }),
    ...(presentation.sarifCategory === undefined
      ? {}
      : { sarifCategory: presentation.sarifCategory }),
  });
  return { exitCode: exitCodeFor(result.gate.outcome), result };
}

/** The plan, or null after printing every problem (one line each) to stderr. */
export function planOrReport(input: RunInput, io: Io): RunPlan | null {
  const { plan, warnings, errors } = planRun(input);
  reportProblems(warnings, errors, io);
  return plan;
}

/** Warnings and errors on stderr, one line each. */
export function reportProblems(
  warnings: readonly string[],
  errors: readonly TlsgateError[],
  io: Io,
): void {
  // Lines can quote what a file or a server said: control characters are escaped for the terminal.
  const say = (line: string): void => io.stderr(`tlsgate: ${escapeControlCharacters(line)}\n`);
  for (const warning of warnings) say(`warning: ${warning}`);
  for (const error of errors) for (const line of error.toLines()) say(line);
}
