import { describe, expect, it } from "vitest";
import { FakeCore } from "../test/support/fake-core.js";
import { readInputs } from "./inputs.js";

describe("readInputs", () => {
  it("reads every input of action.yml as written; empty ones are null", () => {
    expect(readInputs(new FakeCore({ targets: "a.example", "github-token": "t" }))).toEqual({
      run: {
        targets: ["a.example"],
        targetsFile: null,
        config: null,
        policy: null,
        failOn: null,
        inconclusive: null,
        ca: [],
        timeout: null,
        concurrency: null,
        maxConnections: null,
        maxPerAddress: null,
        workers: null,
        deadline: null,
        runDeadline: null,
        allowPolicyPaths: [],
        clients: null,
        allAddresses: null,
        shard: null,
        now: null,
      },
      reportFile: null,
      sarifFile: null,
      sarifCategory: null,
      htmlFile: null,
      comment: false,
      commentKey: null,
      githubToken: "t",
    });
  });

  it("passes the run's inputs to core unchanged, one target or CA file per line", () => {
    const core = new FakeCore({
      targets: "a.example\n# staging\nb.example@192.0.2.1  # new\n",
      "targets-file": "hosts.txt",
      config: "tlsgate.config.json",
      policy: "modern",
      "fail-on": "warnin",
      inconclusive: "pass",
      "report-file": "tlsgate.json",
      "sarif-file": "tlsgate.sarif",
      "sarif-category": "tls/prod",
      "html-file": "tlsgate.html",
      comment: "true",
      "comment-key": "prod.eu_1-a",
      "ca-file": "ca/internal.pem\nca/other.pem",
      timeout: "1.5",
      concurrency: "4",
      "max-connections": "128",
      "max-per-address": "16",
      workers: "2",
      deadline: "60000",
      "run-deadline": "900000",
      "allow-policy-path": "../org-policies\n",
      clients: "default,Java 8u31",
      "all-addresses": "true",
      shard: "2/3",
      now: "2027-03-31",
    });
    expect(readInputs(core)).toEqual({
      run: {
        targets: ["a.example", "b.example@192.0.2.1"],
        targetsFile: "hosts.txt",
        config: "tlsgate.config.json",
        policy: "modern",
        failOn: "warnin",
        inconclusive: "pass",
        ca: ["ca/internal.pem", "ca/other.pem"],
        timeout: "1.5",
        concurrency: "4",
        maxConnections: "128",
        maxPerAddress: "16",
        workers: "2",
        deadline: "60000",
        runDeadline: "900000",
        allowPolicyPaths: ["../org-policies"],
        clients: "default,Java 8u31",
        allAddresses: "true",
        shard: "2/3",
        now: "2027-03-31",
      },
      reportFile: "tlsgate.json",
      sarifFile: "tlsgate.sarif",
      sarifCategory: "tls/prod",
      htmlFile: "tlsgate.html",
      comment: true,
      commentKey: "prod.eu_1-a",
      githubToken: "",
    });
  });

  it.each(["a b", "x-->", "@team", "a".repeat(41), "é"])(
    "refuses the comment-key %j, which would not stay inside the marker",
    (key) => {
      expect(() => readInputs(new FakeCore({ "comment-key": key }))).toThrow(
        `comment-key: expected 1 to 40 letters, digits, ".", "_" or "-", got ${JSON.stringify(key)}`,
      );
    },
  );

  it("refuses a comment input that is not a boolean", () => {
    expect(() => readInputs(new FakeCore({ comment: "yes" }))).toThrow(
      "comment: expected true or false",
    );
  });
});
