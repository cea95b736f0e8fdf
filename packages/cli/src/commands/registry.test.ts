import { describe, expect, it } from "vitest";
import { main } from "../main.js";

async function run(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    stdoutIsTty: false,
    stderrIsTty: false,
    env: {},
    cwd: process.cwd(),
  });
  return { code, stdout, stderr };
}

describe("tlsgate registry", () => {
  it("looks a suite up by OpenSSL name", async () => {
    const { code, stdout } = await run(["registry", "suites", "DES-CBC3-SHA"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^0x000A {2}TLS_RSA_WITH_3DES_EDE_CBC_SHA +DES-CBC3-SHA +weak /);
  });

  it("looks a suite up by code and prints JSON", async () => {
    const { code, stdout } = await run(["registry", "suites", "0xc02f", "--json"]);
    expect(code).toBe(0);
    const [suite] = JSON.parse(stdout) as { iana: string; openssl: string; strength: string }[];
    expect(suite).toMatchObject({
      iana: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      openssl: "ECDHE-RSA-AES128-GCM-SHA256",
      strength: "recommended",
    });
  });

  it("filters by strength and protocol", async () => {
    const { stdout } = await run([
      "registry",
      "suites",
      "--strength",
      "insecure",
      "--protocol",
      "TLSv1.3",
    ]);
    const names = stdout
      .trim()
      .split("\n")
      .map((line) => line.split(/\s+/)[1]);
    expect(names).toContain("TLS_SHA256_SHA256");
    expect(names).not.toContain("TLS_AES_128_GCM_SHA256");
  });

  it("lists post-quantum groups", async () => {
    const { stdout } = await run(["registry", "groups"]);
    expect(stdout).toMatch(/^0x11EC {2}X25519MLKEM768 +post-quantum/m);
  });

  it("is a usage error for an unknown suite or class", async () => {
    expect((await run(["registry", "suites", "NOPE"])).code).toBe(2);
    const bad = await run(["registry", "suites", "--strength", "meh"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown strength class "meh"');
  });

  it("prints its version", async () => {
    const { code, stdout } = await run(["--version"]);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
