import { defineConfig } from 'vitest/config';

/** The suites that read the one recorded run per scenario (test/helpers/sweep.ts); their project's globalSetup records it. */
const SWEEP_SUITES = ['test/e2e/secrets.test.ts', 'test/e2e/read-only.test.ts', 'test/e2e/scenarios.test.ts', 'test/e2e/policy-enforcement.test.ts', 'test/e2e/paste-safety.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      // Its own project so that the sweep runs only when one of these files is in the run.
      { extends: true, test: { name: 'scenario-sweep', include: SWEEP_SUITES, globalSetup: ['test/setup/scenario-sweep.ts'] } },
      { extends: true, test: { name: 'suite', include: ['test/**/*.test.ts'], exclude: SWEEP_SUITES } },
    ],
  },
});
