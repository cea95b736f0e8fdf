import type { Command } from "commander";
import {
  CONFIG_FILE,
  FAIL_ON,
  REPORT_FORMATS,
  RUN_DEFAULTS,
  RUN_LIMITS,
} from "@tlsgate/core/settings";
import type { RunInput } from "@tlsgate/core";
import type { ExitCode } from "../exit-codes.js";
import type { Io } from "../io.js";
import { detectTerminal } from "../terminal.js";

export interface ScanFlags {
  policy?: string;
  format: string;
  output: string[];
  failOn?: string;
  inconclusive?: string;
  allowPolicyPath: string[];
  ca: string[];
  timeout?: string;
  concurrency?: string;
  maxConnections?: string;
  maxPerAddress?: string;
  workers?: string;
  deadline?: string;
  runDeadline?: string;
  targetsFile?: string;
  clients?: string;
  allAddresses?: boolean;
  starttls?: string;
  ehlo?: string;
  xmppDomain?: string;
  config?: string;
  now?: string;
  progress: boolean;
  details?: boolean;
  sarifCategory?: string;
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
    .argument(
      "[targets...]",
      "host, host:port, https://host[:port]/, IPv4, [v6]:port, host@ip, or a service URL: smtp://host, imap://, postgres://, … (see README)",
    )
    .option(
      "-p, --policy <name|file>",
      `preset name or policy file (default: ${RUN_DEFAULTS.policy})`,
    )
    .option(
      "-f, --format <format>",
      `stdout format: ${REPORT_FORMATS.join(", ")} (ndjson: a line per target as it finishes)`,
      "text",
    )
    .option("--details", "per-target details in text and Markdown even for many targets")
    .option("--no-details", "only the overview in text and Markdown, even for a few targets")
    .option("--sarif-category <name>", "SARIF run category (automationDetails.id), one per job")
    .option("-o, --output <format=path>", "also write a format to a file (repeatable)", collect, [])
    .option(
      "--fail-on <severity>",
      `lowest severity that fails: ${FAIL_ON.join(", ")} (default: error)`,
    )
    .option("--inconclusive <how>", "how inconclusive findings gate: fail or pass (default: fail)")
    .option("--ca <file>", "extra trust anchors, PEM (repeatable)", collect, [])
    .option(
      "--timeout <ms>",
      `timeout per probe in milliseconds, ${RUN_LIMITS.timeoutMs.min}-${RUN_LIMITS.timeoutMs.max} (default: ${RUN_DEFAULTS.timeoutMs})`,
    )
    .option(
      "--concurrency <n>",
      `connections at once per target, ${RUN_LIMITS.concurrency.min}-${RUN_LIMITS.concurrency.max} (default: ${RUN_DEFAULTS.concurrency})`,
    )
    .option(
      "--max-connections <n>",
      `connections open at once in the whole run, ${RUN_LIMITS.maxConnections.min}-${RUN_LIMITS.maxConnections.max} (default: ${RUN_DEFAULTS.maxConnections})`,
    )
    .option(
      "--max-per-address <n>",
      `connections open at once to one address, ${RUN_LIMITS.maxPerAddress.min}-${RUN_LIMITS.maxPerAddress.max} (default: ${RUN_DEFAULTS.maxPerAddress})`,
    )
    .option(
      "--workers <n>",
      `worker threads a fleet is spread over, ${RUN_LIMITS.workers.min}-${RUN_LIMITS.workers.max}; 1: one thread (default: one per core, at most 4; fewer than 64 targets: one thread, and at least 32 per worker)`,
    )
    .option(
      "--allow-policy-path <dir>",
      "a folder outside the policy's repository that extends may read (repeatable)",
      collect,
      [],
    )
    .option(
      "--deadline <ms>",
      `time a target's whole scan may take, ${RUN_LIMITS.deadlineMs.min}-${RUN_LIMITS.deadlineMs.max} (default: ${RUN_DEFAULTS.deadlineMs})`,
    )
    .option(
      "--run-deadline <ms>",
      `time the whole run may take, ${RUN_LIMITS.runDeadlineMs.min}-${RUN_LIMITS.runDeadlineMs.max} (default: ${RUN_DEFAULTS.runDeadlineMs})`,
    )
    .option("--targets-file <file>", "read targets from a file, one per line")
    .option(
      "--clients <list>",
      'simulate client handshakes: "default" (current clients), "all", or names, comma-separated',
    )
    .option(
      "--all-addresses",
      "scan every address a host name resolves to (A and AAAA), one report each (host@address:port); at most 16 per name, the rest reported as not scanned",
    )
    .option(
      "--starttls <protocol>",
      "STARTTLS before TLS for host[:port] targets: smtp, lmtp, imap, pop3, ftp, sieve, nntp, irc, xmpp, xmpp-server, ldap, postgres, mysql; postgres-direct: PostgreSQL 17 direct TLS (no preamble, ALPN postgresql)",
    )
    .option("--ehlo <name>", "the EHLO/LHLO name for SMTP and LMTP (default: tlsgate.invalid)")
    .option("--xmpp-domain <name>", "the XMPP stream's to domain (default: the target's host)")
    .option("-c, --config <file>", `configuration file (default: ./${CONFIG_FILE} if present)`)
    .option("--now <YYYY-MM-DD>", "the date waivers are judged at (default: today, UTC)")
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
        '  $ tlsgate scan example.com --clients default,"Android 8.1","Java 11"',
        "  $ tlsgate scan example.com --all-addresses",
        "  $ tlsgate scan smtp://mail.example.com submission://mail.example.com imaps://mail.example.com",
        "  $ tlsgate scan db.internal:5433 --starttls postgres",
        '  $ tlsgate scan "postgres://db.internal?sslnegotiation=direct"',
        "",
        "Exit codes: 0 pass, 1 policy violation, 2 usage, configuration or policy error,",
        "            3 a target could not be scanned (or was inconclusive, when that gates),",
        "            4 internal error (--debug prints the stack).",
      ].join("\n"),
    )
    .action(async (targets: string[], flags: ScanFlags) => {
      setExitCode(await scanCommand(targets, flags, io));
    });
}

