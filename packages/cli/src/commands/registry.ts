import type { Command } from "commander";
import type { CipherSuite } from "@tlsgate/core/registry";
import { EXIT, type ExitCode } from "../exit-codes.js";
import type { Io } from "../io.js";

const STRENGTHS = ["recommended", "secure", "weak", "insecure"] as const;

/** `tlsgate registry …`: look up what a cipher suite, group or signature scheme is. */
export function registerRegistryCommand(
  program: Command,
  io: Io,
  setExitCode: (code: ExitCode) => void,
): void {
  const registry = program
    .command("registry")
    .description("Look up cipher suites, groups and signature schemes in tlsgate's TLS registry.");

  registry
    .command("suites")
    .description("List cipher suites, or show the ones matching a name or code.")
    .argument("[query]", "IANA or OpenSSL name, or code such as 0xC02F")
    .option("--strength <class>", `only suites of one class (${STRENGTHS.join(", ")})`)
    .option("--protocol <version>", "only suites negotiable in this version, e.g. TLSv1.2")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ tlsgate registry suites DES-CBC3-SHA",
        "  $ tlsgate registry suites 0xC02F --json",
        "  $ tlsgate registry suites --strength insecure --protocol TLSv1.0",
      ].join("\n"),
    )
    .action(
      async (
        query: string | undefined,
        options: { strength?: string; protocol?: string; json?: boolean },
      ) => {
        const { CIPHER_SUITES, cipherSuiteByCode, cipherSuiteByName } =
          await import("@tlsgate/core/registry");
        if (
          options.strength !== undefined &&
          !(STRENGTHS as readonly string[]).includes(options.strength)
        ) {
          io.stderr(
            `tlsgate: unknown strength class "${options.strength}" (expected ${STRENGTHS.join(", ")})\n`,
          );
          setExitCode(EXIT.usage);
          return;
        }
        let suites: readonly CipherSuite[] = CIPHER_SUITES.filter((suite) => !suite.grease);
        if (query !== undefined) {
          const found = /^0x[0-9a-f]{1,4}$/i.test(query)
            ? cipherSuiteByCode(Number.parseInt(query, 16))
            : cipherSuiteByName(query);
          if (found === undefined) {
            io.stderr(`tlsgate: no cipher suite is named or numbered "${query}"\n`);
            setExitCode(EXIT.usage);
            return;
          }
          suites = [found];
        }
        if (options.strength !== undefined)
          suites = suites.filter((s) => s.strength === options.strength);
        if (options.protocol !== undefined) {
          const protocol = options.protocol;
          suites = suites.filter((s) => (s.protocols as readonly string[]).includes(protocol));
        }
        if (options.json === true) {
          io.stdout(`${JSON.stringify(suites, null, 2)}\n`);
          return;
        }
        for (const suite of suites) {
          io.stdout(
            `${suite.hex}  ${suite.iana.padEnd(50)} ${(suite.openssl ?? "-").padEnd(34)} ${String(suite.strength).padEnd(11)} ${suite.protocols.join(",")}\n`,
          );
        }
      },
    );

  registry
    .command("groups")
    .description("List key-exchange groups (post-quantum hybrids included).")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const { GROUPS } = await import("@tlsgate/core/registry");
      const groups = GROUPS.filter((group) => !group.grease);
      if (options.json === true) {
        io.stdout(`${JSON.stringify(groups, null, 2)}\n`);
        return;
      }
      for (const group of groups) {
        const tags = [group.postQuantum ? "post-quantum" : "", group.aliases.join(" ")].filter(
          Boolean,
        );
        io.stdout(`${group.hex}  ${group.name.padEnd(36)} ${tags.join("  ")}\n`);
      }
    });

  registry
    .command("sigalgs")
    .description("List TLS signature schemes.")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const { SIGNATURE_SCHEMES } = await import("@tlsgate/core/registry");
      if (options.json === true) {
        io.stdout(`${JSON.stringify(SIGNATURE_SCHEMES, null, 2)}\n`);
        return;
      }
      for (const scheme of SIGNATURE_SCHEMES) io.stdout(`${scheme.hex}  ${scheme.name}\n`);
    });
}
