/**
 * Findings a person can act on, through the CLI against real loopback servers: an expired
 * certificate (node:tls), a name the certificate does not hold, a TLS 1.3-only server (node:tls),
 * a plain HTTP server (node:http), a refused port, and an SSH banner (a scripted server: no SSH
 * daemon is started for a test, and only the banner matters). Ground truth comes from the servers'
 * configuration, confirmed by openssl (s_client for what the server speaks, x509 for the
 * certificate's dates and names), never from tlsgate's output.
 */
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer } from "node:tls";
import { Command } from "commander";
import { planRun } from "@tlsgate/core";
import { confirmWithOpenSslClient } from "@tlsgate/testing";
import { createChain, pemBundle, type TestChain } from "@tlsgate/testing/pki";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerScanCommand, scanRunInput, type ScanFlags } from "../src/commands/scan.js";
import { runCli } from "./run-cli.js";

const DAY_MS = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), "tlsgate-findings-"));
const servers: Server[] = [];
let expired: TestChain;
let valid: TestChain;
let expiredPort = 0;
let tls13Port = 0;
let httpPort = 0;
let sshPort = 0;
let closedPort = 0;
let noHstsPort = 0;
let weakHstsPort = 0;
const WEAK_HSTS = 'max-age=300; includeSubDomains; note="short"';
const rootFile = join(dir, "roots.pem");

const listen = (server: Server | HttpServer): Promise<number> =>
  new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );

/** Whole seconds, as X.509 stores them. */
const seconds = (ms: number): Date => new Date(Math.floor(ms / 1000) * 1000);

