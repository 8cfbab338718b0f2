/**
 * vitest globalSetup of the scenario-sweep project: records every scenario once (test/helpers/sweep.ts)
 * for the suites that read it. The sweep starts here and runs beside the other test files; the suites
 * wait for its file, or for one entry's (written as each is done). Teardown waits for it too, so no CLI
 * or emulator outlives the run.
 */
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { recordSweep, sweepDir, writeSweep, writeSweepEntry, writeSweepError } from '../helpers/sweep-record.js';

export default function setup(project: TestProject): () => Promise<void> {
  const dir = sweepDir();
  project.provide('scenarioSweepDir', dir);
  const started = performance.now();
  const done = recordSweep({ onRecorded: (r) => writeSweepEntry(dir, r) })
    .then((recordings) => {
      writeSweep(dir, recordings);
      console.log(`scenario sweep: ${recordings.length} scenarios recorded in ${((performance.now() - started) / 1000).toFixed(1)} s (${dir})`);
    })
    .catch((err: unknown) => writeSweepError(dir, err));
  return async () => {
    await done;
    rmSync(dir, { recursive: true, force: true });
  };
}
