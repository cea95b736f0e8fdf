// Writes the Inputs and Outputs tables of packages/action/README.md from action.yml, between
// the markers <!-- action-inputs:start --> … <!-- action-inputs:end --> (and action-outputs),
// formatted with the repository's prettier settings.
//
//   tsx scripts/update-action-readme.ts           update the README (npm run update:action-readme)
//   tsx scripts/update-action-readme.ts --check   fail when the README is out of date
//   --action FILE / --readme FILE                   other files (for tests)
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as prettier from "prettier";
import { parse } from "yaml";

const root = fileURLToPath(new URL("../", import.meta.url));

/** The parts of action.yml the tables show. */
interface ActionMetadata {
  inputs?: Record<string, { description?: string; required?: boolean; default?: unknown }>;
  outputs?: Record<string, { description?: string }>;
}

/** Text safe in a table cell: one line, pipes escaped. */
function cell(text: unknown): string {
  return String(text)
    .trim()
    .replace(/\s*\n\s*/g, " ")
    .replace(/\|/g, "\\|");
}

function inputsTable(inputs: ActionMetadata["inputs"]): string {
  const rows = ["| Input | Default | Description |", "| --- | --- | --- |"];
  for (const [name, input] of Object.entries(inputs ?? {})) {
    const fallback =
      input.default === undefined || input.default === "" ? "" : `\`${cell(input.default)}\``;
    const required = input.required === true ? "**Required.** " : "";
    rows.push(`| \`${name}\` | ${fallback} | ${required}${cell(input.description ?? "")} |`);
  }
  return rows.join("\n");
}

function outputsTable(outputs: ActionMetadata["outputs"]): string {
  const rows = ["| Output | Description |", "| --- | --- |"];
  for (const [name, output] of Object.entries(outputs ?? {})) {
    rows.push(`| \`${name}\` | ${cell(output.description ?? "")} |`);
  }
  return rows.join("\n");
}

function replaceBetween(text: string, name: string, content: string, file: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to < from) throw new Error(`${file}: missing ${start} … ${end}`);
  return `${text.slice(0, from + start.length)}\n\n${content}\n\n${text.slice(to)}`;
}

/** The README with fresh tables. */
export async function renderReadme(actionFile: string, readmeFile: string): Promise<string> {
  const action = parse(readFileSync(actionFile, "utf8")) as ActionMetadata;
  let text = readFileSync(readmeFile, "utf8");
  text = replaceBetween(text, "action-inputs", inputsTable(action.inputs), readmeFile);
  text = replaceBetween(text, "action-outputs", outputsTable(action.outputs), readmeFile);
  const options = (await prettier.resolveConfig(readmeFile)) ?? {};
  return prettier.format(text, { ...options, filepath: readmeFile });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: string): string => {
    const index = args.indexOf(name);
    const value = index === -1 ? undefined : args[index + 1];
    if (index !== -1 && value === undefined) throw new Error(`${name} needs a file`);
    return value === undefined ? fallback : resolve(value);
  };
  const actionFile = option("--action", resolve(root, "action.yml"));
  const readmeFile = option("--readme", resolve(root, "packages/action/README.md"));
  const fresh = await renderReadme(actionFile, readmeFile);
  const current = readFileSync(readmeFile, "utf8");
  if (args.includes("--check")) {
    if (fresh !== current) {
      console.error(
        `${readmeFile}: the Inputs/Outputs tables differ from action.yml. Run: npm run update:action-readme`,
      );
      process.exitCode = 1;
    }
  } else if (fresh !== current) {
    writeFileSync(readmeFile, fresh);
    console.log(`updated ${readmeFile}`);
  }
}
