import { execFileSync } from "node:child_process";
import { createHash, getDiffieHellman } from "node:crypto";
import { devNull } from "node:os";
import { describe, expect, it } from "vitest";
import { dhPrimeOfPem } from "@tlsgate/testing";
import { DH_PRIMES, dhPrimeByName, dhPrimeBySha256 } from "./dh-primes.js";

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

describe("well-known DH primes", () => {
  it("name RFC 7919's groups as openssl generates them", () => {
    for (const name of ["ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192"]) {
      const pem = execFileSync(
        "openssl",
        ["genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", `group:${name}`],
        { env: { ...process.env, OPENSSL_CONF: devNull }, encoding: "utf8" },
      );
      const prime = dhPrimeOfPem(pem);
      expect(dhPrimeBySha256(sha256(prime))).toMatchObject({ name, bits: prime.length * 8 });
    }
  });

  it("name RFC 2409 and RFC 3526 groups as Node's built-in MODP groups", () => {
    const modp: [string, string][] = [
      ["modp1", "modp768"],
      ["modp2", "modp1024"],
      ["modp5", "modp1536"],
      ["modp14", "modp2048"],
      ["modp15", "modp3072"],
      ["modp16", "modp4096"],
      ["modp17", "modp6144"],
      ["modp18", "modp8192"],
    ];
    for (const [nodeName, name] of modp) {
      const prime = getDiffieHellman(nodeName).getPrime();
      expect(dhPrimeBySha256(sha256(prime))?.name).toBe(name);
      expect(dhPrimeByName(name)?.bits).toBe(prime.length * 8);
    }
  });

  it("hold the server defaults and RFC 5114, each once, with its size", () => {
    expect(DH_PRIMES).toHaveLength(26);
    expect(new Set(DH_PRIMES.map((p) => p.sha256)).size).toBe(DH_PRIMES.length);
    expect(dhPrimeByName("nginx-1024")?.bits).toBe(1024);
    expect(dhPrimeByName("apache-2.2-1024")?.bits).toBe(1024);
    expect(dhPrimeByName("apache-2.0-512")?.bits).toBe(512);
    expect(dhPrimeByName("rfc5114-2048-256")?.bits).toBe(2048);
    expect(dhPrimeBySha256("00".repeat(32))).toBeUndefined();
  });
});
