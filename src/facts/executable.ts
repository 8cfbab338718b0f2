import { execFile } from 'node:child_process';
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
  error?: string;
}

/** Runs a command without a shell, stdin closed, output bounded, killed at the timeout. */
export function runCommand(path: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, signal?: AbortSignal): Promise<CommandResult> {
  return new Promise((done) => {
    const child = execFile(
      path,
      args,
      { env, timeout: timeoutMs, maxBuffer: 1024 * 1024, signal, windowsHide: true, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
        done({
          code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
          timedOut: Boolean(e?.killed) || e?.name === 'AbortError',
          ...(e && typeof e.code !== 'number' && !e.killed && { error: e.message }),
        });
      },
    );
    child.stdin?.end();
  });
}
