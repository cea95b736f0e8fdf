/**
 * The action: read the inputs, plan and run with core (scan, evaluate, gate), then report (files,
 * job summary, annotations, PR comment), set the outputs, and fail the step when the gate fails.
 * The Action decides nothing itself: core's plan validates every input and core's gate decides.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  PolicyError,
  TlsgateError,
  formatJson,
  formatHtml,
  formatSarif,
  formatText,
  impactHeadline,
  planRun,
  runPlan,
  type Evaluation,
  type RunPlan,
  type RunResult,
  type SarifOptions,
} from "@tlsgate/core";
import { annotateFindings, annotatePolicyError, repoPath } from "./annotations.js";
import { commentBody, commentMarker, publishComment } from "./comment.js";
import { formatImpacts, gitReadAtCommit, policyChangeImpacts } from "./impact.js";
import { readInputs, type ActionInputs } from "./inputs.js";
import { safeLogging } from "./log.js";
import { formatSummary } from "./summary.js";
import { defaultToolkit, type Toolkit } from "./toolkit.js";

export interface ActionResult extends RunResult {
  verdict: "pass" | "fail";
}

/** Runs the action; never throws: bad input and failed gates end in `core.setFailed`. */
export async function run(given: Toolkit = defaultToolkit()): Promise<ActionResult | null> {
  // Every line the Action logs is escaped here, once, whatever part of it writes the line.
  const toolkit = { ...given, core: safeLogging(given.core) };
  try {
    return await runAction(toolkit);
  } catch (error) {
    failOnError(toolkit, [error]);
    return null;
  }
}

/**
 * The one place the Action turns errors into a failed step: tlsgate's own errors are bad input,
 * one line per problem (policy problems also annotated at their file); anything else is a bug,
 * reported with its stack.
 */