async function scanCommand(targets: string[], flags: ScanFlags, io: Io): Promise<ExitCode> {
  const [{ outputSpecs }, { runScan }] = await Promise.all([
    import("../outputs.js"),
    import("../run-scan.js"),
  ]);
  const outputs = outputSpecs(flags.format, flags.output, io.cwd);
  const terminal = detectTerminal(io.env, io, { progress: flags.progress });
  const { exitCode } = await runScan(scanRunInput(targets, flags, io.cwd), {
    outputs,
    color: terminal.color,
    progress: terminal.progress,
    io,
    ...(flags.details === undefined ? {} : { details: flags.details }),
    ...(flags.sarifCategory === undefined ? {} : { sarifCategory: flags.sarifCategory }),
  });
  return exitCode;
}

/** What `scan` hands core's planRun: the flags as typed. */
export function scanRunInput(targets: string[], flags: ScanFlags, cwd: string): RunInput {
  return {
    cwd,
    targets,
    targetsFile: flags.targetsFile ?? null,
    policy: flags.policy ?? null,
    config: flags.config ?? null,
    ca: flags.ca,
    failOn: flags.failOn ?? null,
    inconclusive: flags.inconclusive ?? null,
    allowPolicyPaths: flags.allowPolicyPath,
    timeout: flags.timeout ?? null,
    concurrency: flags.concurrency ?? null,
    maxConnections: flags.maxConnections ?? null,
    maxPerAddress: flags.maxPerAddress ?? null,
    workers: flags.workers ?? null,
    deadline: flags.deadline ?? null,
    runDeadline: flags.runDeadline ?? null,
    clients: flags.clients ?? null,
    starttls: flags.starttls ?? null,
    ehlo: flags.ehlo ?? null,
    xmppDomain: flags.xmppDomain ?? null,
    now: flags.now ?? null,
    allAddresses: flags.allAddresses === true ? true : null,
  };
}
