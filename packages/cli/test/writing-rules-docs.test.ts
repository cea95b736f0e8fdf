// Every example of docs/writing-rules.md runs here, so the guide cannot drift from tlsgate:
// each fenced block names a file to write (```yaml file=NAME), a command to run (```sh run,
// with exit=N when it must fail) or the output the block before it must print (```text output).
// The files go to a folder with @tlsgate/core installed (a link to this repository's package),
// every policy is linted (lint=error: it must be refused) and the commands run through the CLI.
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { runCli, type CliRun } from "./run-cli.js";

const GUIDE = fileURLToPath(new URL("../../../docs/writing-rules.md", import.meta.url));
const CORE_DIR = fileURLToPath(new URL("../../core/", import.meta.url));

interface Block {
  line: number;
  language: string;
  attributes: Map<string, string>;
  body: string;
}

/** The fenced code blocks of a Markdown text, with the attributes after their language. */
function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S+)(.*)$/.exec(lines[i] ?? "");
    if (open === null) continue;
    const attributes = new Map<string, string>();
    for (const token of (open[2] ?? "").trim().split(/\s+/).filter(Boolean)) {
      const [key, value = ""] = token.split("=");
      attributes.set(key ?? token, value);
    }
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== "```"; i++) body.push(lines[i] ?? "");
    blocks.push({ line: start + 1, language: open[1] ?? "", attributes, body: body.join("\n") });
  }
  return blocks;
}

const blocks = codeBlocks(readFileSync(GUIDE, "utf8"));
const files = blocks.filter((b) => b.attributes.has("file"));
const where = (block: Block): string => `docs/writing-rules.md:${block.line}`;
let cwd = "";

/** The output block right after a block, if any. */
function outputAfter(block: Block): string | undefined {
  const next = blocks[blocks.indexOf(block) + 1];
  return next?.language === "text" && next.attributes.has("output") ? next.body : undefined;
}

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), "tlsgate-guide-"));
  mkdirSync(join(cwd, "node_modules", "@tlsgate"), { recursive: true });
  symlinkSync(CORE_DIR, join(cwd, "node_modules", "@tlsgate", "core"), "dir");
  for (const block of files) {
    const path = join(cwd, block.attributes.get("file") ?? "");
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${block.body}\n`);
  }
});

describe("docs/writing-rules.md", () => {
  it("has only examples that this test runs", () => {
    expect(blocks.length).toBeGreaterThan(10);
    for (const block of blocks) {
      const runnable =
        (["yaml", "json"].includes(block.language) && block.attributes.has("file")) ||
        (block.language === "sh" && block.attributes.has("run")) ||
        (block.language === "text" && block.attributes.has("output"));
      expect(runnable, `${where(block)}: a block the test does not run`).toBe(true);
    }
  });

  const policies = files.filter((b) => !/\.case\.(ya?ml|json)$/.test(b.attributes.get("file")!));
  it.each(policies.map((b) => [b.attributes.get("file")!, b] as const))(
    "lints %s",
    async (file, block) => {
      const run = await runCli(["policy", "lint", file], { cwd });
      if (block.attributes.get("lint") === "error") {
        expect(run.code, where(block)).toBe(2);
        const output = outputAfter(block);
        expect(output, `${where(block)}: show the error it gives`).toBeDefined();
        expect(run.stderr).toContain(output);
      } else {
        expect(run.stderr, where(block)).toBe("");
        expect(run.code, where(block)).toBe(0);
        expect(run.stdout).toContain(`${file}: valid`);
        // An editor using the shipped schema agrees: no false alarm on a valid policy.
        const editorSchema = join(CORE_DIR, "schemas", "policy.schema.json");
        const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
        addFormatsModule.default(ajv, ["uri", "date"]);
        const validate = ajv.compile(JSON.parse(readFileSync(editorSchema, "utf8")) as object);
        validate(parseYaml(block.body));
        expect(validate.errors ?? [], where(block)).toEqual([]);
      }
    },
  );

  const commands = blocks
    .filter((b) => b.language === "sh")
    .flatMap((b) => b.body.split("\n").map((line) => [line, b] as const));
  it.each(commands)("runs %s", async (line, block) => {
    expect(line, where(block)).toMatch(/^npx tlsgate /);
    const run: CliRun = await runCli(line.split(/\s+/).slice(2), { cwd });
    const expected = Number(block.attributes.get("exit") ?? "0");
    expect(run.code, `${where(block)}: ${run.stdout}${run.stderr}`).toBe(expected);
    const output = outputAfter(block);
    if (output !== undefined) expect(run.stdout + run.stderr).toContain(output);
  });

  it("has cases that all pass, each one of them run", async () => {
    const cases = files.filter((b) => /\.case\.ya?ml$/.test(b.attributes.get("file")!));
    expect(cases.length).toBeGreaterThanOrEqual(3);
    const run = await runCli(["policy", "test", "cases"], { cwd });
    expect(run.stdout).toContain(`${cases.length} passed, 0 failed`);
    expect(run.code).toBe(0);
  });
});
