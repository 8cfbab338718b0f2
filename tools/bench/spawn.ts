import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface Timed {
  ms: number;
  /** Epoch milliseconds (sub-millisecond precision) of the spawn call and of the child's close. */
  startedAt: number;
  endedAt: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (no shell) and times it from spawn to exit with performance.now(). */
export function timeSpawn(command: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const startedAt = performance.timeOrigin + t0;
    const child = spawn(command, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const t1 = performance.now();
      resolve({ ms: t1 - t0, startedAt, endedAt: performance.timeOrigin + t1, code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Is `command` on PATH (as spawn would find it)? */
export async function onPath(command: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const { access, constants } = await import('node:fs/promises');
  const { delimiter, join } = await import('node:path');
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      await access(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}
