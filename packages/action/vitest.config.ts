import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "action",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Tests scan real servers and run the bundle (or build it) in child processes.
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
