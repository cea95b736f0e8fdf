import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { EXIT, type ExitCode } from "../exit-codes.js";
import type { Io } from "../io.js";
import { detectTerminal } from "../terminal.js";

/**
 * `tlsgate demo`: start a well-configured, a legacy and a mail (SMTP STARTTLS) server on
 * 127.0.0.1, scan each against the intermediate preset, and show passing and failing gates. No
 * outside network.
 */
export function registerDemoCommand(
  program: Command,
  io: Io,
  setExitCode: (code: ExitCode) => void,
): void {
  program
    .command("demo")
    .description(
      "Scan three local demo servers (good, legacy, SMTP STARTTLS) and show the gate. No network.",
    )
    .option("-p, --policy <name>", "preset to check the demo servers against", "intermediate")
    .option("--no-progress", "no progress line on stderr")
    .addHelpText("after", "\nExample:\n  $ npx tlsgate demo")
    .action(async (flags: { policy: string; progress: boolean }) => {
      setExitCode(await demo(flags, io));
    });
}

async function demo(flags: { policy: string; progress: boolean }, io: Io): Promise<ExitCode> {
  const [{ makeDemoCredentials }, { startDemoServers }, { runScan }] = await Promise.all([
    import("../demo/certificates.js"),
    import("../demo/servers.js"),
    import("../run-scan.js"),
  ]);
  const terminal = detectTerminal(io.env, io, { progress: flags.progress });
  const credentials = await makeDemoCredentials();
  const servers = await startDemoServers(credentials);
  // The good server's chain ends at the demo CA: trust it as an internal CA, like `--ca`.
  const dir = mkdtempSync(join(tmpdir(), "tlsgate-demo-"));
  const caFile = join(dir, "demo-ca.pem");
  writeFileSync(caFile, credentials.caPem);
  try {
    const results = [];
    for (const server of servers) {
      io.stdout(
        `\n── ${server.name} server: tlsgate scan ${server.target} --policy ${flags.policy}\n\n`,
      );
      const { exitCode } = await runScan(
        {
          cwd: io.cwd,
          targets: [server.target],
          policy: flags.policy,
          config: false,
          ca: [caFile],
          timeout: 3000,
        },
        {
          outputs: [{ format: "text", path: null }],
          color: terminal.color,
          progress: terminal.progress,
          io,
        },
      );
      io.stdout(`→ exit code ${exitCode}\n`);
      results.push(exitCode);
    }
    const [good, legacy, mail] = results;
    const asExpected = good === EXIT.pass && legacy === EXIT.policyViolation && mail === EXIT.pass;
    io.stdout(
      asExpected
        ? "\nThe well-configured and the mail server pass and the legacy one fails the gate, as it should.\n"
        : "\nThe demo did not come out as expected: see the findings above.\n",
    );
    return asExpected ? EXIT.pass : EXIT.policyViolation;
  } finally {
    await Promise.all(servers.map((server) => server.close()));
    rmSync(dir, { recursive: true, force: true });
  }
}
