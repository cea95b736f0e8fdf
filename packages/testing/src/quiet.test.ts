import { describe, expect, it } from "vitest";
import { untilQuiet } from "./quiet.js";

describe("untilQuiet", () => {
  it("returns the count once it has stopped moving", async () => {
    let count = 0;
    const grow = setInterval(() => (count < 5 ? (count += 1) : undefined), 30);
    try {
      expect(await untilQuiet(() => count, { quietMs: 300, stepMs: 50 })).toBe(5);
    } finally {
      clearInterval(grow);
    }
  });

  it("gives up with a reason when the count never moves", async () => {
    await expect(untilQuiet(() => 0, { stepMs: 50, timeoutMs: 300 })).rejects.toThrow(
      "the count never settled within 300 ms (last seen: 0)",
    );
  });
});
