import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    // Tests run the CLI in-process (test/helpers/cli.ts), each file in a worker of its own:
    // a file may set TZ for its commands. Two workers for the two cores this is measured on.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
