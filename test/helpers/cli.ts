import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(ROOT, 'bin', 'eksdoctor');
export const fixture = (...p: string[]) => join(ROOT, 'fixtures', ...p);

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** An environment with no trace of the developer's own AWS or kube config. */
export function isolatedEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'eksdoctor-home-'));
  return { PATH: process.env.PATH, HOME: home, NO_COLOR: '1', ...extra };
}

/** Runs the built CLI as a user would (the launcher in bin/), with stdin closed. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = isolatedEnv(), input?: string): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

export function writeTemp(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'eksdoctor-'));
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
