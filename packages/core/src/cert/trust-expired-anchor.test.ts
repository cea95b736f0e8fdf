import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCertificate } from "./parse.js";
import { pemToDer } from "./der.js";
import { checkTrust } from "./trust.js";
import { createTrustStore } from "./trust-store.js";

const run = promisify(execFile);
const DAY = 86_400_000;

// Certificates made by openssl itself; validity is relative to the real clock, so the verdict is
// asked (and openssl verify's ground truth taken) 40 days on, when the 30-day ones have expired.
let dir: string;
const file = (name: string) => join(dir, name);
const openssl = (...args: string[]) => run("openssl", args, { cwd: dir });
let later: Date;

async function key(name: string): Promise<void> {
  await openssl(
    "genpkey",
    "-algorithm",
    "EC",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-out",
    `${name}.key`,
  );
}
/** Self-signed CA valid `days`. */
async function root(name: string, cn: string, days: number): Promise<void> {
  await key(name);
  await openssl(
    "req",
    "-x509",
    "-new",
    "-key",
    `${name}.key`,
    "-subj",
    `/CN=${cn}`,
    "-days",
    `${days}`,
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
    "-out",
    `${name}.pem`,
  );
}
/** `name` (key `keyName`, subject `cn`) issued by `issuer`, valid `days`. */
async function issue(
  name: string,
  keyName: string,
  cn: string,
  issuer: string,
  days: number,
  ca: boolean,
): Promise<void> {
  await openssl(
    "req",
    "-new",
    "-key",
    `${keyName}.key`,
    "-subj",
    `/CN=${cn}`,
    "-out",
    `${name}.csr`,
  );
  const ext = ca
    ? "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
    : "basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:leaf.test\n";
  await writeFile(file(`${name}.ext`), ext);
  await openssl(
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    `${issuer}.pem`,
    "-CAkey",
    `${issuer}.key`,
    "-CAcreateserial",
    "-days",
    `${days}`,
    "-extfile",
    `${name}.ext`,
    "-out",
    `${name}.pem`,
  );
}
const parsed = async (name: string) =>
  parseCertificate(pemToDer(await readFile(file(`${name}.pem`), "utf8"))[0]!);
/** openssl verify's verdict on leaf.pem with `untrusted` served certificates and root.pem as the only anchor. */
async function opensslVerify(untrusted: string, ...flags: string[]): Promise<string> {
  const out = await openssl(
    "verify",
    ...flags,
    "-no-CApath",
    "-no-CAstore",
    "-CAfile",
    "root.pem",
    "-untrusted",
    untrusted,
    "leaf.pem",
  ).then(
    (r) => r.stdout + r.stderr,
    (error: { stdout: string; stderr: string }) => error.stdout + error.stderr,
  );
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tlsgate-expired-anchor-"));
  later = new Date(Date.now() + 40 * DAY);
  await root("root", "anchor root", 30); // the --ca anchor: expired at `later`
  await root("old", "old root", 3650);
  await key("int");
  await issue("int", "int", "intermediate", "root", 3650, true);
  await key("leaf");
  await issue("leaf", "leaf", "leaf.test", "int", 3650, false);
  // An unrelated cross-sign the server also sends: the intermediate's name and key under "old
  // root", expired at `later`. It is on no path to the anchor.
  await issue("cross", "int", "intermediate", "old", 30, true);
  await writeFile(
    file("served.pem"),
    (await readFile(file("int.pem"), "utf8")) + (await readFile(file("cross.pem"), "utf8")),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("checkTrust with an expired anchor", () => {
  it("names an expired --ca root that the server did not send expired-anchor, even beside an expired served cross-sign", async () => {
    const attime = `${Math.floor(later.getTime() / 1000)}`;
    // Ground truth: the only flaw is time, and the expired certificate is the root at depth 2.
    expect(await opensslVerify("served.pem", "-attime", attime)).toMatch(
      /error 10 at 2 depth lookup: certificate has expired/,
    );
    // The served cross-sign has expired too (at depth 0 under its own issuer).
    const cross = await openssl(
      "verify",
      "-attime",
      attime,
      "-no-CApath",
      "-no-CAstore",
      "-CAfile",
      "old.pem",
      "cross.pem",
    ).then(
      (r) => r.stdout + r.stderr,
      (error: { stdout: string; stderr: string }) => error.stdout + error.stderr,
    );
    expect(cross).toMatch(/error 10 at 0 depth lookup: certificate has expired/);
    expect(await opensslVerify("served.pem")).toMatch(/leaf\.pem: OK/);

    const store = createTrustStore([await readFile(file("root.pem"), "utf8")]);
    const served = [await parsed("leaf"), await parsed("int"), await parsed("cross")];
    const verdict = checkTrust(served, store, later);
    expect(verdict).toMatchObject({
      trusted: false,
      trustError: "expired-anchor",
      chainComplete: true,
    });
    expect(verdict.path.map((c) => c.subject)).toEqual([
      served[0]!.subject,
      served[1]!.subject,
      (await parsed("root")).subject,
    ]);
    expect(checkTrust(served, store, new Date())).toMatchObject({
      trusted: true,
      trustError: null,
    });
  });

  it("keeps expired for an expired root the server sent itself", async () => {
    const store = createTrustStore([await readFile(file("root.pem"), "utf8")]);
    const served = [await parsed("leaf"), await parsed("int"), await parsed("root")];
    expect(checkTrust(served, store, later)).toMatchObject({
      trusted: false,
      trustError: "expired",
    });
  });
});
