/**
 * One recorded run per scenario, shared by the secrets, read-only and scenario suites: the built CLI's
 * `auth --output json --verbose` with the scenario's own run arguments (as `demo` passes them), AWS behind
 * a recording proxy, the exec plugin's tokens captured (test/helpers/sweep-record.ts). Recorded once per
 * `vitest run` by the globalSetup test/setup/scenario-sweep.ts; this is the suites' side. Renderers are
 * pure, so the other formats are rendered from the recorded report in-process (`renderRecorded`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { renderOutput, type OutputFormat } from '../../src/cli/output.js';
import type { Report } from '../../src/report/model.js';
import type { ProxiedCall } from './emulator.js';
import { SWEEP_ERROR_FILE, SWEEP_FILE, sweepEntryFile, type ScenarioRecording } from './sweep-record.js';

export { grantAssumeRole, inRecordingOrder, sweepEntries, type ScenarioRecording, type SweepEntry } from './sweep-record.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The directory the scenario sweep writes its recording to (test/setup/scenario-sweep.ts). */
    scenarioSweepDir: string;
  }
}

/** How long a suite waits for the sweep the globalSetup started (it records every scenario once). */
export const SWEEP_WAIT_MS = 300_000;

/**
 * Waits for `file` in the sweep's directory; a sweep that failed as a whole fails the caller with its error.
 * An entry's file is written before the whole sweep's, so once the whole is there an entry still missing is none.
 */
async function sweepFile<T>(file: string): Promise<T> {
  const dir = inject('scenarioSweepDir');
  if (!dir) throw new Error('no scenario sweep: run the suite with vitest.config.ts (its globalSetup test/setup/scenario-sweep.ts records the scenarios)');
  const until = Date.now() + SWEEP_WAIT_MS;
  for (;;) {
    if (existsSync(join(dir, SWEEP_ERROR_FILE))) throw new Error(`the scenario sweep failed:\n${readFileSync(join(dir, SWEEP_ERROR_FILE), 'utf8')}`);
    if (existsSync(join(dir, file))) return JSON.parse(readFileSync(join(dir, file), 'utf8')) as T;
    if (file !== SWEEP_FILE && existsSync(join(dir, SWEEP_FILE))) throw new Error(`${file}: no such entry in the scenario sweep (${dir})`);
    if (Date.now() > until) throw new Error(`the scenario sweep did not write ${file} within ${SWEEP_WAIT_MS / 1000} s (${dir})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The sweep's recordings, by label. Waits for the globalSetup's sweep to finish (it runs beside the other test files). */
export async function scenarioSweep(): Promise<Map<string, ScenarioRecording>> {
  const recordings = await sweepFile<ScenarioRecording[]>(SWEEP_FILE);
  return new Map(recordings.map((r) => [r.label, r]));
}

/** One entry's recording, as soon as the sweep has it (before the rest are done). */
export async function sweptRecording(label: string): Promise<ScenarioRecording> {
  return sweepFile<ScenarioRecording>(sweepEntryFile(label));
}

/** The recorded report, or why there is none (with the run's exit code and stderr, so a crash shows itself). */
export function recordedReport(r: ScenarioRecording): { report: Report; error?: undefined } | { report?: undefined; error: string } {
  if (r.harnessError) return { error: `${r.label}: the harness failed: ${r.harnessError}` };
  try {
    return { report: JSON.parse(r.stdout) as Report };
  } catch (e) {
    return { error: `${r.label}: stdout is not one JSON document (${(e as Error).message}); exit ${r.code}${r.signal ? ` (${r.signal})` : ''}\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}` };
  }
}

/** The proxied calls with their query parsed back. */
export function proxiedCalls(r: ScenarioRecording): ProxiedCall[] {
  return r.calls.map((c) => ({ ...c, query: new URLSearchParams(c.query) }));
}

/**
 * What the CLI would print for `report` in `format` (src/cli/output.ts renderOutput: inert text for the
 * human formats, the step summary beside --output github), without colour, as in a pipeline.
 */
export async function renderRecorded(report: Report, format: OutputFormat, stepSummaryPath = '/dev/null/step-summary.md'): Promise<{ stdout: string; stepSummary?: string }> {
  const out = await renderOutput(report, format, { color: false, command: 'auth', failOn: 'error', env: { GITHUB_STEP_SUMMARY: stepSummaryPath } });
  return { stdout: out.stdout, stepSummary: out.stepSummary?.markdown };
}
