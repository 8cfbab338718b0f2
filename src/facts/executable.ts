import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * Finds an exec plugin command as kubectl does: a bare name is looked up on PATH (Go's exec.LookPath),
 * a relative path with a slash is resolved against the kubeconfig file's directory (client-go ResolvePaths).
 */
export function resolveExecutable(command: string, env: NodeJS.ProcessEnv, kubeconfigFile?: string): string | undefined {
  if (command.includes('/')) {
    const path = isAbsolute(command) ? command : resolve(kubeconfigFile ? dirname(kubeconfigFile) : '.', command);
    return isExecutableFile(path) ? path : undefined;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const path = join(dir, command);
    if (isExecutableFile(path)) return path;
  }
  return undefined;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the command could not be started, or its output passed the bound. */
  error?: string;
}

const MAX_OUTPUT_BYTES = 1024 * 1024;

/**
 * Runs a command as kubectl runs an exec plugin: no shell, stdin closed, output bounded, killed at the
 * timeout. It leads its own process group, so killing it also kills what it started (a helper that
 * holds its stdout open would otherwise outlive the bound). Never throws.
 */
export function runCommand(path: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, signal?: AbortSignal): Promise<CommandResult> {
  return new Promise((done) => {
    let child: ChildProcess;
    try {
      child = spawn(path, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32', windowsHide: true });
    } catch (err) {
      done({ code: null, stdout: '', stderr: '', timedOut: false, error: (err as Error).message });
      return;
    }
    const out: Buffer[] = [];
    const errOut: Buffer[] = [];
    let size = 0;
    let timedOut = false;
    let overflow = false;
    let settled = false;
    const killGroup = () => {
      try {
        if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // already gone
      }
    };
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) {
        overflow = true;
        killGroup();
        return;
      }
      into.push(chunk);
    };
    child.stdout!.on('data', collect(out));
    child.stderr!.on('data', collect(errOut));
    const stop = () => {
      timedOut = true;
      killGroup();
    };
    const timer = setTimeout(stop, Math.max(0, timeoutMs));
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
    const finish = (code: number | null, error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
      done({
        code: timedOut || overflow ? null : code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(errOut).toString('utf8'),
        timedOut,
        ...(overflow ? { error: `the command wrote more than ${MAX_OUTPUT_BYTES} bytes (maxBuffer)` } : error ? { error } : {}),
      });
    };
    child.once('error', (err) => finish(null, err.message));
    // 'close' waits for stdout and stderr to end too; once the command itself has exited, children that
    // still hold them open are killed with the group rather than waited for.
    child.once('exit', () => setTimeout(killGroup, 100).unref());
    child.once('close', (code) => finish(code));
  });
}
