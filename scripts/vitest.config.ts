import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "release",
    include: ["**/*.test.ts"],
    // The release dry run installs, versions, builds and packs a copy of the repository.
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
