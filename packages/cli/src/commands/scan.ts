import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Option, type Command } from "commander";
import { CONFIG_FILE, FAIL_ON, loadConfig, type FailOn } from "@tlsgate/core";
import { UsageError } from "../errors.js";
import type { ExitCode } from "../exit-codes.js";
import type { Io } from "../io.js";
import { parseFormat, parseOutput, type OutputSpec } from "../outputs.js";
import { DEFAULT_POLICY } from "../policies.js";
import { runScan, type ScanJob } from "../run-scan.js";
import { detectTerminal } from "../terminal.js";
import { existsSync } from "node:fs";

interface ScanFlags {
  policy?: string;
  format: string;
  output: string[];
  failOn?: string;
  inconclusive?: "fail" | "pass";
  ca: string[];
  timeout?: string;
  concurrency?: string;
  targetsFile?: string;
  clients?: string;
  config?: string;
  progress: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerScanCommand(
  program: Command,
  io: Io,
  setExitCode: (code: ExitCode) => void,
): void {
  program
    .command("scan")
    .description("Scan TLS endpoints at the wire level and check them against a policy.")
    .argument("[targets...]", "host, host:port, https://host[:port]/, IPv4, [v6]:port, host@ip")
    .option("-p, --policy <name|file>", `preset name or policy file (default: ${DEFAULT_POLICY})`)
    .option("-f, --format <format>", "stdout format: text, json, markdown, sarif, junit", "text")
    .option("-o, --output <format=path>", "also write a format to a file (repeatable)", collect, [])
    .addOption(
      new Option("--fail-on <severity>", "lowest severity that fails (default: error)").choices(
        FAIL_ON,
      ),
    )
    .addOption(
      new Option("--inconclusive <how>", "how inconclusive findings gate (default: fail)").choices([
        "fail",
        "pass",
      ]),
    )
    .option("--ca <file>", "extra trust anchors, PEM (repeatable)", collect, [])
    .option("--timeout <ms>", "timeout per probe in milliseconds (default: 5000)")
    .option("--concurrency <n>", "connections at once per target (default: 8)")
    .option("--targets-file <file>", "read targets from a file, one per line")
    .option(
      "--clients <list>",
      'simulate client handshakes: "default" (current clients), "all", or names, comma-separated',
    )
    .option("-c, --config <file>", `configuration file (default: ./${CONFIG_FILE} if present)`)
    .option("--no-progress", "no progress line on stderr")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ tlsgate scan example.com",
        "  $ tlsgate scan example.com:8443 --policy modern --format json | jq .gate",
        "  $ tlsgate scan new.example.com@203.0.113.7 --output sarif=tlsgate.sarif",
        "  $ tlsgate scan --targets-file hosts.txt --policy ./tls-policy.yaml --fail-on warning",
        '  $ tlsgate scan example.com --clients default,"Android 8.1","Java 11.0.2"',
        "",
        "Exit codes: 0 pass, 1 policy violation, 2 usage or policy error,",
        "            3 a target could not be scanned (or was inconclusive, when that gates).",
      ].join("\n"),
    )
    .action(async (targets: string[], flags: ScanFlags) => {
      setExitCode(await scanCommand(targets, flags, io));
    });
}

async function scanCommand(targets: string[], flags: ScanFlags, io: Io): Promise<ExitCode> {
  const configFile =
    flags.config ?? (existsSync(resolve(io.cwd, CONFIG_FILE)) ? CONFIG_FILE : undefined);
  const loaded = configFile === undefined ? null : loadConfig(configFile, io.cwd);
  const config = loaded?.config;
  const defaultPolicy = flags.policy ?? config?.policy ?? DEFAULT_POLICY;
  // A policy named on the command line is relative to the working directory; one in the
  // config file is relative to the config file.
  const defaultPolicyDir = flags.policy === undefined && loaded ? loaded.dir : io.cwd;

  const jobs: ScanJob[] = [];
  const fromCli = [
    ...targets,
    ...(flags.targetsFile ? readTargetsFile(flags.targetsFile, io) : []),
  ];
  for (const target of fromCli)
    jobs.push({ target, policy: defaultPolicy, policyDir: defaultPolicyDir });
  if (fromCli.length === 0 && loaded !== null) {
    for (const entry of loaded.config.targets) {
      if (typeof entry === "string") {
        jobs.push({ target: entry, policy: defaultPolicy, policyDir: defaultPolicyDir });
        continue;
      }
      jobs.push({
        target: entry.target,
        policy: entry.policy ?? defaultPolicy,
        policyDir: entry.policy === undefined ? defaultPolicyDir : loaded.dir,
        ...(entry.port === undefined ? {} : { port: entry.port }),
        ...(entry.sni === undefined ? {} : { sni: entry.sni }),
      });
    }
  }

  const outputs: OutputSpec[] = [
    { format: parseFormat(flags.format), path: null },
    ...flags.output.map(parseOutput).map((o) => ({ ...o, path: resolve(io.cwd, o.path!) })),
  ];
  const terminal = detectTerminal(io.env, io, { progress: flags.progress });
  const ca = [
    ...flags.ca.map((file) => resolve(io.cwd, file)),
    ...(config?.ca ?? []).map((file) => resolve(loaded!.dir, file)),
  ];
  const { exitCode } = await runScan(jobs, {
    gate: {
      failOn: (flags.failOn as FailOn | undefined) ?? config?.failOn ?? "error",
      inconclusive: flags.inconclusive ?? config?.inconclusive ?? "fail",
    },
    ca,
    timeoutMs: positiveInt(flags.timeout, "--timeout") ?? config?.timeout ?? 5000,
    concurrency: positiveInt(flags.concurrency, "--concurrency") ?? config?.concurrency ?? 8,
    ...(flags.clients === undefined ? {} : { clients: parseClients(flags.clients) }),
    outputs,
    color: terminal.color,
    progress: terminal.progress,
    io,
  });
  return exitCode;
}

function readTargetsFile(file: string, io: Io): string[] {
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd, file), "utf8");
  } catch (error) {
    throw new UsageError(`cannot read targets file ${file}: ${(error as Error).message}`);
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, "").trim())
    .filter((line) => line !== "");
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} wants a positive integer, got "${value}"`);
  return n;
}

/** "default", "all", or a comma-separated list of names (which may include "default"). */
function parseClients(value: string): "default" | "all" | string[] {
  const names = value
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  if (names.length === 0) throw new UsageError("--clients wants default, all or client names");
  if (names.length === 1 && (names[0] === "default" || names[0] === "all")) {
    return names[0];
  }
  return names;
}
