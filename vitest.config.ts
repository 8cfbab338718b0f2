import { defineConfig } from 'vitest/config';
import WaitersFirst from './test/setup/sequencer.js';
import { pathPastShims } from './test/setup/tool-path.js';

/** The suites that read the one recorded run per scenario (test/helpers/sweep.ts); their project's globalSetup records it. */
const SWEEP_SUITES = ['test/e2e/fix-proof.test.ts', 'test/e2e/secrets.test.ts', 'test/e2e/read-only.test.ts', 'test/e2e/scenarios.test.ts', 'test/e2e/policy-enforcement.test.ts', 'test/e2e/paste-safety.test.ts'];

export default defineConfig({
  test: {
    // The e2e files spend most of their time waiting on child processes (the CLI, the AWS CLI, kubectl),
    // so three workers on two cores finish the suite in 340 s instead of 468 s (one worker, vitest's
    // default here), measured 2026-12-02; four gained 13 s more and contended for CPU.
    maxWorkers: 3,
    sequence: { sequencer: WaitersFirst },
    env: { PATH: pathPastShims() },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      // Its own project so that the sweep runs only when one of these files is in the run.
      { extends: true, test: { name: 'scenario-sweep', include: SWEEP_SUITES, globalSetup: ['test/setup/scenario-sweep.ts'] } },
      { extends: true, test: { name: 'suite', include: ['test/**/*.test.ts'], exclude: SWEEP_SUITES } },
    ],
  },
});