function failOnError(toolkit: Toolkit, errors: readonly unknown[]): void {
  const lines: string[] = [];
  for (const error of errors) {
    if (error instanceof PolicyError) annotatePolicyError(toolkit.core, error, toolkit.workspace);
    if (error instanceof TlsgateError) lines.push(...error.toLines());
    else lines.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
  toolkit.core.setFailed(lines.map((line) => `tlsgate: ${line}`).join("\n"));
}

async function runAction(toolkit: Toolkit): Promise<ActionResult | null> {
  const { core, cwd } = toolkit;
  const inputs = readInputs(core);
  const outputFiles = [inputs.reportFile, inputs.sarifFile, inputs.htmlFile].filter(
    (f): f is string => f !== null,
  );
  const { plan, warnings, errors } = planRun({ ...inputs.run, cwd, outputFiles });
  for (const warning of warnings) core.warning(`tlsgate: ${warning}`);
  if (plan === null) {
    failOnError(toolkit, errors);
    return null;
  }

  if (plan.shard !== null) {
    core.info(
      `tlsgate: shard ${plan.shard.index}/${plan.shard.count} scans ${plan.targets.length} of ${plan.total} target(s)`,
    );
  }
  const result = await runPlan(plan, {
    onReport: (report) => {
      const reachable = report.reachable === true ? "scanned" : "not reachable";
      core.info(`tlsgate: ${report.target.input} ${reachable} in ${report.durationMs} ms`);
    },
  });
  const { evaluations, reports, gate } = result;
  for (const warning of result.warnings) core.warning(`tlsgate: ${warning}`);

  core.info(formatText(evaluations, reports, { gate: plan.gate, color: false }));

  // The JSON report is what `tlsgate merge` joins across shards.
  const reportFile = writeOutputFile(cwd, inputs.reportFile, () =>
    formatJson(evaluations, reports, { gate: plan.gate }),
  );
  const sarifFile = writeOutputFile(cwd, inputs.sarifFile, () =>
    formatSarif(evaluations, reports, {
      gate: plan.gate,
      root: toolkit.workspace,
      ...(inputs.sarifCategory === null ? {} : { category: inputs.sarifCategory }),
      ...sarifArtifact(toolkit, plan),
    }),
  );
  const htmlFile = writeOutputFile(cwd, inputs.htmlFile, () =>
    formatHtml(evaluations, reports, { gate: plan.gate }),
  );

  const impacts = policyChangeImpacts(core, plan, result, {
    baseSha: toolkit.event().baseSha ?? null,
    workspace: toolkit.workspace,
    readAtCommit: gitReadAtCommit(toolkit.workspace),
  });
  for (const { policyFile, impact } of impacts) {
    core.info(`tlsgate: ${policyFile}: ${impactHeadline(impact)}`);
  }
  const markdown = formatSummary(evaluations, reports, {
    gate: plan.gate,
    shard: plan.shard,
    total: plan.total,
    impact: formatImpacts(impacts),
  });
  try {
    await core.summary.addRaw(markdown).write();
  } catch (error) {
    // Outside a runner (no GITHUB_STEP_SUMMARY) there is nowhere to write it.
    core.info(`tlsgate: no job summary: ${(error as Error).message}`);
  }
  annotateFindings(core, evaluations, {
    workspace: toolkit.workspace,
    cwd,
    reports,
    inconclusive: plan.gate.inconclusive ?? "fail",
  });
  if (inputs.comment) await comment(toolkit, inputs, plan, markdown);

  core.setOutput("verdict", gate.verdict);
  core.setOutput("failures", sum(evaluations, "fail"));
  core.setOutput("inconclusive", sum(evaluations, "inconclusive"));
  core.setOutput("report-file", reportFile ?? "");
  core.setOutput("sarif-file", sarifFile ?? "");
  core.setOutput("html-file", htmlFile ?? "");

  if (gate.verdict === "fail") core.setFailed(`tlsgate: ${gate.reasons.join("; ")}`);
  return { ...result, verdict: gate.verdict };
}

function sum(evaluations: readonly Evaluation[], status: "fail" | "inconclusive"): number {
  return evaluations.reduce((total, evaluation) => total + evaluation.counts[status], 0);
}

/** Writes a report file (its folder made and checked by planRun); its absolute path, or null. */
function writeOutputFile(cwd: string, file: string | null, render: () => string): string | null {
  if (file === null) return null;
  const path = resolve(cwd, file);
  writeFileSync(path, render());
  return path;
}

/**
 * Code scanning wants each result in a file of the repository: the policy file when every target
 * uses the same one from the repository, else the config file, else the running workflow.
 */
function sarifArtifact(toolkit: Toolkit, plan: RunPlan): Pick<SarifOptions, "artifact"> {
  const policyFiles = new Set(plan.targets.map((planned) => planned.policyFile));
  const [only] = policyFiles;
  if (policyFiles.size === 1 && only !== undefined && only !== null) {
    const uri = repoPath(only, toolkit.workspace);
    if (uri !== null) return { artifact: { uri, file: only } };
  }
  const config = repoPath(plan.configFile, toolkit.workspace);
  if (config !== null) return { artifact: { uri: config } };
  if (toolkit.workflowFile !== null) return { artifact: { uri: toolkit.workflowFile } };
  return {};
}

async function comment(
  toolkit: Toolkit,
  inputs: ActionInputs,
  plan: RunPlan,
  markdown: string,
): Promise<void> {
  const { core } = toolkit;
  const event = toolkit.event();
  if (event.pullRequest === null) {
    core.info(`tlsgate: comment skipped: ${event.name || "this"} event is not a pull request`);
    return;
  }
  if (inputs.githubToken === "") {
    core.warning("tlsgate: comment skipped: github-token is empty");
    return;
  }
  const marker = commentMarker(plan.shard, inputs.commentKey);
  await publishComment(
    core,
    toolkit.comments(inputs.githubToken),
    { owner: event.owner, repo: event.repo, number: event.pullRequest },
    commentBody(markdown, marker, event.runUrl),
    marker,
  );
}
