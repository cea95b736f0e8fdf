import { readdirSync } from "node:fs";
import { join } from "node:path";
import { daemonDir, freePort, installed, runSetup, startDaemon, type Daemon } from "./daemon.js";

export interface PostgresOptions {
  /** `ssl_ciphers` (TLS <= 1.2). */
  readonly ciphers: string;
  readonly minProtocol: "TLSv1.2" | "TLSv1.3";
  /** false: ssl = off (the server answers an SSLRequest with 'N'). */
  readonly ssl?: boolean;
}

export function postgresBinDir(): string | null {
  try {
    const versions = readdirSync("/usr/lib/postgresql").sort();
    const latest = versions[versions.length - 1];
    return latest === undefined ? null : join("/usr/lib/postgresql", latest, "bin");
  } catch {
    return null;
  }
}

export const postgresInstalled = (): boolean => postgresBinDir() !== null && installed("setpriv");

/** A PostgreSQL cluster of its own (initdb as nobody), TLS with the RSA test certificate. */
export async function startPostgres(options: PostgresOptions): Promise<Daemon> {
  const bin = postgresBinDir();
  if (bin === null) throw new Error("PostgreSQL is not installed");
  const { dir, certPath, keyPath } = await daemonDir("postgres");
  const data = join(dir, "data");
  runSetup(join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"], true);
  const port = await freePort();
  return startDaemon({
    command: join(bin, "postgres"),
    asNobody: true,
    args: [
      "-D",
      data,
      "-p",
      String(port),
      "-k",
      dir,
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      `ssl=${options.ssl === false ? "off" : "on"}`,
      "-c",
      `ssl_cert_file=${certPath}`,
      "-c",
      `ssl_key_file=${keyPath}`,
      "-c",
      `ssl_ciphers=${options.ciphers}`,
      "-c",
      `ssl_min_protocol_version=${options.minProtocol}`,
      "-c",
      "fsync=off",
    ],
    ports: { postgres: port },
  });
}
