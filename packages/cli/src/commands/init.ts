import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, sep } from "node:path";
import type { Command } from "commander";
import type { TlsgateConfig } from "@tlsgate/core";
import { CONFIG_FILE, InputError } from "@tlsgate/core/settings";
import type { ExitCode } from "../exit-codes.js";
import type { Io } from "../io.js";
import { CLI_VERSION } from "../version.js";

const POLICY_FILE = "tls-policy.yaml";

const WORKFLOW = `name: TLS policy

on:
  pull_request:
  schedule:
    - cron: "17 5 * * *"
  workflow_dispatch:

permissions:
  contents: read

jobs:
  tlsgate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          persist-credentials: false
      - uses: tlsgate/tlsgate@v1
        with:
          config: ${CONFIG_FILE}
`;

/** Where a shipped schema is for a file in `fromDir`, and whether editors can read it offline. */
interface SchemaReference {
  ref: string;
  offline: boolean;
}

/**
 * A `$schema` reference to one of the schemas @tlsgate/core ships: a relative path to the copy
 * installed in the project (node_modules in `fromDir` or a folder above, as Node resolves it), so
 * that editors validate offline; without one, the same file of this version on unpkg.com.
 */
export function shippedSchema(fromDir: string, file: string): SchemaReference {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", "@tlsgate", "core", "schemas", file);
    if (existsSync(candidate)) {
      const path = relative(fromDir, candidate).split(sep).join("/");
      return { ref: path.startsWith("../") ? path : `./${path}`, offline: true };
    }
    if (dirname(dir) === dir) break;
  }
  return { ref: `https://unpkg.com/@tlsgate/core@${CLI_VERSION}/schemas/${file}`, offline: false };
}

/** The policy `extends` entry for --policy: a preset or package as given, a file relative to cwd. */
function extendsEntry(policy: string, cwd: string): string {
  if (!isAbsolute(policy) && !policy.startsWith(".")) return policy;
  const path = relative(cwd, isAbsolute(policy) ? policy : join(cwd, policy));
  return path.startsWith("..") ? policy : `./${path.split(sep).join("/")}`;
}

function starterPolicy(name: string, base: string, schema: string): string {
  return `# yaml-language-server: $schema=${schema}
# Your TLS policy. Writing rules: https://github.com/tlsgate/tlsgate/blob/main/docs/writing-rules.md
# Fields a rule can test: https://github.com/tlsgate/tlsgate/blob/main/docs/report-fields.md
# Check it: npx tlsgate policy lint ${POLICY_FILE}
$schema: ${schema}
name: ${name}
version: 1.0.0
extends:
  - ${JSON.stringify(base)}
rules: {}
# rules:
#   hsts: warning              # change the severity of a rule ${base} defines (or "off")
#   tls13-required:            # or add your own: a JSON Schema over the ScanReport
#     severity: error
#     title: TLS 1.3 is enabled
#     message: "{report.target.host} does not speak TLS 1.3"
#     schema:
#       properties:
#         protocols: { properties: { TLSv1.3: { const: true } } }
`;
}

/** `tlsgate init`: a starter policy, a tlsgate.config.json and a GitHub workflow. */
export function registerInitCommand(
  program: Command,
  io: Io,
  _setExitCode: (code: ExitCode) => void,
): void {
  program
    .command("init")
    .description(`Write ${POLICY_FILE}, ${CONFIG_FILE} and .github/workflows/tlsgate.yml.`)
    .argument("[targets...]", "targets to put in the config", [])
    .option("-p, --policy <name|file>", "policy the starter policy extends", "intermediate")
    .option("--force", "overwrite existing files")
    .addHelpText(
      "after",
      `
The starter policy's $schema points at the schema @tlsgate/core ships: at the installed copy
(node_modules/@tlsgate/core/schemas/) when the project has one, so editors validate offline;
otherwise at the same file on unpkg.com (install tlsgate in the project and run init --force
to switch).

Example:
  $ tlsgate init example.com api.example.com:8443 --policy modern`,
    )
    .action((targets: string[], flags: { policy: string; force?: boolean }) => {
      const policySchema = shippedSchema(io.cwd, "policy.schema.json");
      const configSchema = shippedSchema(io.cwd, "config.schema.json");
      const config: TlsgateConfig = {
        $schema: configSchema.ref,
        policy: `./${POLICY_FILE}`,
        failOn: "error",
        targets: targets.length > 0 ? targets : ["example.com"],
      };
      const name = `${
        basename(io.cwd)
          .toLowerCase()
          .replace(/[^a-z0-9._-]+/g, "-") || "my"
      }/tls`;
      const files = [
        {
          path: join(io.cwd, POLICY_FILE),
          text: starterPolicy(name, extendsEntry(flags.policy, io.cwd), policySchema.ref),
        },
        { path: join(io.cwd, CONFIG_FILE), text: `${JSON.stringify(config, null, 2)}\n` },
        { path: join(io.cwd, ".github", "workflows", "tlsgate.yml"), text: WORKFLOW },
      ];
      const existing = files.filter((file) => existsSync(file.path));
      if (existing.length > 0 && flags.force !== true) {
        throw new InputError(
          "invalid-option",
          null,
          `${existing.map((f) => f.path).join(", ")} already exist(s); use --force to overwrite`,
        );
      }
      for (const file of files) {
        mkdirSync(dirname(file.path), { recursive: true });
        writeFileSync(file.path, file.text);
        io.stdout(`wrote ${file.path}\n`);
      }
      if (!policySchema.offline) {
        io.stdout(
          `note: @tlsgate/core is not installed here, so $schema points at ${policySchema.ref} (editors fetch it online); to validate offline: npm install --save-dev tlsgate, then tlsgate init --force\n`,
        );
      }
    });
}
