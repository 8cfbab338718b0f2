/**
 * The type check (`npm run typecheck`: `tsc --noEmit -p tsconfig.json`) as one test of the suite, so it
 * runs beside the other files instead of before them all: on 2 cores it took ~12 s of wall time ahead of
 * the first test (18 s of CPU), measured 2026-12-02. test/setup/sequencer.ts starts it among the first, so
 * it never runs alone at the end.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');
/** A net for a loaded machine, not an expectation. */
const TIMEOUT_MS = 240_000;

it('the whole project type-checks (tsc --noEmit -p tsconfig.json, as npm run typecheck)', async () => {
  const r = await new Promise<{ code: number | null; output: string }>((resolve) =>
    execFile(process.execPath, [TSC, '--noEmit', '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: ROOT, timeout: TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null) : 0, output: stdout + stderr }),
    ),
  );
  // tsc prints each error as `file(line,col): error TSxxxx: …`; all of them are the message.
  expect(r.output.trim(), 'tsc found type errors').toBe('');
  expect(r.code).toBe(0);
}, TIMEOUT_MS + 10_000);
