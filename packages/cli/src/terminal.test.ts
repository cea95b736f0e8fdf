import { describe, expect, it } from "vitest";
import { detectTerminal } from "./terminal.js";

const tty = { stdoutIsTty: true, stderrIsTty: true };
const piped = { stdoutIsTty: false, stderrIsTty: false };

describe("detectTerminal", () => {
  it("colours and shows progress on a TTY", () => {
    expect(detectTerminal({}, tty)).toEqual({ color: true, progress: true });
  });

  it("does neither when piped, so stdout carries only the format", () => {
    expect(detectTerminal({}, piped)).toEqual({ color: false, progress: false });
  });

  it.each([
    [{ NO_COLOR: "1" }, tty, false],
    [{ NO_COLOR: "" }, tty, true], // an empty NO_COLOR does not count (no-color.org)
    [{ FORCE_COLOR: "1" }, piped, true],
    [{ FORCE_COLOR: "0" }, tty, false],
    [{ FORCE_COLOR: "1", NO_COLOR: "1" }, piped, false],
  ])("honours %j", (env, streams, color) => {
    expect(detectTerminal(env, streams).color).toBe(color);
  });

  it("drops progress with --no-progress and on CI", () => {
    expect(detectTerminal({}, tty, { progress: false }).progress).toBe(false);
    expect(detectTerminal({ CI: "true" }, tty).progress).toBe(false);
  });
});
