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
    // Files share their worker's processes and module cache instead of a fresh process each: ~0.7 s of CPU
    // of start-up for each of 66 files, ~25 s of the suite's CPU in all (measured 2026-12-02). A file that
    // changes process.env restores it (test/unit/emulator-home.test.ts, test/conformance/client-node.test.ts).
    isolate: false,
    projects: [
      // Its own project so that the sweep runs only when one of these files is in the run.
      { extends: true, test: { name: 'scenario-sweep', include: SWEEP_SUITES, globalSetup: ['test/setup/scenario-sweep.ts'] } },
      { extends: true, test: { name: 'suite', include: ['test/**/*.test.ts'], exclude: SWEEP_SUITES } },
    ],
  },
});
