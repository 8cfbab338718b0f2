/**
 * Preloaded with `node --import` (bundled to .bench/load-trace.mjs) into one untimed run: registers
 * itself as a module-loader hook and appends every file: URL the process loads, in order, to the file
 * named by EKSDOCTOR_BENCH_LOADS. Loader hooks run on their own thread in Node 20, which slows loading
 * down: this run is for the list of modules, never for a time.
 */
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) register(import.meta.url);

export async function load(url: string, context: unknown, next: (url: string, context: unknown) => Promise<unknown>): Promise<unknown> {
  const out = process.env.EKSDOCTOR_BENCH_LOADS;
  if (out && url.startsWith('file:')) appendFileSync(out, `${url}\n`);
  return next(url, context);
}
