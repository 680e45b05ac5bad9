import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // End-to-end tests start real bot processes; keep the 2-core CI machine responsive.
    maxWorkers: 2,
  },
});
