/**
 * The action: read the inputs, scan every target, evaluate it against its policy, report (files,
 * job summary, annotations, PR comment), set the outputs, and fail the step when the gate fails.
 * The only module of the action that calls the scanner and the policy engine.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import {
  PolicyCache,
  PolicyError,
  TargetError,
  evaluate,
  formatJson,
  formatSarif,
  formatText,
  parseTarget,
  policyFileOf,
  scanTargets,
  verdictOf,
  type Evaluation,
  type Finding,
  type GateResult,
  type SarifOptions,
  type ScanReport,
  type Target,
} from "@tlsgate/core";
import {
  annotateFindings,
  annotatePolicyError,
  describePolicyError,
  repoPath,
} from "./annotations.js";
import { commentBody, commentMarker, publishComment } from "./comment.js";
import { InputError, readInputs, type ActionInputs } from "./inputs.js";
import { planScan, type ScanJob, type ScanPlan } from "./plan.js";
import { formatSummary } from "./summary.js";
import { defaultToolkit, type Toolkit } from "./toolkit.js";

/** Targets scanned at once (each with up to `concurrency` connections). */
const PARALLEL_TARGETS = 4;

export interface RunResult {
  verdict: "pass" | "fail";
  evaluations: Evaluation[];
  reports: ScanReport[];
}

/** Runs the action; never throws: bad input and failed gates end in `core.setFailed`. */
export async function run(toolkit: Toolkit = defaultToolkit()): Promise<RunResult | null> {
  const { core } = toolkit;
  try {
    return await runAction(toolkit);
  } catch (error) {
    if (error instanceof PolicyError) {
      annotatePolicyError(core, error, toolkit.workspace);
      core.setFailed(`tlsgate: invalid policy: ${describePolicyError(error, toolkit.workspace)}`);
    } else if (error instanceof InputError || error instanceof TargetError) {
      core.setFailed(`tlsgate: ${error.message}`);
    } else {
      core.setFailed(
        error instanceof Error ? `tlsgate: ${error.stack ?? error.message}` : String(error),
      );
    }
    return null;
  }
}

async function runAction(toolkit: Toolkit): Promise<RunResult> {
  const { core, cwd } = toolkit;
  const inputs = readInputs(core);
  const plan = planScan(inputs, cwd);

  // All bad input fails before the first connection: targets, policies, CA bundles.
  const targets = plan.jobs.map(targetOf);
  const policies = new PolicyCache();
  const compiled = plan.jobs.map((job) => policies.get(job.policy, job.policyDir));
  const ca = plan.caFiles.map((file) => {
    try {
      return readFileSync(file, "utf8");
    } catch (error) {
      throw new InputError("ca-file", `cannot read ${file}`, { cause: error });
    }
  });

  if (plan.shard !== null) {
    core.info(
      `tlsgate: shard ${plan.shard.index}/${plan.shard.count} scans ${plan.jobs.length} of ${plan.total} target(s)`,
    );
  }
  const reports = await scanTargets(targets, {
    timeoutMs: plan.timeoutMs,
    concurrency: plan.concurrency,
    ca,
    parallelTargets: PARALLEL_TARGETS,
    onReport: (report) => {
      const reachable = report.reachable === true ? "scanned" : "not reachable";
      core.info(`tlsgate: ${report.target.input} ${reachable} in ${report.durationMs} ms`);
    },
  });
  const evaluations = reports.map((report, i) => evaluate(compiled[i]!, report));
  const gate = verdictOf(evaluations, plan.gate);
  const unreachable = reports.filter((report) => report.reachable !== true);
  const gates = gate.verdict === "fail" || (unreachable.length > 0 && plan.gate.failOn !== "never");
  const verdict = gates ? "fail" : "pass";

  core.info(formatText(evaluations, reports, { gate: plan.gate, color: false }));

  // The JSON report is what `tlsgate merge` joins across shards.
  const reportFile = writeOutputFile(cwd, inputs.reportFile, () =>
    formatJson(evaluations, reports, { gate: plan.gate }),
  );
  const sarifFile = writeOutputFile(cwd, inputs.sarifFile, () =>
    formatSarif(evaluations, reports, { gate: plan.gate, ...sarifArtifact(toolkit, plan) }),
  );

  const markdown = formatSummary(evaluations, reports, {
    gate: plan.gate,
    shard: plan.shard,
    total: plan.total,
  });
  try {
    await core.summary.addRaw(markdown).write();
  } catch (error) {
    // Outside a runner (no GITHUB_STEP_SUMMARY) there is nowhere to write it.
    core.info(`tlsgate: no job summary: ${(error as Error).message}`);
  }
  annotateFindings(core, evaluations, toolkit.workspace);
  if (inputs.comment) await comment(toolkit, inputs, plan, markdown);

  core.setOutput("verdict", verdict);
  core.setOutput("failures", sum(evaluations, "fail"));
  core.setOutput("inconclusive", sum(evaluations, "inconclusive"));
  core.setOutput("report-file", reportFile ?? "");
  core.setOutput("sarif-file", sarifFile ?? "");

  if (gates) core.setFailed(`tlsgate: ${failureReasons(gate, unreachable, plan).join("; ")}`);
  return { verdict, evaluations, reports };
}

