import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "action",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
  },
});
