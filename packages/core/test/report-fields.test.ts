// docs/report-fields.md is generated from the ScanReport schema by
// scripts/generate-report-fields.ts; this fails when the page is stale or a field undocumented.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SCRIPT = join(REPO_ROOT, "scripts", "generate-report-fields.ts");
const FIX = "run `npm run generate:report-fields` and commit the result";

/** The parts of scripts/generate-report-fields.ts the test uses. */
interface FieldsGenerator {
  generate(): Promise<{ text: string; undocumented: string[] }>;
  reportFields(): { path: string }[];
  OUTPUT: string;
}

const loadGenerator = async (): Promise<FieldsGenerator> =>
  (await import(pathToFileURL(SCRIPT).href)) as FieldsGenerator;

const run = (args: string[]): { status: number | null; stderr: string } => {
  const result = spawnSync(process.execPath, ["--import", "tsx", SCRIPT, ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  return { status: result.status, stderr: result.stderr };
};

describe("docs/report-fields.md", () => {
  it("is what the generator makes from the schema, one row per field, each described", async () => {
    const { generate, reportFields, OUTPUT } = await loadGenerator();
    const { text, undocumented } = await generate();
    expect(undocumented, "ScanReport fields need a description in scan-report/schema.ts").toEqual(
      [],
    );
    const onDisk = readFileSync(join(REPO_ROOT, OUTPUT), "utf8");
    expect(onDisk === text, `${OUTPUT} is stale: ${FIX}.`).toBe(true);
    const rows = text.split("\n").filter((line) => /^\| `[^`]+` +\|/.test(line));
    const paths = reportFields().map((f) => f.path);
    expect(rows.map((row) => /^\| `([^`]+)`/.exec(row)?.[1]).sort()).toEqual([...paths].sort());
    expect(paths).toContain("certificates[].chain[].daysRemaining");
    const row = (path: string): string => rows.find((r) => r.startsWith(`| \`${path}\` `)) ?? "";
    // The rules a field is used by come from the presets' rule schemas…
    expect(row("protocols.TLSv1.0")).toContain(
      "[intermediate/tls-versions](../packages/policies/docs/intermediate.md#tls-versions)",
    );
    expect(row("features.hsts.maxAge")).toContain("[modern/hsts]");
    expect(row("startedAt")).toMatch(/\| +\|$/);
    // …and the examples from the shipped sample reports.
    expect(row("cipherSuites[].protocol")).toContain('`"TLSv1.2"`');
  });

  it("--check fails on a stale page and passes on a fresh one", () => {
    const file = join(mkdtempSync(join(tmpdir(), "tlsgate-fields-")), "fields.md");
    writeFileSync(file, "# stale\n");
    const stale = run(["--check", "--output", file]);
    expect(stale.stderr).toContain("is out of date; run `npm run generate:report-fields`");
    expect(stale.status).toBe(1);
    expect(readFileSync(file, "utf8")).toBe("# stale\n");
    execFileSync(process.execPath, ["--import", "tsx", SCRIPT, "--output", file], {
      cwd: REPO_ROOT,
    });
    expect(run(["--check", "--output", file])).toEqual({ status: 0, stderr: "" });
    expect(run(["--check"])).toEqual({ status: 0, stderr: "" });
  });
});
