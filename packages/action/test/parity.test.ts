/**
 * The CLI and the Action are shells over one pipeline, so the same bad input must fail the same
 * way in both: the CLI (`node packages/cli/bin.js`, exit 2, the message on stderr) and the built
 * Action (dist/index.js under a runner's environment, a failed step with the same message).
 * Build both first: `npm run build` and `npm run bundle -w @tlsgate/action`.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runDist } from "./support/run-dist.js";

const CLI = resolve(import.meta.dirname, "../../cli/bin.js");
const workspace = mkdtempSync(join(tmpdir(), "tlsgate-parity-"));
writeFileSync(join(workspace, "not-a-ca.pem"), "no certificate here\n");
writeFileSync(join(workspace, "package.json"), "{}\n");
writeFileSync(
  join(workspace, "escape.yaml"),
  "name: escape\nversion: 1.0.0\nextends:\n  - /etc/hostname\n",
);
writeFileSync(
  join(workspace, "misspelt.yaml"),
  [
    "name: acme/misspelt",
    "version: 1.0.0",
    "rules:",
    "  no-tls10:",
    "    severty: error",
    "    title: No TLS 1.0",
    "    schema: { properties: { protocol: {} } }",
  ].join("\n"),
);

function runCli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: workspace, env: { PATH: process.env.PATH ?? "" }, timeout: 60_000 },
      (error, _stdout, stderr) => {
        done({
          code: error === null ? 0 : typeof error.code === "number" ? error.code : null,
          stderr,
        });
      },
    );
  });
}

/** The failed step's message: the `::error::` command core.setFailed writes, unescaped. */
function stepFailure(stdout: string): string[] {
  const line = stdout.split("\n").find((l) => l.startsWith("::error::"));
  if (line === undefined) return [];
  const message = line
    .slice("::error::".length)
    .replace(/%0D/g, "\r")
    .replace(/%0A/g, "\n")
    .replace(/%25/g, "%");
  return message.split("\n");
}

// Unreachable on purpose: a plan with errors never connects, so no server is needed.
const TARGET = "127.0.0.1:9";

describe.each([
  {
    name: "an unreadable CA file",
    cli: ["--ca", "missing-ca.pem"],
    action: { "ca-file": "missing-ca.pem" },
    expected: [/^tlsgate: ca: cannot read missing-ca\.pem: ENOENT/],
  },
  {
    name: "a CA file without a certificate",
    cli: ["--ca", "not-a-ca.pem"],
    action: { "ca-file": "not-a-ca.pem" },
    expected: [/^tlsgate: ca: not-a-ca\.pem: /],
  },
  {
    name: "an unknown client",
    cli: ["--clients", "Firefox 999"],
    action: { clients: "Firefox 999" },
    expected: [/^tlsgate: unknown client profile: "Firefox 999"/],
  },
  {
    name: "a misspelt policy (two problems, both named)",
    cli: ["--policy", "misspelt.yaml"],
    action: { policy: "misspelt.yaml" },
    expected: [
      /^tlsgate: policy error: misspelt\.yaml:5:5 \/rules\/no-tls10\/severty: unknown property severty \(did you mean severity\?\)/,
      /^tlsgate: policy error: misspelt\.yaml:7:29 \/rules\/no-tls10\/schema\/properties\/protocol: protocol is not a ScanReport field \(did you mean protocols\?\)$/,
    ],
  },
  {
    name: "a bad target",
    target: "https://",
    cli: [],
    action: {},
    expected: [/^tlsgate: invalid target "https:\/\/"/],
  },
  {
    name: "a timeout out of range",
    cli: ["--timeout", "99999999999"],
    action: { timeout: "99999999999" },
    expected: [/^tlsgate: timeout: expected a whole number from 100 to 600000/],
  },
  {
    name: "a deadline out of range",
    cli: ["--deadline", "5"],
    action: { deadline: "5" },
    expected: [/^tlsgate: deadline: expected a whole number from 1000 to 3600000, got "5"$/],
  },
  {
    name: "an extends file outside the repository",
    cli: ["--policy", "escape.yaml"],
    action: { policy: "escape.yaml" },
    expected: [
      /^tlsgate: policy error: escape\.yaml:4:5 \/extends\/0: extends "\/etc\/hostname" reads \/etc\/hostname, outside the policy's repository/,
    ],
  },
])("$name", ({ target = TARGET, cli, action, expected }) => {
  it("fails the same way in the CLI and in the built Action", async () => {
    const [fromCli, fromAction] = await Promise.all([
      runCli(["scan", target, ...cli]),
      runDist({ workspace, inputs: { targets: target, ...action } }),
    ]);
    const cliLines = fromCli.stderr.trimEnd().split("\n");
    expect(cliLines).toHaveLength(expected.length);
    cliLines.forEach((line, i) => expect(line).toMatch(expected[i]!));
    expect(fromCli.code).toBe(2);

    expect(stepFailure(fromAction.stdout)).toEqual(cliLines);
    expect(fromAction.code).toBe(1);
    // Nothing was scanned: no outputs, no summary.
    expect(fromAction.outputs).toEqual({});
    expect(fromAction.summary).toBe("");
  });
});
