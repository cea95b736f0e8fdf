import { describe, expect, it } from "vitest";
import { parseShard, parseTargetList, selectShard } from "./target-list.js";

describe("parseTargetList", () => {
  it("keeps one target per line without blanks or comments", () => {
    const text = "example.com\n\n  # staging\napi.example.com:8443  # api\r\nb.example#frag\n";
    expect(parseTargetList(text)).toEqual([
      "example.com",
      "api.example.com:8443",
      "b.example#frag",
    ]);
  });
});

describe("parseShard", () => {
  it("reads i/n", () => {
    expect(parseShard(" 2/5 ")).toEqual({ index: 2, count: 5 });
  });

  it.each(["0/3", "4/3", "1/0", "a/b", "2", "", "1/99999999"])("refuses %j", (text) => {
    expect(parseShard(text)).toBeNull();
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
