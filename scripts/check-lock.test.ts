/** scripts/check-lock.mjs: the lock must record each workspace's version and ranges. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error -- a plain ES module without types
import { lockProblems } from "./check-lock.mjs";

function workspace(cli: object, lockedCli: object): string {
  const root = mkdtempSync(join(tmpdir(), "tlsgate-check-lock-"));
  const json = (path: string, value: object) => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), JSON.stringify(value));
  };
  json("package.json", { name: "root", private: true, workspaces: ["packages/*"] });
  json("packages/cli/package.json", { name: "tlsgate", ...cli });
  json("package-lock.json", {
    lockfileVersion: 3,
    packages: {
      "": { name: "root", workspaces: ["packages/*"] },
      "node_modules/tlsgate": { resolved: "packages/cli", link: true },
      "packages/cli": { name: "tlsgate", ...lockedCli },
    },
  });
  return root;
}

describe("lockProblems", () => {
  it("accepts a lock that records the versions and ranges, in any key order", () => {
    const cli = { version: "1.0.0", dependencies: { b: "^1.0.0", a: "^2.0.0" } };
    const locked = { version: "1.0.0", dependencies: { a: "^2.0.0", b: "^1.0.0" } };
    expect(lockProblems(workspace(cli, locked))).toEqual([]);
  });

  it("names a workspace whose version or ranges moved without the lock", () => {
    const cli = { version: "1.0.0", dependencies: { "@tlsgate/core": "^1.0.0" } };
    const locked = { version: "0.0.0", dependencies: { "@tlsgate/core": "^0.0.0" } };
    expect(lockProblems(workspace(cli, locked))).toEqual([
      'packages/cli: version is "1.0.0", the lock says "0.0.0"',
      'packages/cli: dependencies is {"@tlsgate/core":"^1.0.0"}, the lock says {"@tlsgate/core":"^0.0.0"}',
    ]);
  });
});
