/**
 * Preloaded with `node --import` into a run under measurement (bundled to .bench/probe.mjs by the
 * bench): records every child process the run spawns (the exec plugin, `aws --version`) with its start
 * and exit, and at exit writes them with the process's peak RSS to stderr on one line (probe-record.ts).
 * `child_process.spawn` is wrapped before any of eksdoctor's modules load, and syncBuiltinESMExports
 * makes their `import { spawn } from 'node:child_process'` see the wrapper. Children's own memory is
 * not in maxRSS: /usr/bin/time -v reports the largest process.
 *
 * With EKSDOCTOR_BENCH_TAG=1 (in an untimed `auth --verbose` run) it also learns which check made
 * each HTTP request and spawned each child: the engine writes a check's `… <title>…` progress line
 * synchronously just before it calls the check's run() (src/engine/run.ts), so entering an
 * AsyncLocalStorage store at that write tags everything the check does afterwards, through its awaits;
 * http/https.request and spawn read the store. The bench matches those requests to the emulator's
 * journal, so a call is given to the check that made it, not guessed from overlapping time windows.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import childProcess, { type ChildProcess, type SpawnOptions } from 'node:child_process';
import { writeSync } from 'node:fs';
import http, { type ClientRequest } from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import { performance } from 'node:perf_hooks';
import { PROBE_MARKER, type ProbedChild, type ProbedRequest, type ProbeRecord } from './probe-record.js';

const now = () => performance.timeOrigin + performance.now();
const children: ProbedChild[] = [];
const requests: ProbedRequest[] = [];
const spawn = childProcess.spawn;
const tagging = process.env.EKSDOCTOR_BENCH_TAG === '1';
const owner = new AsyncLocalStorage<string>();

if (tagging) {
  const write = process.stderr.write.bind(process.stderr) as (...a: unknown[]) => boolean;
  (process.stderr as { write: unknown }).write = (chunk: unknown, ...rest: unknown[]) => {
    const started = typeof chunk === 'string' ? /^… ([^:\n]+)…\n$/.exec(chunk) : null;
    if (started) owner.enterWith(started[1]!);
    return write(chunk, ...rest);
  };
  for (const mod of [http, https]) {
    const request = mod.request as (...a: unknown[]) => ClientRequest;
    (mod as { request: unknown }).request = function probedRequest(...args: unknown[]): ClientRequest {
      const req = request.apply(mod, args);
      requests.push({ owner: owner.getStore(), method: req.method, path: req.path.split('?')[0]!, start: now() });
      return req;
    };
  }
}

function envDiff(env: NodeJS.ProcessEnv | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env ?? {})) if (v !== undefined && process.env[k] !== v) out[k] = v;
  return out;
}

(childProcess as { spawn: unknown }).spawn = function probedSpawn(command: string, args?: readonly string[] | SpawnOptions, options?: SpawnOptions): ChildProcess {
  const argv = Array.isArray(args) ? [...(args as string[])] : [];
  const opts = (Array.isArray(args) ? options : args) as SpawnOptions | undefined;
  const entry: ProbedChild = { ...(tagging && { owner: owner.getStore() }), command, args: argv, envDiff: envDiff(opts?.env), start: now(), end: 0, code: null };
  const child = (spawn as (...a: unknown[]) => ChildProcess).call(childProcess, command, args, options);
  child.once('exit', (code) => {
    entry.end = now();
    entry.code = code;
  });
  children.push(entry);
  return child;
};
syncBuiltinESMExports();

process.on('exit', () => {
  const record: ProbeRecord = { maxRssKb: process.resourceUsage().maxRSS, children: children.filter((c) => c.end > 0), requests };
  writeSync(2, `\n${PROBE_MARKER}${JSON.stringify(record)}\n`);
});
