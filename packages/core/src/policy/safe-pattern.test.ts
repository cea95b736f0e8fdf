import { describe, expect, it } from "vitest";
import { checkPattern, MAX_PATTERN_LENGTH } from "./safe-pattern.js";

describe("checkPattern", () => {
  it.each([
    "^TLS_",
    "_(CBC|GCM)_SHA(256|384)?$",
    "^(TLS|SSL)+$",
    "^([0-9A-F]{2}:){31}[0-9A-F]{2}$",
    "^\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$",
    "RC4|3DES|NULL|EXPORT",
    "^(\\*\\.)?example\\.com$",
    ".*(RC4|DES).*",
    "^[a-z0-9]+(-[a-z0-9]+)*$",
    "^[a-z]+(\\.[a-z]+)*$",
  ])("accepts %s", (pattern) => {
    expect(checkPattern(pattern)).toBeNull();
  });

  it.each([
    ["(a+)+$", "nested quantifiers"],
    ["^(a*)*b", "nested quantifiers"],
    ["^(a?a?)+$", "nested quantifiers"],
    ["^(\\d+\\.){3}\\d+$", "nested quantifiers"],
    ["^(-[a-z-]+)*$", "nested quantifiers"],
    ["^(-(-|a)*)*$", "nested quantifiers"],
    ["^(a|a)*$", "overlapping alternatives"],
    ["^(a|aa)+$", "overlapping alternatives"],
    ["^((a|ab))*$", "overlapping alternatives"],
    ["^(a|[a-z])*$", "non-literal alternatives"],
    ["^(x)\\1$", "backreferences"],
    ["^(?<x>a)\\k<x>$", "backreferences"],
    [".*a.*b.*c.*d", "unbounded quantifiers"],
    ["[", "not a valid regular expression"],
    ["a".repeat(MAX_PATTERN_LENGTH + 1), "characters long"],
  ])("refuses %s (%s)", (pattern, reason) => {
    expect(checkPattern(pattern)).toContain(reason);
  });
});
