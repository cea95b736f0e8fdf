/**
 * What a user gets from the registry: pack core, policies and the CLI with `npm pack`, install
 * the tarballs into an empty project offline (dependencies come from the npm cache, never the
 * network), and run the installed `tlsgate` binary.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createServer, type Server } from "node:tls";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineProject, type PackageLock } from "@tlsgate/testing";
import { makeDemoCredentials } from "../src/demo/certificates.js";

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, "../../..");
const project = mkdtempSync(join(tmpdir(), "tlsgate-pack-"));
const bin = join(project, "node_modules", ".bin", "tlsgate");
let server: Server;
let port = 0;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function tlsgate(args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run(bin, args, {
      cwd: project,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeAll(async () => {
  const packDir = join(project, "tarballs");
  mkdirSync(packDir);
  const packed: Record<string, { workspace: string; file: string; integrity: string }> = {};
  for (const workspace of ["packages/core", "packages/policies", "packages/cli"]) {
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", packDir], {
      cwd: join(repo, workspace),
    });
    const [info] = JSON.parse(stdout) as { name: string; filename: string; integrity: string }[];
    packed[info!.name] = { workspace, file: info!.filename, integrity: info!.integrity };
  }
  const workspaceLock = JSON.parse(
    readFileSync(join(repo, "package-lock.json"), "utf8"),
  ) as PackageLock;
  const { manifest, lock } = offlineProject(workspaceLock, packed, { name: "pack-test" });
  writeFileSync(join(project, "package.json"), JSON.stringify(manifest, null, 2));
  writeFileSync(join(project, "package-lock.json"), JSON.stringify(lock, null, 2));
  await run("npm", ["ci", "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], {
    cwd: project,
    timeout: 120_000,
  });
  const credentials = await makeDemoCredentials();
  server = createServer(
    {
      ...credentials.legacy,
      minVersion: "TLSv1",
      maxVersion: "TLSv1.2",
      ciphers: "ALL:@SECLEVEL=0",
    },
    (s) => s.end(),
  );
  port = await new Promise((done) =>
    server.listen(0, "127.0.0.1", () => done((server.address() as AddressInfo).port)),
  );
}, 180_000);

afterAll(() => {
  server?.close();
});

describe("the packed tlsgate", () => {
  it("prints its version", async () => {
    const { code, stdout } = await tlsgate(["--version"]);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("scans a local legacy server and fails the intermediate preset (text)", async () => {
    const { code, stdout } = await tlsgate(["scan", `127.0.0.1:${port}`, "--no-progress"]);
    expect(code).toBe(1);
    expect(stdout).toContain(`127.0.0.1:${port}`);
    expect(stdout).toContain("FAIL");
    expect(stdout).toMatch(/TLSv1\.0/);
  });

  it("scans the same server to JSON whose report names what the server speaks", async () => {
    const { code, stdout } = await tlsgate(["scan", `127.0.0.1:${port}`, "--format", "json"]);
    expect(code).toBe(1);
    const result = JSON.parse(stdout) as {
      results: { report: { protocols: Record<string, boolean | null> } }[];
    };
    expect(result.results[0]?.report.protocols).toMatchObject({
      "TLSv1.0": true,
      "TLSv1.2": true,
      "TLSv1.3": false,
    });
  });

  it("writes a starter policy whose $schema is the installed schema, and tests a case on a shipped sample", async () => {
    const init = await tlsgate(["init", "example.com"]);
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    const ref = "./node_modules/@tlsgate/core/schemas/policy.schema.json";
    const policy = readFileSync(join(project, "tls-policy.yaml"), "utf8");
    expect(policy.split("\n")[0]).toBe(`# yaml-language-server: $schema=${ref}`);
    expect(policy).toContain(`\n$schema: ${ref}\n`);
    const schema = JSON.parse(readFileSync(join(project, ref), "utf8")) as { $id: string };
    expect(schema.$id).toBe("https://tlsgate.dev/schemas/policy/v1.json");
    mkdirSync(join(project, "cases"));
    writeFileSync(
      join(project, "cases", "tls10.case.yaml"),
      "base: mozilla-intermediate\nreport: { protocols: { TLSv1.0: true } }\nexpect: { tls-versions: fail }\n",
    );
    const cases = await tlsgate(["policy", "test", "cases", "--policy", "tls-policy.yaml"]);
    expect(cases.stdout).toContain("1 passed, 0 failed");
    expect(cases.code).toBe(0);
  });

  it("runs the demo: the good and the mail server pass, the legacy one fails, exit 0", async () => {
    const { code, stdout } = await tlsgate(["demo", "--no-progress"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /well-configured server[\s\S]*PASS[\s\S]*legacy server[\s\S]*FAIL[\s\S]*mail \(SMTP STARTTLS\) server: tlsgate scan smtp:\/\/[\s\S]*PASS/,
    );
  });
});
