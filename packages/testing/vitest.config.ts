import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "testing",
    include: ["src/**/*.test.ts"],
    // CI runs every package's tests at once on two cores, against real servers and child
    // processes: a test slowed by its neighbours must not fail on vitest's 5 s default.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
