/**
 * The inputs of action.yml, read as the runner gives them. Only the Action's own inputs (files
 * to write, the comment) are interpreted here; everything a run needs is passed to core's
 * planRun as written, so a bad value gets the same message as on the command line.
 */
import { InputError, parseTargetList, type RunInput } from "@tlsgate/core";
import { COMMENT_KEY } from "./comment.js";

export interface ActionInputs {
  /** What core plans the run from (targets, policy, config, gate and scan settings). */
  run: Omit<RunInput, "cwd">;
  reportFile: string | null;
  sarifFile: string | null;
  /** SARIF `automationDetails.id` category: keeps two jobs' uploads apart. */
  sarifCategory: string | null;
  /** Where to write the self-contained HTML report. */
  htmlFile: string | null;
  comment: boolean;
  /** Keeps this step's comment apart from other steps' (it goes into the comment's marker). */
  commentKey: string | null;
  githubToken: string;
}

interface InputReader {
  getInput(name: string): string;
  getBooleanInput(name: string): boolean;
}

export function readInputs(core: InputReader): ActionInputs {
  const text = (name: string): string | null => {
    const value = core.getInput(name).trim();
    return value === "" ? null : value;
  };
  let comment: boolean;
  try {
    comment = text("comment") === null ? false : core.getBooleanInput("comment");
  } catch (error) {
    throw new InputError("invalid-option", "comment", "expected true or false", { cause: error });
  }
  const commentKey = text("comment-key");
  if (commentKey !== null && !COMMENT_KEY.test(commentKey)) {
    throw new InputError(
      "invalid-option",
      "comment-key",
      `expected 1 to 40 letters, digits, ".", "_" or "-", got ${JSON.stringify(commentKey)}`,
    );
  }
  return {
    run: {
      targets: parseTargetList(core.getInput("targets")),
      targetsFile: text("targets-file"),
      config: text("config"),
      policy: text("policy"),
      failOn: text("fail-on"),
      inconclusive: text("inconclusive"),
      ca: pathList(core.getInput("ca-file")),
      timeout: text("timeout"),
      concurrency: text("concurrency"),
      maxConnections: text("max-connections"),
      maxPerAddress: text("max-per-address"),
      workers: text("workers"),
      deadline: text("deadline"),
      runDeadline: text("run-deadline"),
      allowPolicyPaths: pathList(core.getInput("allow-policy-path")),
      clients: text("clients"),
      allAddresses: text("all-addresses"),
      shard: text("shard"),
      now: text("now"),
    },
    reportFile: text("report-file"),
    sarifFile: text("sarif-file"),
    sarifCategory: text("sarif-category"),
    htmlFile: text("html-file"),
    comment,
    commentKey,
    githubToken: core.getInput("github-token").trim(),
  };
}

/** One path per line, trimmed; unlike target lists, a `#` is part of a path, not a comment. */
function pathList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
}
