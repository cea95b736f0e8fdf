import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // scripts/: the repository-level tests (the release dry run), run by `npm run test:release`.
    projects: ["packages/*", "scripts/vitest.config.ts"],
  },
});
