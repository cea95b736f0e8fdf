import { describe, expect, it } from "vitest";
import { FakeCore } from "../test/support/fake-core.js";
import { parseShard, parseTargetsInput, readInputs, selectShard } from "./inputs.js";

describe("parseTargetsInput", () => {
  it("keeps one target per line without blanks, comments or duplicates", () => {
    const text = "example.com\n\n  # staging\napi.example.com:8443  # api\r\nexample.com\n";
    expect(parseTargetsInput(text)).toEqual(["example.com", "api.example.com:8443"]);
  });
});

describe("parseShard", () => {
  it("reads i/n", () => {
    expect(parseShard(" 2/5 ")).toEqual({ index: 2, count: 5 });
  });

  it.each(["0/3", "4/3", "1/0", "a/b", "2", ""])("refuses %j", (text) => {
    expect(() => parseShard(text)).toThrow(/shard must look like/);
  });
});

describe("selectShard", () => {
  it("puts every target in exactly one shard, independent of input order", () => {
    const targets = Array.from({ length: 23 }, (_, i) => `host${i}.example`);
    const shards = [1, 2, 3, 4].map((index) => selectShard(targets, { index, count: 4 }));
    expect(shards.flat().sort()).toEqual([...targets].sort());
    expect(new Set(shards.flat()).size).toBe(targets.length);
    expect(selectShard([...targets].reverse(), { index: 3, count: 4 })).toEqual(shards[2]);
    expect(shards.map((s) => s.length)).toEqual([6, 6, 6, 5]);
  });
});

describe("readInputs", () => {
  it("reads every input of action.yml; empty ones are null", () => {
    expect(readInputs(new FakeCore({ targets: "a.example", "github-token": "t" }))).toEqual({
      targets: ["a.example"],
      targetsFile: null,
      config: null,
      policy: null,
      failOn: null,
      reportFile: null,
      sarifFile: null,
      comment: false,
      githubToken: "t",
      caFiles: [],
      timeoutMs: null,
      concurrency: null,
      shard: null,
    });
  });

  it("parses the typed inputs", () => {
    const core = new FakeCore({
      targets: "a.example\nb.example@192.0.2.1\n",
      "targets-file": "hosts.txt",
      config: "tlsgate.config.json",
      policy: "modern",
      "fail-on": "warning",
      "report-file": "tlsgate.json",
      "sarif-file": "tlsgate.sarif",
      comment: "true",
      "ca-file": "ca/internal.pem\nca/other.pem",
      timeout: "2000",
      concurrency: "4",
      shard: "2/3",
    });
    expect(readInputs(core)).toEqual({
      targets: ["a.example", "b.example@192.0.2.1"],
      targetsFile: "hosts.txt",
      config: "tlsgate.config.json",
      policy: "modern",
      failOn: "warning",
      reportFile: "tlsgate.json",
      sarifFile: "tlsgate.sarif",
      comment: true,
      githubToken: "",
      caFiles: ["ca/internal.pem", "ca/other.pem"],
      timeoutMs: 2000,
      concurrency: 4,
      shard: { index: 2, count: 3 },
    });
  });

  it.each([
    [
      "fail-on",
      "errors",
      'input fail-on: expected one of error, warning, info, never, got "errors"',
    ],
    ["comment", "yes", "input comment: expected true or false"],
    ["timeout", "1.5", 'input timeout: expected a positive integer, got "1.5"'],
    ["concurrency", "0", 'input concurrency: expected a positive integer, got "0"'],
    ["shard", "4/3", 'input shard: shard must look like "i/n" with 1 <= i <= n, got "4/3"'],
  ])("refuses %s: %j", (name, value, message) => {
    expect(() => readInputs(new FakeCore({ [name]: value }))).toThrow(message);
  });
});
