import { describe, expect, it } from "vitest";
import { FakeCore } from "../test/support/fake-core.js";
import { escapeLog, escapeLogLine, safeLogging } from "./log.js";

/** A line the runner would read as a workflow command (it trims leading whitespace first). */
const isCommand = (line: string): boolean => /^\s*::/.test(line) || line.includes("##[");

describe("escapeLogLine", () => {
  it.each([
    ["::error::pwned", "\\x3a:error::pwned"],
    ["  ::add-mask::x", "  \\x3a:add-mask::x"],
    ["\t::add-mask::x", "\\x09::add-mask::x"],
    ["\u00a0\u2003::stop-commands::t", "\u00a0\u2003\\x3a:stop-commands::t"],
    ["CN=x ##[error]pwned", "CN=x #\\x23[error]pwned"],
    ["###[warning]x", "##\\x23[warning]x"],
    ["a\rb::error::c", "a\\x0db::error::c"],
    ["tlsgate: a.example scanned", "tlsgate: a.example scanned"],
    ["x ::error:: is harmless mid-line", "x ::error:: is harmless mid-line"],
  ])("%j → %j", (line, expected) => {
    expect(escapeLogLine(line)).toBe(expected);
    expect(isCommand(escapeLogLine(line))).toBe(false);
  });
});

describe("escapeLog", () => {
  it("keeps the text's line breaks and makes every line inert", () => {
    const text = "CN=evil\n::error::pwned\n  ::add-mask::x\r\n::endgroup::";
    const escaped = escapeLog(text);
    expect(escaped.split("\n")).toEqual([
      "CN=evil",
      "\\x3a:error::pwned",
      "  \\x3a:add-mask::x\\x0d",
      "\\x3a:endgroup::",
    ]);
    expect(escaped.split("\n").filter(isCommand)).toEqual([]);
  });
});

describe("safeLogging", () => {
  it("escapes what info logs, and controls (not line breaks) in annotations and failures", () => {
    const core = new FakeCore();
    const safe = safeLogging(core);
    safe.info("subject CN=a\n::error::pwned");
    safe.error("a.example: rule\n- CN=\u001b[2Kx\r::warning::y", { title: "rule" });
    safe.warning("w\u0007");
    safe.notice("n\u009b");
    safe.setFailed("tlsgate: CN=\u001b]8;;http://evil\u0007");
    expect(core.logs).toEqual(["subject CN=a\n\\x3a:error::pwned"]);
    expect(core.annotations).toEqual([
      {
        level: "error",
        message: "a.example: rule\n- CN=\\x1b[2Kx\\x0d::warning::y",
        properties: { title: "rule" },
      },
      { level: "warning", message: "w\\x07", properties: undefined },
      { level: "notice", message: "n\\x9b", properties: undefined },
    ]);
    expect(core.failed).toBe("tlsgate: CN=\\x1b]8;;http://evil\\x07");
  });

  it("passes inputs, outputs and the summary through", async () => {
    const core = new FakeCore({ comment: "true", targets: " a " });
    const safe = safeLogging(core);
    expect(safe.getInput("targets")).toBe("a");
    expect(safe.getBooleanInput("comment")).toBe(true);
    safe.setOutput("verdict", "pass");
    await safe.summary.addRaw("## x").write();
    expect(core.outputs.get("verdict")).toBe("pass");
    expect(core.summary.written).toEqual(["## x"]);
  });
});