/** Why the gate failed: policy violations, targets not scanned, inconclusive rules. */
function failureReasons(
  gate: GateResult,
  unreachable: readonly ScanReport[],
  plan: ScanPlan,
): string[] {
  const reasons: string[] = [];
  const { failOn } = plan.gate;
  const ruleCount = (findings: readonly Finding[]): number =>
    new Set(findings.map((f) => `${f.target}\0${f.ruleId}`)).size;
  const failing = gate.blocking.filter((f) => f.status === "fail");
  if (failing.length > 0) {
    reasons.push(
      `policy violation: ${ruleCount(failing)} rule failure(s) at or above ${failOn} (${failing.length} finding(s))`,
    );
  }
  if (unreachable.length > 0 && failOn !== "never") {
    const list = unreachable.map((report) => report.target.input).join(", ");
    reasons.push(`${unreachable.length} target(s) could not be scanned: ${list}`);
  }
  const down = new Set(unreachable.map((report) => report.target.input));
  const inconclusive = gate.blocking.filter(
    (f) => f.status === "inconclusive" && !down.has(f.target),
  );
  if (inconclusive.length > 0) {
    reasons.push(
      `${ruleCount(inconclusive)} rule(s) at or above ${failOn} are inconclusive (the scan could not establish what they check)`,
    );
  }
  return reasons;
}

function targetOf(job: ScanJob): Target {
  const parsed = parseTarget(job.target);
  return {
    ...parsed,
    ...(job.port === undefined ? {} : { port: job.port }),
    // A configured SNI is also the name the certificate must match, as with host@ip.
    ...(job.sni === undefined ? {} : { sni: job.sni, host: job.sni }),
  };
}

/** Compiles each distinct policy once, however many targets use it. */

function sum(evaluations: readonly Evaluation[], status: "fail" | "inconclusive"): number {
  return evaluations.reduce((total, evaluation) => total + evaluation.counts[status], 0);
}

/** Writes a report file (creating its folder); returns its absolute path, or null when unset. */
function writeOutputFile(cwd: string, file: string | null, render: () => string): string | null {
  if (file === null) return null;
  const path = resolve(cwd, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, render());
  return path;
}

/**
 * Code scanning wants each result in a file of the repository: the policy file when every target
 * uses the same one from the repository, else the config file, else the running workflow.
 */
function sarifArtifact(toolkit: Toolkit, plan: ScanPlan): Pick<SarifOptions, "artifact"> {
  const policyFiles = new Set(plan.jobs.map((job) => policyFileOf(job.policy, job.policyDir)));
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
  plan: ScanPlan,
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
  const marker = commentMarker(plan.shard);
  await publishComment(
    core,
    toolkit.comments(inputs.githubToken),
    { owner: event.owner, repo: event.repo, number: event.pullRequest },
    commentBody(markdown, marker, event.runUrl),
    marker,
  );
}
