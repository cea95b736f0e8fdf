import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Command } from "commander";
import type { TlsgateConfig } from "@tlsgate/core";
import { CONFIG_FILE, CONFIG_SCHEMA_ID, InputError } from "@tlsgate/core/settings";
import type { ExitCode } from "../exit-codes.js";
import type { Io } from "../io.js";

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

/** `tlsgate init`: a starter tlsgate.config.json and a GitHub workflow that runs the Action. */
export function registerInitCommand(
  program: Command,
  io: Io,
  _setExitCode: (code: ExitCode) => void,
): void {
  program
    .command("init")
    .description(`Write ${CONFIG_FILE} and .github/workflows/tlsgate.yml.`)
    .argument("[targets...]", "targets to put in the config", [])
    .option("-p, --policy <name|file>", "policy for the config", "intermediate")
    .option("--force", "overwrite existing files")
    .addHelpText(
      "after",
      "\nExample:\n  $ tlsgate init example.com api.example.com:8443 --policy modern",
    )
    .action((targets: string[], flags: { policy: string; force?: boolean }) => {
      const config: TlsgateConfig = {
        $schema: CONFIG_SCHEMA_ID,
        policy: flags.policy,
        failOn: "error",
        targets: targets.length > 0 ? targets : ["example.com"],
      };
      const files = [
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
    });
}
