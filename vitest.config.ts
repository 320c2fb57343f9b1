import { defineConfig } from 'vitest/config';

// Three tiers, all real: unit (no I/O), db (a real PostGIS, one database per test file) and
// e2e (Debian's Chromium through playwright-core against the running platform).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{api,workers,lib,gis-data,web,scripts}/**/*.test.ts'],
          exclude: ['**/*.db.test.ts', '**/node_modules/**'],
          environment: 'node',
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'db',
          include: ['{api,workers,lib,gis-data,scripts}/**/*.db.test.ts'],
          globalSetup: ['api/test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Two cores: two test files at once keeps PostgreSQL and Node from starving each other.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.ts'],
          globalSetup: ['api/test/global-setup.ts', 'e2e/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