const openssl = (...args: string[]): string =>
  execFileSync("openssl", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/** A certificate field as openssl reads it from the PEM. */
function x509Field(pem: string, flag: "-enddate" | "-ext"): string {
  const file = join(dir, `cert-${Math.random().toString(36).slice(2)}.pem`);
  writeFileSync(file, pem);
  return flag === "-enddate"
    ? openssl("x509", "-in", file, "-noout", "-enddate").trim()
    : openssl("x509", "-in", file, "-noout", "-ext", "subjectAltName").trim();
}

/** Output lines with runs of spaces (table padding) folded to one. */
const folded = (text: string): string[] => text.split("\n").map((l) => l.replace(/ {2,}/g, "  "));

beforeAll(async () => {
  const now = Date.now();
  const current = { notBefore: seconds(now - 30 * DAY_MS), notAfter: seconds(now + 900 * DAY_MS) };
  // Expired 552 days ago (plus an hour, so the floor of the day count is 552 whatever the time).
  expired = await createChain({
    name: "findings expired",
    root: current,
    intermediate: current,
    leaf: {
      subject: "O=tlsgate, CN=leaf.test",
      dns: ["leaf.test", "www.leaf.test"],
      ips: [],
      notBefore: seconds(now - 600 * DAY_MS),
      notAfter: seconds(now - 552 * DAY_MS + 3_600_000),
    },
  });
  valid = await createChain({
    name: "findings valid",
    root: current,
    intermediate: current,
    leaf: {
      subject: "O=tlsgate, CN=leaf.test",
      dns: ["leaf.test"],
      ips: [],
      notBefore: seconds(now - DAY_MS),
      // 20 days left: the 30-day reminder (a warning) fails, nothing at error level does.
      notAfter: seconds(now + 20 * DAY_MS + 3_600_000),
    },
  });
  writeFileSync(rootFile, pemBundle(expired.root, valid.root));

  const expiredServer = createTlsServer(
    { cert: pemBundle(expired.leaf, expired.intermediate), key: expired.leaf.keyPem },
    (s) => s.end(),
  );
  const tls13Server = createTlsServer(
    {
      cert: pemBundle(valid.leaf, valid.intermediate),
      key: valid.leaf.keyPem,
      minVersion: "TLSv1.3",
    },
    (s) => s.end(),
  );
  const http = createHttpServer((_, response) => response.end("plain\n"));
  // Scripted: an SSH server's first words, its version banner (RFC 4253 section 4.2).
  const ssh = createNetServer((socket) => {
    socket.on("error", () => {});
    socket.on("data", () => {});
    socket.write("SSH-2.0-OpenSSH_9.6 fake\r\n");
  });
  servers.push(expiredServer, tls13Server, ssh);
  expiredPort = await listen(expiredServer);
  tls13Port = await listen(tls13Server);
  httpPort = await listen(http);
  sshPort = await listen(ssh);
  servers.push(http as unknown as Server);
  // HTTPS servers: one without Strict-Transport-Security, one with a short max-age (and quotes,
  // which the finding must show escaped; node:http refuses control characters in a header).
  const https = (header: string | null) =>
    createHttpsServer(
      { cert: pemBundle(valid.leaf, valid.intermediate), key: valid.leaf.keyPem },
      (_, response) => {
        if (header !== null) response.setHeader("Strict-Transport-Security", header);
        response.end("ok\n");
      },
    );
  const noHsts = https(null);
  const weakHsts = https(WEAK_HSTS);
  servers.push(noHsts as unknown as Server, weakHsts as unknown as Server);
  noHstsPort = await listen(noHsts);
  weakHstsPort = await listen(weakHsts);
  const probe = createNetServer();
  closedPort = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
}, 60_000);

afterAll(() => {
  for (const server of servers) server.close();
});

describe("tlsgate scan: certificate findings", () => {
  it("says when the certificate expired and how long ago, once", async () => {
    // Truth: the certificate's end date as openssl reads it.
    const enddate = x509Field(expired.leaf.pem, "-enddate");
    const notAfter = new Date(enddate.replace(/^notAfter=/, ""));
    expect(notAfter.getTime()).toBe(expired.leaf.spec.notAfter!.getTime());
    // Truth: openssl verify refuses the chain for its date alone, and accepts it without the
    // time check, so the expiry is its only trust problem.
    const files = ["leaf", "intermediate"].map((name) => join(dir, `expired-${name}.pem`));
    writeFileSync(files[0]!, expired.leaf.pem);
    writeFileSync(files[1]!, expired.intermediate.pem);
    const verify = (...flags: string[]) =>
      promisify(execFile)("openssl", [
        "verify",
        ...flags,
        "-CAfile",
        rootFile,
        "-untrusted",
        files[1]!,
        files[0]!,
      ]).then(
        ({ stdout }) => stdout.trim(),
        (error: { stdout: string; stderr: string }) => `${error.stdout}${error.stderr}`.trim(),
      );
    expect(await verify()).toMatch(/error 10 at 0 depth lookup: certificate has expired/);
    expect(await verify("-no_check_time")).toBe(`${files[0]}: OK`);
    const run = await runCli(
      ["scan", `leaf.test@127.0.0.1:${expiredPort}`, "--ca", rootFile, "--policy", "baseline"],
      { cwd: dir },
    );
    const day = notAfter.toISOString().slice(0, 10);
    const lines = folded(run.stdout);
    const expiry = lines.filter(
      (line) => /expire|days left/.test(line) && !/^ {2}certificate /.test(line),
    );
    // The expiry rule says it once: a chain whose only trust problem is its date is not said
    // again by the trust rule, which passes (it still fails on any other problem).
    expect(expiry).toEqual([
      `  fail  error  certificate-not-expired  /certificates/0/chain/0 (CN=leaf.test,O=tlsgate) expired 552 days ago, on ${day}`,
    ]);
    expect(lines.filter((line) => line.includes("certificate-trusted"))).toEqual([]);
    expect(lines).toContain(
      `  certificate  CN=leaf.test,O=tlsgate · issuer CN=findings expired intermediate,O=tlsgate · expired ${day} (552 days ago) · ecdsa prime256v1`,
    );
    expect(lines[0]).toBe(`leaf.test@127.0.0.1:${expiredPort} (127.0.0.1)  FAIL`);
    expect(run.code).toBe(1);
  }, 120_000);

  it("names the host and the certificate's names on a mismatch", async () => {
    // Truth: the names in the certificate, as openssl reads them.
    const names = x509Field(expired.leaf.pem, "-ext").split("\n").at(-1)!.trim();
    expect(names).toBe("DNS:leaf.test, DNS:www.leaf.test");
    const run = await runCli(
      ["scan", `wrong.test@127.0.0.1:${expiredPort}`, "--ca", rootFile, "--policy", "baseline"],
      { cwd: dir },
    );
    expect(
      folded(run.stdout).filter((line) => line.includes("certificate-hostname-match")),
    ).toEqual([
      `  fail  error  certificate-hostname-match  /certificates/0/hostnameMatch: wrong.test is not among the certificate's names (CN=leaf.test,O=tlsgate; SAN: ${names})`,
    ]);
  }, 120_000);
});

describe("tlsgate scan: a healthy TLS 1.3-only server", () => {
  it("shows what it negotiates and no scan error; WARN where only a warning fails", async () => {
    // Truth: node:tls with minVersion TLSv1.3 and its three default TLS 1.3 suites.
    const endpoint = { host: "127.0.0.1", port: tls13Port };
    const tls13 = await confirmWithOpenSslClient(endpoint, { protocol: "TLSv1.3" });
    const tls12 = await confirmWithOpenSslClient(endpoint, { protocol: "TLSv1.2" });
    expect([tls13.ok, tls12.ok]).toEqual([true, false]);
    const suites = [
      "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_AES_128_GCM_SHA256",
    ];
    for (const suite of suites) {
      const handshake = await confirmWithOpenSslClient(endpoint, {
        protocol: "TLSv1.3",
        ciphersuites: suite,
      });
      expect([suite, handshake.ok]).toEqual([suite, true]);
    }
    const day = new Date(
      x509Field(valid.leaf.pem, "-enddate").replace(/^notAfter=/, ""),
    ).toISOString();
    const target = `leaf.test@127.0.0.1:${tls13Port}`;
    const run = await runCli(["scan", target, "--ca", rootFile, "--policy", "baseline"], {
      cwd: dir,
    });
    const lines = folded(run.stdout);
    // The only scan error is the early-data probe's (wire's NewSessionTicket wait against
    // node:tls); see the merge notes. None comes from fallback SCSV on a one-version server.
    expect(lines.filter((line) => line.includes("scan error"))).toEqual(
      lines.filter((line) => line === "  1 scan error(s): earlyData timeout"),
    );
    expect(run.stdout).not.toContain("fallbackScsv");
    expect(lines[0]).toBe(`${target} (127.0.0.1)  WARN`);
    expect(lines.slice(2, 4)).toEqual([
      "  protocols  TLSv1.3",
      "  suites  3 · weakest TLS_AES_128_GCM_SHA256 (TLSv1.3, recommended)",
    ]);
    expect(lines[5]).toBe(
      `  certificate  CN=leaf.test,O=tlsgate · issuer CN=findings valid intermediate,O=tlsgate · expires ${day.slice(0, 10)} (in 20 days) · ecdsa prime256v1`,
    );
    expect(lines.filter((line) => /^ {2}(fail|inconclusive) /.test(line))).toEqual([
      `  fail  warning  certificate-expiry-30-days  /certificates/0/chain/0 (CN=leaf.test,O=tlsgate) expires in 20 days, on ${day.slice(0, 10)} (at least 30 recommended)`,
    ]);
    expect(lines).toContain(
      "Gate: PASS (fail-on error; inconclusive fails) · 0 blocking finding(s)",
    );
    expect(run.code).toBe(0);

    const strict = await runCli(
      ["scan", target, "--ca", rootFile, "--policy", "baseline", "--fail-on", "warning"],
      { cwd: dir },
    );
    expect(folded(strict.stdout)[0]).toBe(`${target} (127.0.0.1)  FAIL`);
    expect(strict.code).toBe(1);
  }, 120_000);
});

describe("tlsgate scan: HSTS", () => {
  /**
   * The Strict-Transport-Security header as curl receives it (another HTTP client); run
   * asynchronously, since the server answers from this process's event loop.
   */
  const curlHsts = async (port: number): Promise<string | null> => {
    const { stdout } = await promisify(execFile)(
      "curl",
      [
        "-sk",
        "--max-time",
        "30",
        "-D",
        "-",
        "-o",
        "/dev/null",
        "--resolve",
        `leaf.test:${port}:127.0.0.1`,
        `https://leaf.test:${port}/`,
      ],
      { encoding: "utf8" },
    );
    const line = stdout.split("\r\n").find((h) => /^strict-transport-security:/i.test(h));
    return line === undefined ? null : line.slice(line.indexOf(":") + 1).trim();
  };
  const hstsLines = async (port: number): Promise<string[]> => {
    const run = await runCli(
      [
        "scan",
        `https://leaf.test@127.0.0.1:${port}/`,
        "--ca",
        rootFile,
        "--policy",
        "intermediate",
      ],
      { cwd: dir },
    );
    return folded(run.stdout).filter((line) => line.includes("  hsts  "));
  };

  it("says the header is missing", async () => {
    expect(await curlHsts(noHstsPort)).toBeNull();
    expect(await hstsLines(noHstsPort)).toEqual([
      "  fail  warning  hsts  HSTS: /features/hsts/present is false (Strict-Transport-Security: none); max-age of at least 63072000 seconds required",
    ]);
  }, 120_000);

  it("says the max-age is too short, showing the header quoted", async () => {
    expect(await curlHsts(weakHstsPort)).toBe(WEAK_HSTS);
    expect(await hstsLines(weakHstsPort)).toEqual([
      '  fail  warning  hsts  HSTS: /features/hsts/maxAge is 300 (Strict-Transport-Security: "max-age=300; includeSubDomains; note=\\"short\\""); max-age of at least 63072000 seconds required',
    ]);
  }, 120_000);
});

describe("tlsgate scan: a target that could not be scanned", () => {
  it.each([
    ["plain HTTP", () => httpPort, (p: number) => `127.0.0.1:${p} speaks plain HTTP, not TLS`],
    [
      "an SSH banner",
      () => sshPort,
      (p: number) => `127.0.0.1:${p} speaks SSH (it sent an SSH banner), not TLS`,
    ],
    ["a refused port", () => closedPort, (p: number) => `connection refused by 127.0.0.1:${p}`],
  ])(
    "says why in one line for %s",
    async (_, port, reason) => {
      const target = `127.0.0.1:${port()}`;
      // Truth: a TLS client gets no handshake there.
      const handshake = await confirmWithOpenSslClient(
        { host: "127.0.0.1", port: port() },
        { protocol: "TLSv1.2" },
      );
      expect(handshake.ok).toBe(false);
      const markdownFile = join(dir, `${port()}.md`);
      const junitFile = join(dir, `${port()}.xml`);
      const run = await runCli(
        ["scan", target, "-o", `markdown=${markdownFile}`, "-o", `junit=${junitFile}`],
        { cwd: dir },
      );
      const lines = folded(run.stdout);
      expect(lines.slice(0, 3)).toEqual([
        `${target} (127.0.0.1)  FAIL`,
        expect.stringMatching(/^ {2}policy tlsgate\/intermediate /),
        `  not scanned: ${reason(port())}`,
      ]);
      expect(run.stdout).not.toContain("is unknown");
      expect(run.code).toBe(3);
      const markdown = readFileSync(markdownFile, "utf8");
      expect(markdown).toContain(`| \`${target}\` (127.0.0.1) | tlsgate/intermediate`);
      expect(markdown).toMatch(/\| ❌ fail \| 0 \| \d+ \| \d+ \|/);
      expect(markdown).toContain(`Not scanned: ${reason(port())}.`);
      const junit = readFileSync(junitFile, "utf8");
      expect(junit).toContain('<property name="verdict" value="FAIL"/>');
      expect(junit).toContain(`<property name="not-scanned" value="${reason(port())}"/>`);
    },
    120_000,
  );
});

describe("tlsgate scan: targets", () => {
  it("refuses an IPv6 address with a port but no brackets, showing the bracketed form", async () => {
    const run = await runCli(["scan", "::1:9450"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'tlsgate: invalid target "::1:9450": an IPv6 address with a port needs brackets: write [::1]:9450 (or [::1:9450] for the address ::1:9450 on port 443)\n',
    );
    expect(run.stdout).toBe("");
  });

  it("plans every example of scan --help without a problem (nothing connects)", async () => {
    const help = await runCli(["scan", "--help"], { cwd: dir });
    const examples = help.stdout
      .split("\n")
      .filter((line) => line.trim().startsWith("$ tlsgate scan"))
      .map((line) => line.trim().slice("$ tlsgate ".length).split(" | ")[0]!);
    expect(examples.length).toBeGreaterThanOrEqual(5);
    expect(examples.some((example) => example.includes("--clients"))).toBe(true);
    // The files the examples name.
    writeFileSync(join(dir, "hosts.txt"), "example.com\n");
    writeFileSync(
      join(dir, "tls-policy.yaml"),
      "name: example\nversion: 1.0.0\nextends: [intermediate]\n",
    );
    for (const example of examples) {
      let captured: { targets: string[]; flags: ScanFlags } | undefined;
      const program = new Command("tlsgate").exitOverride();
      const io = { stdout: () => {}, stderr: () => {}, env: {}, cwd: dir } as never;
      registerScanCommand(program, io, () => {});
      const scan = program.commands.find((command) => command.name() === "scan")!;
      scan.exitOverride().action((targets: string[], flags: ScanFlags) => {
        captured = { targets, flags };
      });
      await program.parseAsync(shellWords(example), { from: "user" });
      const { errors } = planRun({
        ...scanRunInput(captured!.targets, captured!.flags, dir),
        config: false,
      });
      expect([example, errors.map((error) => error.message)]).toEqual([example, []]);
    }
  });

  it("matches client names by alias and prefix, and says when a name is ambiguous", async () => {
    const plan = planRun({
      cwd: dir,
      config: false,
      targets: ["example.com"],
      clients: "default,Android 8.1,Java 11",
    });
    expect(plan.errors).toEqual([]);
    const run = await runCli(["scan", "example.com", "--clients", "Java 8"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'tlsgate: unknown client profile: "Java 8" (matches "Java 8u31", "Java 8u111", "Java 8b132", "Java 8u442 (OpenJDK)", and 1 more: name one)\n',
    );
  });
});

/** Words of a shell command line: spaces split, double quotes group (no escapes in the examples). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let quoted = false;
  let started = false;
  for (const char of line) {
    if (char === '"') {
      quoted = !quoted;
      started = true;
    } else if (char === " " && !quoted) {
      if (started) words.push(word);
      word = "";
      started = false;
    } else {
      word += char;
      started = true;
    }
  }
  if (started) words.push(word);
  return words;
}
