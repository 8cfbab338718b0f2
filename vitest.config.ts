import { defineConfig } from 'vitest/config';
import WaitersFirst from './test/setup/sequencer.js';
import { pathPastShims } from './test/setup/tool-path.js';

/** The suites that read the one recorded run per scenario (test/helpers/sweep.ts); their project's globalSetup records it. */
const SWEEP_SUITES = ['test/e2e/fix-proof.test.ts', 'test/e2e/secrets.test.ts', 'test/e2e/read-only.test.ts', 'test/e2e/scenarios.test.ts', 'test/e2e/policy-enforcement.test.ts', 'test/e2e/paste-safety.test.ts'];

export default defineConfig({
  test: {
    // Two workers on two cores (vitest's default here is one). The files that wait most of their time
    // take turns on one worker while the fix proof, with the sweep beside it, keeps both cores busy
    // (test/setup/sequencer.ts). Three workers spent ~10% more CPU on the same work, contending for two
    // cores, and the suite took longer: 262-296 s against 241-270 s of vitest's own time, measured 2026-12-02.
    maxWorkers: 2,
    sequence: { sequencer: WaitersFirst },
    env: { PATH: pathPastShims() },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Files share their worker's processes and module cache instead of a fresh process each: ~0.7 s of CPU
    // of start-up for each of 66 files, ~25 s of the suite's CPU in all (measured 2026-12-02). So no file
    // mocks a module (a module another file loaded first would stay unmocked), a file that changes
    // process.env restores it, and the setup file resets what is process-wide (fast-check's configuration).
    isolate: false,
    setupFiles: ['test/setup/per-file-globals.ts'],
    projects: [
      // Its own project so that the sweep runs only when one of these files is in the run.
      { extends: true, test: { name: 'scenario-sweep', include: SWEEP_SUITES, globalSetup: ['test/setup/scenario-sweep.ts'] } },
      { extends: true, test: { name: 'suite', include: ['test/**/*.test.ts'], exclude: SWEEP_SUITES } },
    ],
  },
});
