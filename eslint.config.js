// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["**/dist/**", "**/node_modules/**", "**/.turbo/**", "coverage/**"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        URL: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        AbortController: "readonly",
        AbortSignal: "readonly",
        TextEncoder: "readonly",
        TextDecoder: "readonly",
        performance: "readonly",
        structuredClone: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "no-restricted-syntax": [
        "error",
        { selector: "TSEnumDeclaration", message: "Use an `as const` object and a derived union." },
      ],
    },
  },
  {
    // The wire codec is pure and sans-IO: bytes in, bytes or typed values out.
    files: ["packages/core/src/wire/**/*.ts"],
    ignores: ["packages/core/src/wire/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["node:*"], message: "core/wire is sans-IO: no node:* imports." },
            {
              group: ["../probe/*", "../scan/*", "../policy/*", "../report/*"],
              message: "core/wire depends on nothing above it.",
            },
          ],
          paths: ["fs", "net", "tls", "dns", "crypto", "timers", "events", "stream"].map(
            (name) => ({
              name,
              message: "core/wire is sans-IO.",
            }),
          ),
        },
      ],
      "no-restricted-globals": [
        "error",
        { name: "setTimeout", message: "core/wire has no timers." },
        { name: "setInterval", message: "core/wire has no timers." },
        { name: "Promise", message: "core/wire is synchronous." },
        { name: "Buffer", message: "core/wire deals only in Uint8Array." },
      ],
    },
  },
  {
    // The scanner knows nothing of policies; the evaluator knows nothing of sockets.
    files: ["packages/core/src/scan/**/*.ts", "packages/core/src/probe/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["../policy/*", "../report/*"],
              message: "The scanner does not know policies.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["packages/core/src/policy/**/*.ts", "packages/core/src/report/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["../probe/*", "../scan/*", "node:net", "node:tls"],
              message: "Policies never touch sockets.",
            },
          ],
        },
      ],
    },
  },
);
